"""User writes: create, update, delete and import."""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

from tsemulator import fields, membership
from tsemulator.config import EmulatorConfig
from tsemulator.db import hash_password, now_ms
from tsemulator.errors import BadRequest
from tsemulator.fields import Body
from tsemulator.principals import (
    check_email,
    check_new_name,
    find_user,
    name_changes,
    resolve_group,
    resolve_orgs,
    resolve_user,
)

# Preferences kept in the props column as sent; defaults are those of CreateUserRequest.
PROP_DEFAULTS: dict[str, Any] = {
    "notify_on_share": True,
    "show_onboarding_experience": True,
    "onboarding_experience_completed": False,
    "preferred_locale": None,
    "use_browser_language": None,
    "extended_properties": None,
    "extended_preferences": None,
}
_BOOL_PROPS = (
    "notify_on_share",
    "show_onboarding_experience",
    "onboarding_experience_completed",
    "use_browser_language",
)
_OBJECT_PROPS = ("extended_properties", "extended_preferences")


def create_user(conn: sqlite3.Connection, body: Body, config: EmulatorConfig) -> sqlite3.Row:
    """Create one user from a CreateUserRequest body and return its row."""
    name = fields.require_str(body, "name")
    display_name = fields.require_str(body, "display_name")
    email = fields.require_str(body, "email")
    check_new_name(conn, "users", name)
    check_email(email, config)
    _check_unsupported(body)
    row = _insert_user(
        conn,
        name=name,
        display_name=display_name,
        email=email,
        account_type=fields.get_enum(body, "account_type", fields.ACCOUNT_TYPES) or "LOCAL_USER",
        account_status=fields.get_enum(body, "account_status", fields.ACCOUNT_STATUSES) or "ACTIVE",
        visibility=fields.get_enum(body, "visibility", fields.VISIBILITIES) or "SHARABLE",
        password=fields.get_str(body, "password"),
        props=_read_props(body, dict(PROP_DEFAULTS)),
    )
    orgs = fields.get_str_list(body, "org_identifiers")
    if orgs is not None:
        resolve_orgs(orgs)
    groups = fields.get_str_list(body, "group_identifiers") or []
    group_seqs = [resolve_group(conn, identifier)["seq"] for identifier in groups]
    membership.apply_user_groups(conn, row["seq"], group_seqs, "ADD")
    return row


def update_user(
    conn: sqlite3.Connection, identifier: str, body: Body, config: EmulatorConfig
) -> None:
    """Apply an UpdateUserRequest: scalars are overwritten, lists follow ``operation``."""
    row = resolve_user(conn, identifier)
    operation = fields.get_enum(body, "operation", fields.OPERATIONS) or "REPLACE"
    _check_unsupported(body)
    changes: dict[str, Any] = dict(name_changes(conn, "users", row, body))
    email = fields.get_str(body, "email")
    if email is not None:
        check_email(email, config)
        changes["email"] = email
    for key, allowed in (
        ("visibility", fields.VISIBILITIES),
        ("account_status", fields.ACCOUNT_STATUSES),
        ("account_type", fields.ACCOUNT_TYPES),
    ):
        value = fields.get_enum(body, key, allowed)
        if value is not None:
            changes[key] = value
    props = _read_props(body, json.loads(row["props"]))
    changes["props"] = json.dumps(props)
    _write_user(conn, row["seq"], changes)

    orgs = fields.get_str_list(body, "org_identifiers")
    if orgs is not None:
        resolve_orgs(orgs)
        if operation == "REMOVE" and orgs:
            raise BadRequest("A user cannot be removed from the only org of the cluster.")
    groups = fields.get_str_list(body, "group_identifiers")
    if groups is not None:
        group_seqs = [resolve_group(conn, identifier)["seq"] for identifier in groups]
        membership.apply_user_groups(conn, row["seq"], group_seqs, operation)


def delete_user(conn: sqlite3.Connection, identifier: str) -> None:
    row = resolve_user(conn, identifier)
    if row["builtin"]:
        raise BadRequest(f"The built-in user {row['name']} cannot be deleted.")
    conn.execute("DELETE FROM users WHERE seq = ?", (row["seq"],))


def import_users(conn: sqlite3.Connection, body: Body, config: EmulatorConfig) -> dict[str, Any]:
    """Upsert users from an ImportUsersRequest; the caller rolls back a dry run.

    Fields an entry sends overwrite the stored ones, and a list it sends
    replaces the stored list; fields it leaves out keep their values.
    """
    entries = fields.get_object_list(body, "users")
    if entries is None:
        raise BadRequest("Missing required field 'users'.")
    default_password = fields.get_str(body, "default_password")
    added: list[dict[str, str]] = []
    updated: list[dict[str, str]] = []
    seen: set[int] = set()
    for entry in entries:
        row, created = _import_one(conn, entry, default_password, config)
        if row["seq"] in seen:
            raise BadRequest(f"User {row['name']} is listed more than once in the import.")
        seen.add(row["seq"])
        (added if created else updated).append({"id": row["id"], "name": row["name"]})

    deleted: list[dict[str, str]] = []
    if fields.get_bool(body, "delete_unspecified_users"):
        for row in conn.execute("SELECT seq, id, name FROM users WHERE builtin = 0").fetchall():
            if row["seq"] not in seen:
                conn.execute("DELETE FROM users WHERE seq = ?", (row["seq"],))
                deleted.append({"id": row["id"], "name": row["name"]})
    return {"users_added": added, "users_updated": updated, "users_deleted": deleted}


