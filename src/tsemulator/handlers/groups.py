"""Groups endpoints: search, create, update, delete, import."""

from __future__ import annotations

from tsemulator import fields
from tsemulator.context import Context, Reply
from tsemulator.group_views import render_group, search_groups
from tsemulator.groups import create_group, delete_group, import_groups, update_group

PRIVILEGE = "GROUP_ADMINISTRATION"


def search(ctx: Context) -> Reply:
    ctx.authenticated()
    with ctx.app.db.read() as conn:
        return Reply(200, search_groups(conn, ctx.body))


def create(ctx: Context) -> Reply:
    ctx.require(PRIVILEGE)
    with ctx.app.db.transaction() as conn:
        row = create_group(conn, ctx.body)
        body = render_group(conn, row["seq"])
    ctx.wrote = True
    return Reply(200, body)


def update(ctx: Context, group_identifier: str) -> Reply:
    ctx.require(PRIVILEGE)
    with ctx.app.db.transaction() as conn:
        update_group(conn, group_identifier, ctx.body)
    ctx.wrote = True
    return Reply(204)


def delete(ctx: Context, group_identifier: str) -> Reply:
    ctx.require(PRIVILEGE)
    with ctx.app.db.transaction() as conn:
        delete_group(conn, group_identifier)
    ctx.wrote = True
    return Reply(204)


def import_(ctx: Context) -> Reply:
    """Upsert groups; with ``dry_run`` (the default) the changes are computed and rolled back."""
    ctx.require(PRIVILEGE)
    dry_run = fields.get_bool(ctx.body, "dry_run")
    commit = dry_run is False
    with ctx.app.db.transaction(commit=commit) as conn:
        result = import_groups(conn, ctx.body)
    ctx.wrote = commit and any(result.values())
    return Reply(200, result)
