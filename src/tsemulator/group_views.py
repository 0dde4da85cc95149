"""Group reads: search with filters and paging, and the UserGroupResponse body."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from tsemulator import builtins, fields
from tsemulator.context import RawJson
from tsemulator.fields import Body
from tsemulator.group_json import render_groups_json
from tsemulator.principals import find_group, find_user, resolve_orgs
from tsemulator.search import Filters, add_name_filters, fetch_page


def search_groups(conn: sqlite3.Connection, body: Body) -> RawJson:
    """Return one page of groups matching a SearchUserGroupsRequest."""
    filters = Filters()
    _attribute_filters(conn, body, filters)
    _membership_filters(conn, body, filters)
    if filters.impossible:
        return RawJson("[]")
    rows = fetch_page(conn, "groups", filters, body)
    bodies = render_groups_json(
        conn,
        [row["seq"] for row in rows],
        include_users=fields.get_bool(body, "include_users") is not False,
        include_sub_groups=fields.get_bool(body, "include_sub_groups") is not False,
    )
    return RawJson("[" + ",".join(bodies) + "]")


def _attribute_filters(conn: sqlite3.Connection, body: Body, filters: Filters) -> None:
    add_name_filters(filters, body, "group_identifier", lambda name: find_group(conn, name))
    description = fields.get_str(body, "description")
    if description is not None:
        filters.add("description = ? COLLATE NOCASE", description)
    for key, allowed in (("type", fields.GROUP_TYPES), ("visibility", fields.VISIBILITIES)):
        value = fields.get_enum(body, key, allowed)
        if value is not None:
            filters.add(f"{key} = ?", value)
    privileges = fields.get_str_list(body, "privileges")
    if privileges:
        filters.add(
            "EXISTS (SELECT 1 FROM json_each(privileges)"
            " WHERE value IN (SELECT value FROM json_each(?)))",
            json.dumps(privileges),
        )


def _membership_filters(conn: sqlite3.Connection, body: Body, filters: Filters) -> None:
    """Filter on direct members, direct sub-groups and orgs."""
    orgs = fields.get_str_list(body, "org_identifiers")
    if orgs:
        resolve_orgs(orgs)
    if fields.get_str_list(body, "role_identifiers"):
        filters.impossible = True
    if fields.get_str_list(body, "default_liveboard_identifiers"):
        filters.impossible = True
    users = fields.get_str_list(body, "user_identifiers")
    if users:
        seqs = [row["seq"] for row in (find_user(conn, name) for name in users) if row is not None]
        if not seqs:
            filters.impossible = True
        # Every user is in All, although no membership row records it.
        filters.add(
            "(seq IN (SELECT group_seq FROM user_groups"
            " WHERE user_seq IN (SELECT value FROM json_each(?))) OR id = ?)",
            json.dumps(seqs),
            builtins.ALL_GROUP.id,
        )
    children = fields.get_str_list(body, "sub_group_identifiers")
    if children:
        seqs = [
            row["seq"] for row in (find_group(conn, name) for name in children) if row is not None
        ]
        if not seqs:
            filters.impossible = True
        filters.add(
            "seq IN (SELECT parent_seq FROM group_subgroups"
            " WHERE child_seq IN (SELECT value FROM json_each(?)))",
            json.dumps(seqs),
        )


def render_group(conn: sqlite3.Connection, seq: int) -> dict[str, Any]:
    """Return the full UserGroupResponse body of one group."""
    body: dict[str, Any] = json.loads(render_groups_json(conn, [seq])[0])
    return body
