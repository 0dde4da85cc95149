"""Group writes: create, update, delete and import."""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import Any

from tsemulator import fields, membership
from tsemulator.db import now_ms
from tsemulator.errors import BadRequest
from tsemulator.fields import Body
from tsemulator.principals import (
    check_new_name,
    find_group,
    is_all_group,
    name_changes,
    resolve_group,
    resolve_user,
)


def create_group(conn: sqlite3.Connection, body: Body) -> sqlite3.Row:
    """Create one group from a CreateUserGroupRequest body and return its row."""
    name = fields.require_str(body, "name")
    display_name = fields.require_str(body, "display_name")
    check_new_name(conn, "groups", name)
    _check_unsupported(body)
    row = _insert_group(
        conn,
        name=name,
        display_name=display_name,
        description=fields.get_str(body, "description"),
        group_type=fields.get_enum(body, "type", fields.GROUP_TYPES) or "LOCAL_GROUP",
        visibility=fields.get_enum(body, "visibility", fields.VISIBILITIES) or "SHARABLE",
        privileges=fields.get_str_list(body, "privileges") or [],
    )
    _apply_lists(conn, row, body, "ADD")
    return row


def update_group(conn: sqlite3.Connection, identifier: str, body: Body) -> None:
    """Apply an UpdateUserGroupRequest: scalars are overwritten, lists follow ``operation``."""
    row = resolve_group(conn, identifier)
    if is_all_group(row):
        raise BadRequest("The All group cannot be edited.")
    operation = fields.get_enum(body, "operation", fields.OPERATIONS) or "REPLACE"
    _check_unsupported(body)
    changes: dict[str, Any] = dict(name_changes(conn, "groups", row, body))
    description = fields.get_str(body, "description")
    if description is not None:
        changes["description"] = description
    group_type = fields.get_enum(body, "type", fields.GROUP_TYPES)
    if group_type is not None:
        changes["type"] = group_type
    visibility = fields.get_enum(body, "visibility", fields.VISIBILITIES)
    if visibility is not None:
        changes["visibility"] = visibility
    _write_group(conn, row["seq"], changes)
    _apply_lists(conn, row, body, operation)


def delete_group(conn: sqlite3.Connection, identifier: str) -> None:
    row = resolve_group(conn, identifier)
    if row["builtin"]:
        raise BadRequest(f"The built-in group {row['name']} cannot be deleted.")
    conn.execute("DELETE FROM groups WHERE seq = ?", (row["seq"],))


def import_groups(conn: sqlite3.Connection, body: Body) -> dict[str, Any]:
    """Upsert groups from an ImportUserGroupsRequest; the caller rolls back a dry run.

    Every group is created or updated first, then the lists are applied, so
    an entry may name as a sub-group a group created later in the same import.
    """
    entries = fields.get_object_list(body, "groups") or []
    added: list[dict[str, str]] = []
    updated: list[dict[str, str]] = []
    rows: list[tuple[sqlite3.Row, Body]] = []
    seen: set[int] = set()
    for entry in entries:
        row, created = _import_one(conn, entry)
        if row["seq"] in seen:
            raise BadRequest(f"Group {row['name']} is listed more than once in the import.")
        seen.add(row["seq"])
        rows.append((row, entry))
        (added if created else updated).append({"id": row["id"], "name": row["name"]})
    for row, entry in rows:
        _apply_lists(conn, row, entry, "REPLACE")

    deleted: list[dict[str, str]] = []
    if fields.get_bool(body, "delete_unspecified_groups"):
        for row in conn.execute("SELECT seq, id, name FROM groups WHERE builtin = 0").fetchall():
            if row["seq"] not in seen:
                conn.execute("DELETE FROM groups WHERE seq = ?", (row["seq"],))
                deleted.append({"id": row["id"], "name": row["name"]})
    return {"groups_added": added, "groups_updated": updated, "groups_deleted": deleted}


