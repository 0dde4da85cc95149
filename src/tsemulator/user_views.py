"""User reads: search with filters and paging, and the User response body."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from tsemulator import builtins, fields, membership
from tsemulator.fields import Body
from tsemulator.principals import find_group, find_user, resolve_orgs
from tsemulator.search import fetch_page, like_pattern

_EXACT_FILTERS = (
    ("visibility", "visibility", fields.VISIBILITIES),
    ("account_type", "account_type", fields.ACCOUNT_TYPES),
    ("account_status", "account_status", fields.ACCOUNT_STATUSES),
)
_PROP_FILTERS = ("notify_on_share", "show_onboarding_experience", "onboarding_experience_completed")


def search_users(conn: sqlite3.Connection, body: Body, *, full: bool) -> list[dict[str, Any]]:
    """Return one page of users matching a SearchUsersRequest.

    ``full`` is false for callers without an administration privilege, who
    only see each user's id, names and visibility.
    """
    where, params = _filters(conn, body)
    if where is None:
        return []
    rows = fetch_page(conn, "users", where, params, body)
    return render_users(conn, rows, full=full)


def _filters(conn: sqlite3.Connection, body: Body) -> tuple[list[str] | None, list[Any]]:
    """Build WHERE conditions; None means the filters can match no user at all."""
    where: list[str] = []
    params: list[Any] = []
    identifier = fields.get_str(body, "user_identifier")
    if identifier is not None:
        row = find_user(conn, identifier)
        if row is None:
            return None, []
        where.append("seq = ?")
        params.append(row["seq"])
    pattern = fields.get_str(body, "name_pattern")
    if pattern:
        where.append("name LIKE ? ESCAPE '\\'")
        params.append(like_pattern(pattern))
    display_name = fields.get_str(body, "display_name")
    if display_name is not None:
        where.append("display_key = ?")
        params.append(display_name.casefold())
    email = fields.get_str(body, "email")
    if email is not None:
        where.append("email = ? COLLATE NOCASE")
        params.append(email)
    for key, column, allowed in _EXACT_FILTERS:
        value = fields.get_enum(body, key, allowed)
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    for key in _PROP_FILTERS:
        flag = fields.get_bool(body, key)
        if flag is not None:
            default = "0" if key == "onboarding_experience_completed" else "1"
            where.append(f"coalesce(json_extract(props, '$.{key}'), {default}) = ?")
            params.append(int(flag))
    orgs = fields.get_str_list(body, "org_identifiers")
    if orgs:
        resolve_orgs(orgs)
    if fields.get_str_list(body, "role_identifiers"):
        return None, []
    groups = fields.get_str_list(body, "group_identifiers")
    if groups:
        group_rows = [find_group(conn, identifier) for identifier in groups]
        seqs = [row["seq"] for row in group_rows if row is not None]
        if any(row is not None and row["id"] == builtins.ALL_GROUP.id for row in group_rows):
            pass
        elif not seqs:
            return None, []
        else:
            where.append(
                "seq IN (SELECT user_seq FROM user_groups"
                " WHERE group_seq IN (SELECT value FROM json_each(?)))"
            )
            params.append(json.dumps(seqs))
    privileges = fields.get_str_list(body, "privileges")
    if privileges:
        holders = [
            row["seq"]
            for row in conn.execute("SELECT seq FROM users").fetchall()
            if set(privileges) & set(membership.effective_privileges(conn, row["seq"]))
        ]
        where.append("seq IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(holders))
    return where, params


def render_users(
    conn: sqlite3.Connection, rows: list[sqlite3.Row], *, full: bool
) -> list[dict[str, Any]]:
    """Build User response bodies for rows, with memberships read in a few batched queries."""
    if not full:
        return [_brief_user(row) for row in rows]
    seqs = [row["seq"] for row in rows]
    direct = membership.direct_groups(conn, seqs)
    inherited = membership.inherited_groups(conn, seqs)
    # Few groups carry privileges, so reading all of them beats looking up each member group.
    privileged = {
        row[0]: json.loads(row[1])
        for row in conn.execute("SELECT id, privileges FROM groups WHERE privileges != '[]'")
    }
    result = []
    for row in rows:
        groups = direct[row["seq"]]
        above = inherited[row["seq"]]
        granted = sorted(
            {p for gid, _ in groups + above if gid in privileged for p in privileged[gid]}
        )
        result.append(_full_user(row, groups, above, granted))
    return result


def _brief_user(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "display_name": row["display_name"],
        "visibility": row["visibility"],
    }


def _pairs(entries: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"id": gid, "name": name} for gid, name in entries]


def _full_user(
    row: sqlite3.Row,
    groups: list[tuple[str, str]],
    inherited: list[tuple[str, str]],
    privileges: list[str],
) -> dict[str, Any]:
    props = json.loads(row["props"])
    org = {"id": builtins.DEFAULT_ORG_ID, "name": builtins.DEFAULT_ORG_NAME}
    user = _brief_user(row)
    user.update(
        author_id=builtins.TSADMIN.id,
        can_change_password=row["account_type"] == "LOCAL_USER",
        complete_detail=True,
        creation_time_in_millis=row["created_ms"],
        current_org=org,
        deleted=False,
        deprecated=False,
        account_type=row["account_type"],
        account_status=row["account_status"],
        email=row["email"],
        external=False,
        favorite_metadata=[],
        hidden=bool(row["hidden"]),
        is_first_login=False,
        modification_time_in_millis=row["modified_ms"],
        modifier_id=builtins.TSADMIN.id,
        notify_on_share=props.get("notify_on_share", True),
        onboarding_experience_completed=props.get("onboarding_experience_completed", False),
        orgs=[org],
        owner_id=row["id"],
        parent_type="USER",
        privileges=privileges,
        show_onboarding_experience=props.get("show_onboarding_experience", True),
        super_user=bool(row["super_user"]),
        system_user=bool(row["system_user"]),
        tags=[],
        tenant_id=builtins.TENANT_ID,
        user_groups=_pairs(groups),
        user_inherited_groups=_pairs(inherited),
        welcome_email_sent=False,
        preferred_locale=props.get("preferred_locale"),
        use_browser_language=props.get("use_browser_language"),
        extended_properties=props.get("extended_properties"),
        extended_preferences=props.get("extended_preferences"),
    )
    return user
