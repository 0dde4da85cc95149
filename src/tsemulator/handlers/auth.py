"""Authentication endpoints: tokens, session login and logout, current user."""

from __future__ import annotations

import logging

from tsemulator import builtins, fields
from tsemulator.context import Context, Reply
from tsemulator.db import check_password
from tsemulator.errors import BadRequest, Forbidden, Unauthorized
from tsemulator.principals import find_user, resolve_user
from tsemulator.sessions import REMEMBER_ME_VALIDITY, SESSION_COOKIE, SESSION_VALIDITY, Session
from tsemulator.user_views import render_user

log = logging.getLogger(__name__)

DEFAULT_TOKEN_VALIDITY = 300
BAD_CREDENTIALS = "Authentication failed. Verify that the username and password are correct."


def token_full(ctx: Context) -> Reply:
    """Issue a full-access bearer token for a username and a password or the secret key."""
    body = ctx.body
    username = fields.require_str(body, "username")
    password = fields.get_str(body, "password") or ""
    secret_key = fields.get_str(body, "secret_key") or ""
    validity = fields.get_int(body, "validity_time_in_sec")
    org_id = fields.get_int(body, "org_id")
    if not password and not secret_key:
        raise BadRequest("Either secret_key or password must be provided.")
    if validity is not None and validity <= 0:
        raise BadRequest(f"Field 'validity_time_in_sec' must be positive, got {validity}.")
    if org_id is not None and org_id != builtins.DEFAULT_ORG_ID:
        raise BadRequest(f"Org with id {org_id} not found.")
    if fields.get_bool(body, "auto_create"):
        raise BadRequest("Just-in-time provisioning (auto_create) is not enabled on this cluster.")
    user_id = _authenticate(ctx, username, password, secret_key)
    session = ctx.app.sessions.issue(user_id, "token", validity or DEFAULT_TOKEN_VALIDITY)
    with ctx.app.db.read() as conn:
        name = conn.execute("SELECT name FROM users WHERE id = ?", (user_id,)).fetchone()["name"]
    log.debug("issued a token for %s", name)
    return Reply(200, _token_body(session, name))


def login(ctx: Context) -> Reply:
    """Start a session and set its cookie; a valid bearer token may replace the password."""
    body = ctx.body
    username = fields.get_str(body, "username")
    password = fields.get_str(body, "password") or ""
    org = fields.get_str(body, "org_identifier")
    remember_me = fields.get_bool(body, "remember_me")
    if org is not None and org.casefold() not in {
        str(builtins.DEFAULT_ORG_ID),
        builtins.DEFAULT_ORG_NAME.casefold(),
    }:
        raise BadRequest(
            "The specified org_identifier does not refer to a valid or accessible org."
        )
    if username:
        user_id = _authenticate(ctx, username, password, "")
    elif ctx.caller is not None:
        user_id = ctx.caller.user_id
    else:
        raise Unauthorized(BAD_CREDENTIALS)
    session = ctx.app.sessions.issue(
        user_id, "session", REMEMBER_ME_VALIDITY if remember_me else SESSION_VALIDITY
    )
    cookie = f"{SESSION_COOKIE}={session.token}; Path=/; HttpOnly; SameSite=Lax"
    return Reply(204, None, [("Set-Cookie", cookie)])


def logout(ctx: Context) -> Reply:
    """End the caller's session, or revoke the bearer token it used."""
    ctx.app.sessions.revoke(ctx.authenticated().session.token)
    expired = f"{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"
    return Reply(204, None, [("Set-Cookie", expired)])


def revoke_token(ctx: Context) -> Reply:
    """Revoke one token, every token of one user, or else the caller's own token."""
    caller = ctx.authenticated()
    token = fields.get_str(ctx.body, "token")
    identifier = fields.get_str(ctx.body, "user_identifier")
    if token:
        owner = ctx.app.sessions.owner(token)
        if owner is not None and owner != caller.user_id and not caller.is_admin:
            raise Forbidden("Only an administrator can revoke the token of another user.")
        ctx.app.sessions.revoke(token)
        return Reply(204)
    if identifier:
        with ctx.app.db.read() as conn:
            user_id = resolve_user(conn, identifier)["id"]
        if user_id != caller.user_id and not caller.is_admin:
            raise Forbidden("Only an administrator can revoke the tokens of another user.")
        ctx.app.sessions.revoke_user(user_id)
        return Reply(204)
    ctx.app.sessions.revoke(caller.session.token)
    return Reply(204)


def validate_token(ctx: Context) -> Reply:
    """Describe a live token; an expired, revoked or unknown one gives 400.

    Validating counts as a use of the validated token, as any request with it does.
    """
    ctx.authenticated()
    token = fields.require_str(ctx.body, "token")
    session = ctx.app.sessions.lookup(token)
    if session is None:
        raise BadRequest("The token is invalid or has expired.")
    return Reply(
        200,
        {
            "creation_time_in_millis": int(session.created * 1000),
            "expiration_time_in_millis": int(session.expires * 1000),
            "scope": {
                "access_type": "FULL",
                "org_id": builtins.DEFAULT_ORG_ID,
                "metadata_id": None,
            },
            "valid_for_user_id": session.user_id,
            "token_type": "Bearer" if session.kind == "token" else "Session",
        },
    )


def session_user(ctx: Context) -> Reply:
    """Return the caller as a User, with all its properties."""
    caller = ctx.authenticated()
    with ctx.app.db.read() as conn:
        row = conn.execute("SELECT * FROM users WHERE id = ?", (caller.user_id,)).fetchone()
        return Reply(200, render_user(conn, row["seq"]))


def session_token(ctx: Context) -> Reply:
    """Return a new token for the caller, valid for 24 hours as on clusters."""
    caller = ctx.authenticated()
    session = ctx.app.sessions.issue(caller.user_id, "token", 24 * 3600)
    body = _token_body(session, caller.name)
    del body["scope"]
    return Reply(200, body)


def _authenticate(ctx: Context, username: str, password: str, secret_key: str) -> str:
    """Check credentials and return the user id; raise Unauthorized or Forbidden."""
    with ctx.app.db.read() as conn:
        row = find_user(conn, username)
    if row is None:
        raise Unauthorized(BAD_CREDENTIALS)
    if secret_key:
        expected = ctx.app.config.secret_key
        if expected is None or secret_key != expected:
            raise Unauthorized("Authentication failed. The secret key is not valid.")
    elif not check_password(row["password_hash"], password):
        raise Unauthorized(BAD_CREDENTIALS)
    if row["account_status"] != "ACTIVE":
        raise Forbidden("User account is inactive or locked.")
    return str(row["id"])


def _token_body(session: Session, name: str) -> dict[str, object]:
    return {
        "token": session.token,
        "creation_time_in_millis": int(session.created * 1000),
        "expiration_time_in_millis": int(session.expires * 1000),
        "scope": {"access_type": "FULL", "org_id": builtins.DEFAULT_ORG_ID, "metadata_id": None},
        "valid_for_user_id": session.user_id,
        "valid_for_username": name,
    }
