"""Users endpoints: search, create, update, delete, import."""

from __future__ import annotations

from tsemulator import fields
from tsemulator.context import Context, Reply
from tsemulator.user_views import render_user, search_users
from tsemulator.users import create_user, delete_user, import_users, update_user

PRIVILEGE = "USER_ADMINISTRATION"


def search(ctx: Context) -> Reply:
    caller = ctx.authenticated()
    with ctx.app.db.read() as conn:
        return Reply(200, search_users(conn, ctx.body, full=caller.has_any(PRIVILEGE)))


def create(ctx: Context) -> Reply:
    ctx.require(PRIVILEGE)
    with ctx.app.db.transaction() as conn:
        row = create_user(conn, ctx.body, ctx.app.config)
        body = render_user(conn, row["seq"])
    ctx.wrote = True
    return Reply(200, body)


def update(ctx: Context, user_identifier: str) -> Reply:
    ctx.require(PRIVILEGE)
    with ctx.app.db.transaction() as conn:
        update_user(conn, user_identifier, ctx.body, ctx.app.config)
    ctx.wrote = True
    return Reply(204)


def delete(ctx: Context, user_identifier: str) -> Reply:
    ctx.require(PRIVILEGE)
    with ctx.app.db.transaction() as conn:
        delete_user(conn, user_identifier)
    ctx.wrote = True
    return Reply(204)


def import_(ctx: Context) -> Reply:
    """Upsert users; with ``dry_run`` (the default) the changes are computed and rolled back."""
    ctx.require(PRIVILEGE)
    dry_run = fields.get_bool(ctx.body, "dry_run")
    commit = dry_run is False
    with ctx.app.db.transaction(commit=commit) as conn:
        result = import_users(conn, ctx.body, ctx.app.config)
    ctx.wrote = commit and any(result.values())
    return Reply(200, result)
