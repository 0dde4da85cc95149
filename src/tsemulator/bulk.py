"""Bulk loading for tests and benchmarks, far faster than the API for large populations.

``load`` inserts principals given in full; ``populate`` makes up a
deterministic synthetic population (names ``user000001``, ``group00001``).
Neither checks e-mail domains or privileges: they stand for data that was
already on the cluster.
"""

from __future__ import annotations

import json
import random
import sqlite3
import uuid
from typing import Any

from tsemulator import fields
from tsemulator.db import hash_password, now_ms
from tsemulator.errors import BadRequest
from tsemulator.principals import check_new_name, resolve_group, resolve_user


def load(conn: sqlite3.Connection, body: dict[str, Any]) -> dict[str, int]:
    """Insert the groups, then the users, then nesting and memberships given by name."""
    groups = fields.get_object_list(body, "groups") or []
    users = fields.get_object_list(body, "users") or []
    stamp = now_ms()
    for group in groups:
        name = fields.require_str(group, "name")
        check_new_name(conn, "groups", name)
        conn.execute(
            "INSERT INTO groups (id, name, name_key, display_name, display_key, description,"
            " type, visibility, privileges, created_ms, modified_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(uuid.uuid4()),
                name,
                name.casefold(),
                group.get("display_name") or name,
                (group.get("display_name") or name).casefold(),
                group.get("description"),
                fields.get_enum(group, "type", fields.GROUP_TYPES) or "LOCAL_GROUP",
                fields.get_enum(group, "visibility", fields.VISIBILITIES) or "SHARABLE",
                json.dumps(sorted(fields.get_str_list(group, "privileges") or [])),
                stamp,
                stamp,
            ),
        )
    for user in users:
        name = fields.require_str(user, "name")
        check_new_name(conn, "users", name)
        password = fields.get_str(user, "password")
        conn.execute(
            "INSERT INTO users (id, name, name_key, display_name, display_key, email, account_type,"
            " account_status, visibility, password_hash, props, created_ms, modified_ms)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(uuid.uuid4()),
                name,
                name.casefold(),
                user.get("display_name") or name,
                (user.get("display_name") or name).casefold(),
                fields.get_str(user, "email"),
                fields.get_enum(user, "account_type", fields.ACCOUNT_TYPES) or "LOCAL_USER",
                fields.get_enum(user, "account_status", fields.ACCOUNT_STATUSES) or "ACTIVE",
                fields.get_enum(user, "visibility", fields.VISIBILITIES) or "SHARABLE",
                hash_password(password) if password else None,
                json.dumps({"extended_properties": fields.get_object(user, "extended_properties")}),
                stamp,
                stamp,
            ),
        )
    memberships = 0
    for group in groups:
        parent = resolve_group(conn, group["name"])["seq"]
        for child in fields.get_str_list(group, "sub_groups") or []:
            conn.execute(
                "INSERT OR IGNORE INTO group_subgroups (parent_seq, child_seq) VALUES (?, ?)",
                (parent, resolve_group(conn, child)["seq"]),
            )
    for user in users:
        seq = resolve_user(conn, user["name"])["seq"]
        for group_name in fields.get_str_list(user, "groups") or []:
            conn.execute(
                "INSERT OR IGNORE INTO user_groups (user_seq, group_seq) VALUES (?, ?)",
                (seq, resolve_group(conn, group_name)["seq"]),
            )
            memberships += 1
    return {"users": len(users), "groups": len(groups), "memberships": memberships}


