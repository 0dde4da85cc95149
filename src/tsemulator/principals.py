"""Lookup of users and groups by GUID or name, and the rules every principal shares."""

from __future__ import annotations

import sqlite3
import uuid

from tsemulator import builtins, fields
from tsemulator.config import EmulatorConfig
from tsemulator.errors import BadRequest
from tsemulator.fields import Body

Row = sqlite3.Row


def _as_guid(identifier: str) -> str | None:
    try:
        return str(uuid.UUID(identifier))
    except ValueError:
        return None


def find_user(conn: sqlite3.Connection, identifier: str) -> Row | None:
    """Return the user whose GUID or name (compared case-insensitively) is ``identifier``."""
    guid = _as_guid(identifier)
    if guid is not None:
        row: Row | None = conn.execute("SELECT * FROM users WHERE id = ?", (guid,)).fetchone()
        if row is not None:
            return row
    row = conn.execute(
        "SELECT * FROM users WHERE name_key = ?", (identifier.casefold(),)
    ).fetchone()
    return row


def find_group(conn: sqlite3.Connection, identifier: str) -> Row | None:
    """Return the group whose GUID or name (compared case-insensitively) is ``identifier``."""
    guid = _as_guid(identifier)
    if guid is not None:
        row: Row | None = conn.execute("SELECT * FROM groups WHERE id = ?", (guid,)).fetchone()
        if row is not None:
            return row
    row = conn.execute(
        "SELECT * FROM groups WHERE name_key = ?", (identifier.casefold(),)
    ).fetchone()
    return row


def resolve_user(conn: sqlite3.Connection, identifier: str) -> Row:
    row = find_user(conn, identifier)
    if row is None:
        raise BadRequest(f"User with identifier {identifier} not found.")
    return row


def resolve_group(conn: sqlite3.Connection, identifier: str) -> Row:
    row = find_group(conn, identifier)
    if row is None:
        raise BadRequest(f"Group with identifier {identifier} not found.")
    return row


def resolve_orgs(identifiers: list[str]) -> None:
    """Check that every org identifier names the one org the emulator has."""
    accepted = {str(builtins.DEFAULT_ORG_ID), builtins.DEFAULT_ORG_NAME.casefold()}
    for identifier in identifiers:
        if identifier.casefold() not in accepted:
            raise BadRequest(f"Org with identifier {identifier} not found.")


def is_all_group(row: Row) -> bool:
    return bool(row["id"] == builtins.ALL_GROUP.id)


def check_new_name(
    conn: sqlite3.Connection, table: str, name: str, *, except_seq: int | None = None
) -> None:
    """Reject an empty name or one that another principal of the same kind has."""
    if not name.strip():
        raise BadRequest("Name must not be empty.")
    clash = conn.execute(
        f"SELECT seq, name FROM {table} WHERE name_key = ?", (name.casefold(),)
    ).fetchone()
    if clash is not None and clash["seq"] != except_seq:
        kind = "User" if table == "users" else "Group"
        raise BadRequest(f"{kind} with name {clash['name']} already exists.")


def name_changes(conn: sqlite3.Connection, table: str, row: Row, body: Body) -> dict[str, str]:
    """Return the column updates for ``name`` and ``display_name`` in an update body.

    Built-ins keep their names, and a new name must be free within ``table``.
    """
    changes: dict[str, str] = {}
    name = fields.get_str(body, "name")
    if name is not None and name != row["name"]:
        if row["builtin"]:
            kind = "user" if table == "users" else "group"
            raise BadRequest(f"The built-in {kind} {row['name']} cannot be renamed.")
        check_new_name(conn, table, name, except_seq=row["seq"])
        changes.update(name=name, name_key=name.casefold())
    display_name = fields.get_str(body, "display_name")
    if display_name is not None:
        if not display_name.strip():
            raise BadRequest("Field 'display_name' must not be empty.")
        changes.update(display_name=display_name, display_key=display_name.casefold())
    return changes


def check_email(email: str, config: EmulatorConfig) -> None:
    """Reject a malformed address, or one whose domain the cluster does not allow."""
    local, at, domain = email.rpartition("@")
    if not at or not local or not domain or "." not in domain:
        raise BadRequest(f"Invalid email address {email}.")
    allowed = config.allowed_email_domains
    if allowed and domain.lower() not in allowed:
        raise BadRequest(
            f"Email domain {domain} is not allowed for email {email};"
            f" allowed domains: {', '.join(allowed)}."
        )
