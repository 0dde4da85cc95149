"""User reads: search with filters and paging, and the User response body."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from tsemulator import builtins, fields
from tsemulator.context import RawJson
from tsemulator.fields import Body
from tsemulator.principals import find_group, find_user, resolve_orgs
from tsemulator.search import Filters, add_name_filters, fetch_page
from tsemulator.user_json import render_users_json

_ENUM_FILTERS = (
    ("visibility", fields.VISIBILITIES),
    ("account_type", fields.ACCOUNT_TYPES),
    ("account_status", fields.ACCOUNT_STATUSES),
)
# Preference flags and the value a user has when it never set one.
_PROP_FILTERS = (
    ("notify_on_share", True),
    ("show_onboarding_experience", True),
    ("onboarding_experience_completed", False),
)


def search_users(
    conn: sqlite3.Connection, body: Body, *, full: bool
) -> RawJson | list[dict[str, Any]]:
    """Return one page of users matching a SearchUsersRequest.

    ``full`` is false for callers without a user administration privilege,
    who only see each user's id, names and visibility.
    """
    filters = Filters()
    _identity_filters(conn, body, filters)
    _attribute_filters(body, filters)
    _membership_filters(conn, body, filters)
    if filters.impossible:
        return []
    rows = fetch_page(conn, "users", filters, body)
    if not full:
        return [_brief_user(row) for row in rows]
    return RawJson("[" + ",".join(render_users_json(conn, [row["seq"] for row in rows])) + "]")


def _identity_filters(conn: sqlite3.Connection, body: Body, filters: Filters) -> None:
    add_name_filters(filters, body, "user_identifier", lambda name: find_user(conn, name))
    email = fields.get_str(body, "email")
    if email is not None:
        filters.add("email = ? COLLATE NOCASE", email)


def _attribute_filters(body: Body, filters: Filters) -> None:
    for key, allowed in _ENUM_FILTERS:
        value = fields.get_enum(body, key, allowed)
        if value is not None:
            filters.add(f"{key} = ?", value)
    for key, default in _PROP_FILTERS:
        flag = fields.get_bool(body, key)
        if flag is not None:
            filters.add(f"coalesce(json_extract(props, '$.{key}'), {int(default)}) = ?", int(flag))


def _membership_filters(conn: sqlite3.Connection, body: Body, filters: Filters) -> None:
    """Filter on groups (direct members), privileges (from any group) and orgs."""
    orgs = fields.get_str_list(body, "org_identifiers")
    if orgs:
        resolve_orgs(orgs)
    # No user has roles, a home Liveboard or favourites, so naming one matches nothing.
    if fields.get_str_list(body, "role_identifiers"):
        filters.impossible = True
    if fields.get_str(body, "home_liveboard_identifier"):
        filters.impossible = True
    if fields.get_object_list(body, "favorite_metadata"):
        filters.impossible = True
    groups = fields.get_str_list(body, "group_identifiers")
    if groups:
        rows = [row for row in (find_group(conn, name) for name in groups) if row is not None]
        if not rows:
            filters.impossible = True
        elif all(row["id"] != builtins.ALL_GROUP.id for row in rows):
            filters.add(
                "seq IN (SELECT user_seq FROM user_groups"
                " WHERE group_seq IN (SELECT value FROM json_each(?)))",
                json.dumps([row["seq"] for row in rows]),
            )
    privileges = fields.get_str_list(body, "privileges")
    if privileges:
        filters.add(_GRANTED, json.dumps(privileges), builtins.ALL_GROUP.id)


# Users who get one of the privileges: members of a group that grants it, or
# of a sub-group below such a group, or everyone when the All group grants it.
_GRANTED = """
seq IN (
    WITH RECURSIVE granting (seq) AS (
        SELECT seq FROM groups WHERE EXISTS (
            SELECT 1 FROM json_each(groups.privileges)
            WHERE value IN (SELECT value FROM json_each(?))
        )
        UNION
        SELECT gs.child_seq FROM granting g JOIN group_subgroups gs ON gs.parent_seq = g.seq
    )
    SELECT user_seq FROM user_groups WHERE group_seq IN (SELECT seq FROM granting)
    UNION
    SELECT u.seq FROM users u WHERE EXISTS (
        SELECT 1 FROM granting g JOIN groups a ON a.seq = g.seq WHERE a.id = ?
    )
)
"""


def render_user(conn: sqlite3.Connection, seq: int) -> dict[str, Any]:
    """Return the full User body of one user."""
    body: dict[str, Any] = json.loads(render_users_json(conn, [seq])[0])
    return body


def _brief_user(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "display_name": row["display_name"],
        "visibility": row["visibility"],
    }