def populate(conn: sqlite3.Connection, body: dict[str, Any]) -> dict[str, int]:
    """Add a synthetic population: counts of users, groups, memberships and nesting links."""
    user_count = _count(body, "users")
    group_count = _count(body, "groups")
    membership_count = _count(body, "memberships")
    nesting_count = _count(body, "nested")
    if (membership_count or nesting_count) and not group_count:
        raise BadRequest("Memberships and nesting need at least one group.")
    if membership_count and not user_count:
        raise BadRequest("Memberships need at least one user.")
    if membership_count > user_count * group_count:
        raise BadRequest("More memberships requested than user and group pairs exist.")
    rng = random.Random(fields.get_int(body, "seed") or 0)
    prefix = fields.get_str(body, "prefix") or ""

    try:
        first_group = _insert_synthetic_groups(conn, prefix, group_count)
        first_user = _insert_synthetic_users(conn, prefix, user_count)
    except sqlite3.IntegrityError:
        raise BadRequest(
            f"Synthetic names with prefix {prefix!r} already exist; pass another 'prefix'."
        ) from None
    conn.executemany(
        "INSERT INTO user_groups (user_seq, group_seq) VALUES (?, ?)",
        _spread(rng, membership_count, first_user, user_count, first_group, group_count),
    )

    # Each link goes from a lower-numbered group to a higher one, so no cycle is made.
    links: set[tuple[int, int]] = set()
    while len(links) < min(nesting_count, group_count * (group_count - 1) // 2):
        parent, child = sorted(rng.sample(range(group_count), 2))
        links.add((first_group + parent, first_group + child))
    conn.executemany(
        "INSERT INTO group_subgroups (parent_seq, child_seq) VALUES (?, ?)", sorted(links)
    )
    return {
        "users": user_count,
        "groups": group_count,
        "memberships": membership_count,
        "nested": len(links),
    }


def _insert_synthetic_groups(conn: sqlite3.Connection, prefix: str, count: int) -> int:
    """Insert LDAP groups ``{prefix}group00000`` and so on; return the seq of the first."""
    first = _next_seq(conn, "groups")
    stamp = now_ms()
    rows = []
    for i in range(count):
        name = f"{prefix}group{i:05d}"
        display_name = f"Group {i}"
        rows.append(
            (first + i, str(uuid.uuid4()), name, name.casefold(), display_name,
             display_name.casefold(), stamp, stamp)
        )  # fmt: skip
    conn.executemany(
        "INSERT INTO groups (seq, id, name, name_key, display_name, display_key, type, visibility,"
        " created_ms, modified_ms) VALUES (?, ?, ?, ?, ?, ?, 'LDAP_GROUP', 'SHARABLE', ?, ?)",
        rows,
    )
    return first


def _insert_synthetic_users(conn: sqlite3.Connection, prefix: str, count: int) -> int:
    """Insert LDAP users ``{prefix}user000000`` and so on; return the seq of the first."""
    first = _next_seq(conn, "users")
    stamp = now_ms()
    rows = []
    for i in range(count):
        name = f"{prefix}user{i:06d}"
        display_name = f"User {i}"
        rows.append(
            (first + i, str(uuid.uuid4()), name, name.casefold(), display_name,
             display_name.casefold(), f"{name}@example.com", stamp, stamp)
        )  # fmt: skip
    conn.executemany(
        "INSERT INTO users (seq, id, name, name_key, display_name, display_key, email,"
        " account_type, account_status, visibility, created_ms, modified_ms)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 'LDAP_USER', 'ACTIVE', 'SHARABLE', ?, ?)",
        rows,
    )
    return first


def _spread(
    rng: random.Random, total: int, first_user: int, users: int, first_group: int, groups: int
) -> list[tuple[int, int]]:
    """Share ``total`` distinct memberships evenly over the users, in random groups."""
    pairs: list[tuple[int, int]] = []
    for i in range(users):
        share = total // users + (1 if i < total % users else 0)
        for group in rng.sample(range(groups), share):
            pairs.append((first_user + i, first_group + group))
    return pairs


def _next_seq(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT coalesce(max(seq), 0) + 1 FROM {table}").fetchone()[0])


def _count(body: dict[str, Any], key: str) -> int:
    value = fields.get_int(body, key)
    if value is None:
        return 0
    if value < 0:
        raise BadRequest(f"Field '{key}' must not be negative, got {value}.")
    return value