def _import_one(conn: sqlite3.Connection, entry: Body) -> tuple[sqlite3.Row, bool]:
    """Create or update the group of one import entry; return it and whether it is new."""
    identifier = fields.require_str(entry, "group_identifier")
    display_name = fields.require_str(entry, "display_name")
    _check_unsupported(entry)
    description = fields.get_str(entry, "description")
    group_type = fields.get_enum(entry, "type", fields.GROUP_TYPES)
    visibility = fields.get_enum(entry, "visibility", fields.VISIBILITIES)

    existing = find_group(conn, identifier)
    if existing is None:
        check_new_name(conn, "groups", identifier)
        row = _insert_group(
            conn,
            name=identifier,
            display_name=display_name,
            description=description,
            group_type=group_type or "LOCAL_GROUP",
            visibility=visibility or "SHARABLE",
            privileges=[],
        )
        return row, True

    if is_all_group(existing):
        raise BadRequest("The All group cannot be edited.")
    changes: dict[str, Any] = {"display_name": display_name, "display_key": display_name.casefold()}
    for key, value in (
        ("description", description),
        ("type", group_type),
        ("visibility", visibility),
    ):
        if value is not None:
            changes[key] = value
    _write_group(conn, existing["seq"], changes)
    return existing, False


def _apply_lists(conn: sqlite3.Connection, row: sqlite3.Row, body: Body, operation: str) -> None:
    """Apply the member, sub-group and privilege lists present in ``body``."""
    users = fields.get_str_list(body, "user_identifiers")
    if users is not None:
        user_seqs = [resolve_user(conn, identifier)["seq"] for identifier in users]
        membership.apply_group_users(conn, row["seq"], user_seqs, operation)
    children = fields.get_str_list(body, "sub_group_identifiers")
    if children is not None:
        child_seqs = [resolve_group(conn, identifier)["seq"] for identifier in children]
        membership.apply_sub_groups(conn, row["seq"], child_seqs, operation)
    privileges = fields.get_str_list(body, "privileges")
    if privileges is not None:
        current = json.loads(
            conn.execute("SELECT privileges FROM groups WHERE seq = ?", (row["seq"],)).fetchone()[0]
        )
        if operation == "ADD":
            merged = sorted(set(current) | set(privileges))
        elif operation == "REMOVE":
            merged = sorted(set(current) - set(privileges))
        else:
            merged = sorted(set(privileges))
        _write_group(conn, row["seq"], {"privileges": json.dumps(merged)})


def _insert_group(
    conn: sqlite3.Connection,
    *,
    name: str,
    display_name: str,
    description: str | None,
    group_type: str,
    visibility: str,
    privileges: list[str],
) -> sqlite3.Row:
    if not display_name.strip():
        raise BadRequest("Field 'display_name' must not be empty.")
    stamp = now_ms()
    group_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO groups (id, name, name_key, display_name, display_key, description,"
        " type, visibility, privileges, created_ms, modified_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            group_id,
            name,
            name.casefold(),
            display_name,
            display_name.casefold(),
            description,
            group_type,
            visibility,
            json.dumps(sorted(set(privileges))),
            stamp,
            stamp,
        ),
    )
    row: sqlite3.Row = conn.execute("SELECT * FROM groups WHERE id = ?", (group_id,)).fetchone()
    return row


def _write_group(conn: sqlite3.Connection, seq: int, changes: dict[str, Any]) -> None:
    changes["modified_ms"] = now_ms()
    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(f"UPDATE groups SET {assignments} WHERE seq = ?", (*changes.values(), seq))


def _check_unsupported(body: Body) -> None:
    """Reject references to objects the emulator does not model (Liveboards, roles)."""
    if fields.get_str_list(body, "default_liveboard_identifiers"):
        raise BadRequest("Liveboard in default_liveboard_identifiers not found.")
    if fields.get_str_list(body, "role_identifiers"):
        raise BadRequest("Roles are not enabled on this cluster.")
