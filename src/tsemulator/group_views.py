"""Group reads: search with filters and paging, and the UserGroupResponse body."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from tsemulator import builtins, fields, membership
from tsemulator.fields import Body
from tsemulator.principals import find_group, find_user, resolve_orgs
from tsemulator.search import fetch_page, like_pattern


def search_groups(conn: sqlite3.Connection, body: Body) -> list[dict[str, Any]]:
    """Return one page of groups matching a SearchUserGroupsRequest."""
    where, params = _filters(conn, body)
    if where is None:
        return []
    rows = fetch_page(conn, "groups", where, params, body)
    include_users = fields.get_bool(body, "include_users")
    include_sub_groups = fields.get_bool(body, "include_sub_groups")
    return render_groups(
        conn,
        rows,
        include_users=include_users is not False,
        include_sub_groups=include_sub_groups is not False,
    )


def _filters(conn: sqlite3.Connection, body: Body) -> tuple[list[str] | None, list[Any]]:
    """Build WHERE conditions; None means the filters can match no group at all."""
    where: list[str] = []
    params: list[Any] = []
    identifier = fields.get_str(body, "group_identifier")
    if identifier is not None:
        row = find_group(conn, identifier)
        if row is None:
            return None, []
        where.append("seq = ?")
        params.append(row["seq"])
    pattern = fields.get_str(body, "name_pattern")
    if pattern:
        where.append("name LIKE ? ESCAPE '\\'")
        params.append(like_pattern(pattern))
    for key, column in (("display_name", "display_key"), ("description", "description")):
        value = fields.get_str(body, key)
        if value is not None:
            where.append(
                f"{column} = ?" if column == "display_key" else f"{column} = ? COLLATE NOCASE"
            )
            params.append(value.casefold() if column == "display_key" else value)
    for key, allowed in (("type", fields.GROUP_TYPES), ("visibility", fields.VISIBILITIES)):
        value = fields.get_enum(body, key, allowed)
        if value is not None:
            where.append(f"{key} = ?")
            params.append(value)
    orgs = fields.get_str_list(body, "org_identifiers")
    if orgs:
        resolve_orgs(orgs)
    if fields.get_str_list(body, "role_identifiers") or fields.get_str_list(
        body, "default_liveboard_identifiers"
    ):
        return None, []
    users = fields.get_str_list(body, "user_identifiers")
    if users:
        seqs = [row["seq"] for row in (find_user(conn, name) for name in users) if row is not None]
        if not seqs:
            return None, []
        where.append(
            "(seq IN (SELECT group_seq FROM user_groups"
            " WHERE user_seq IN (SELECT value FROM json_each(?))) OR id = ?)"
        )
        params.extend([json.dumps(seqs), builtins.ALL_GROUP.id])
    children = fields.get_str_list(body, "sub_group_identifiers")
    if children:
        seqs = [
            row["seq"] for row in (find_group(conn, name) for name in children) if row is not None
        ]
        if not seqs:
            return None, []
        where.append(
            "seq IN (SELECT parent_seq FROM group_subgroups"
            " WHERE child_seq IN (SELECT value FROM json_each(?)))"
        )
        params.append(json.dumps(seqs))
    privileges = fields.get_str_list(body, "privileges")
    if privileges:
        where.append(
            "EXISTS (SELECT 1 FROM json_each(privileges)"
            " WHERE value IN (SELECT value FROM json_each(?)))"
        )
        params.append(json.dumps(privileges))
    return where, params


def render_groups(
    conn: sqlite3.Connection,
    rows: list[sqlite3.Row],
    *,
    include_users: bool = True,
    include_sub_groups: bool = True,
) -> list[dict[str, Any]]:
    """Build UserGroupResponse bodies, with memberships read in batched queries."""
    seqs = [row["seq"] for row in rows]
    users = membership.group_users(conn, seqs) if include_users else None
    children = membership.sub_groups(conn, seqs) if include_sub_groups else None
    result = []
    for row in rows:
        group = _group(row)
        if users is not None:
            group["users"] = [{"id": uid, "name": name} for uid, name in users[row["seq"]]]
        if children is not None:
            group["sub_groups"] = [{"id": gid, "name": name} for gid, name in children[row["seq"]]]
        result.append(group)
    return result


def _group(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "display_name": row["display_name"],
        "visibility": row["visibility"],
        "author_id": builtins.TSADMIN.id,
        "complete_detail": True,
        "creation_time_in_millis": row["created_ms"],
        "default_liveboards": [],
        "deleted": False,
        "deprecated": False,
        "description": row["description"],
        "external": False,
        "generation_number": 1,
        "hidden": bool(row["hidden"]),
        "modification_time_in_millis": row["modified_ms"],
        "modifier_id": builtins.TSADMIN.id,
        "orgs": [{"id": str(builtins.DEFAULT_ORG_ID), "name": builtins.DEFAULT_ORG_NAME}],
        "owner_id": row["id"],
        "parent_type": "GROUP",
        "privileges": json.loads(row["privileges"]),
        "system_group": bool(row["builtin"]),
        "tags": [],
        "type": row["type"],
        "roles": [],
    }