def _import_one(
    conn: sqlite3.Connection, entry: Body, default_password: str | None, config: EmulatorConfig
) -> tuple[sqlite3.Row, bool]:
    identifier = fields.require_str(entry, "user_identifier")
    display_name = fields.require_str(entry, "display_name")
    email = fields.get_str(entry, "email")
    if email is not None:
        check_email(email, config)
    _check_unsupported(entry)
    orgs = fields.get_str_list(entry, "org_identifiers")
    if orgs is not None:
        resolve_orgs(orgs)
    account_type = fields.get_enum(entry, "account_type", fields.ACCOUNT_TYPES)
    account_status = fields.get_enum(entry, "account_status", fields.ACCOUNT_STATUSES)
    visibility = fields.get_enum(entry, "visibility", fields.VISIBILITIES)
    password = fields.get_str(entry, "password")
    groups = fields.get_str_list(entry, "group_identifiers")
    group_seqs = [resolve_group(conn, name)["seq"] for name in groups or []]

    existing = find_user(conn, identifier)
    if existing is None:
        check_new_name(conn, "users", identifier)
        row = _insert_user(
            conn,
            name=identifier,
            display_name=display_name,
            email=email,
            account_type=account_type or "LOCAL_USER",
            account_status=account_status or "ACTIVE",
            visibility=visibility or "SHARABLE",
            password=password or default_password,
            props=_read_props(entry, dict(PROP_DEFAULTS)),
        )
        membership.apply_user_groups(conn, row["seq"], group_seqs, "ADD")
        return row, True

    changes: dict[str, Any] = {"display_name": display_name, "display_key": display_name.casefold()}
    for key, value in (
        ("email", email),
        ("account_type", account_type),
        ("account_status", account_status),
        ("visibility", visibility),
    ):
        if value is not None:
            changes[key] = value
    if password is not None:
        changes["password_hash"] = hash_password(password)
    changes["props"] = json.dumps(_read_props(entry, json.loads(existing["props"])))
    _write_user(conn, existing["seq"], changes)
    if groups is not None:
        membership.apply_user_groups(conn, existing["seq"], group_seqs, "REPLACE")
    return existing, False


def _insert_user(
    conn: sqlite3.Connection,
    *,
    name: str,
    display_name: str,
    email: str | None,
    account_type: str,
    account_status: str,
    visibility: str,
    password: str | None,
    props: dict[str, Any],
) -> sqlite3.Row:
    if not display_name.strip():
        raise BadRequest("Field 'display_name' must not be empty.")
    stamp = now_ms()
    user_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO users (id, name, name_key, display_name, display_key, email, account_type,"
        " account_status, visibility, password_hash, props, created_ms, modified_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            user_id,
            name,
            name.casefold(),
            display_name,
            display_name.casefold(),
            email,
            account_type,
            account_status,
            visibility,
            hash_password(password) if password else None,
            json.dumps(props),
            stamp,
            stamp,
        ),
    )
    row: sqlite3.Row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
    return row


def _write_user(conn: sqlite3.Connection, seq: int, changes: dict[str, Any]) -> None:
    changes["modified_ms"] = now_ms()
    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(f"UPDATE users SET {assignments} WHERE seq = ?", (*changes.values(), seq))


def _read_props(body: Body, props: dict[str, Any]) -> dict[str, Any]:
    """Overlay the preference fields present in ``body`` on ``props``."""
    for key in _BOOL_PROPS:
        flag = fields.get_bool(body, key)
        if flag is not None:
            props[key] = flag
    for key in _OBJECT_PROPS:
        mapping = fields.get_object(body, key)
        if mapping is not None:
            props[key] = mapping
    locale = fields.get_str(body, "preferred_locale")
    if locale is not None:
        props["preferred_locale"] = locale
    return props


def _check_unsupported(body: Body) -> None:
    """Reject references to objects the emulator does not model (Liveboards, favorites)."""
    liveboard = fields.get_str(body, "home_liveboard_identifier")
    if liveboard:
        raise BadRequest(f"Liveboard with identifier {liveboard} not found.")
    favorites = fields.get_object_list(body, "favorite_metadata")
    if favorites:
        raise BadRequest("Metadata object in favorite_metadata not found.")
