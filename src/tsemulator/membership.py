"""Direct memberships, nesting, and what they imply: inherited groups and privileges.

Membership of the All group is never stored: every user is in it, so reads
add it and writes that would change it are rejected or ignored.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable

from tsemulator import builtins
from tsemulator.errors import BadRequest

Pairs = dict[int, list[tuple[str, str]]]
"""Principal seq to a list of (id, name) of the related principals."""


def apply_user_groups(
    conn: sqlite3.Connection, user_seq: int, group_seqs: list[int], operation: str
) -> None:
    """Change the direct groups of one user with ADD, REMOVE or REPLACE."""
    all_seq = all_group_seq(conn)
    if operation == "REMOVE" and all_seq in group_seqs:
        raise BadRequest("Users cannot be removed from the All group.")
    targets = [seq for seq in group_seqs if seq != all_seq]
    if operation == "REPLACE":
        conn.execute("DELETE FROM user_groups WHERE user_seq = ?", (user_seq,))
    if operation == "REMOVE":
        conn.executemany(
            "DELETE FROM user_groups WHERE user_seq = ? AND group_seq = ?",
            [(user_seq, seq) for seq in targets],
        )
    else:
        conn.executemany(
            "INSERT OR IGNORE INTO user_groups (user_seq, group_seq) VALUES (?, ?)",
            [(user_seq, seq) for seq in targets],
        )


def apply_group_users(
    conn: sqlite3.Connection, group_seq: int, user_seqs: list[int], operation: str
) -> None:
    """Change the direct members of one group with ADD, REMOVE or REPLACE."""
    if group_seq == all_group_seq(conn):
        raise BadRequest("The members of the All group cannot be edited.")
    if operation == "REPLACE":
        conn.execute("DELETE FROM user_groups WHERE group_seq = ?", (group_seq,))
    if operation == "REMOVE":
        conn.executemany(
            "DELETE FROM user_groups WHERE user_seq = ? AND group_seq = ?",
            [(seq, group_seq) for seq in user_seqs],
        )
    else:
        conn.executemany(
            "INSERT OR IGNORE INTO user_groups (user_seq, group_seq) VALUES (?, ?)",
            [(seq, group_seq) for seq in user_seqs],
        )


def apply_sub_groups(
    conn: sqlite3.Connection, parent_seq: int, child_seqs: list[int], operation: str
) -> None:
    """Change the sub-groups of one group with ADD, REMOVE or REPLACE."""
    all_seq = all_group_seq(conn)
    if parent_seq == all_seq or (operation != "REMOVE" and all_seq in child_seqs):
        raise BadRequest("The All group cannot be nested or have sub-groups.")
    if parent_seq in child_seqs and operation != "REMOVE":
        raise BadRequest("A group cannot be a sub-group of itself.")
    if operation == "REPLACE":
        conn.execute("DELETE FROM group_subgroups WHERE parent_seq = ?", (parent_seq,))
    if operation == "REMOVE":
        conn.executemany(
            "DELETE FROM group_subgroups WHERE parent_seq = ? AND child_seq = ?",
            [(parent_seq, seq) for seq in child_seqs],
        )
    else:
        conn.executemany(
            "INSERT OR IGNORE INTO group_subgroups (parent_seq, child_seq) VALUES (?, ?)",
            [(parent_seq, seq) for seq in child_seqs],
        )


def all_group_seq(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT seq FROM groups WHERE id = ?", (builtins.ALL_GROUP.id,)).fetchone()
    return int(row["seq"])


def inherited_groups(conn: sqlite3.Connection, user_seqs: Iterable[int]) -> Pairs:
    """Return, for each user, the groups reached only through nesting.

    A user in group C, where C is a sub-group of B and B of A, inherits B and
    A. Groups the user is also directly in are left out. UNION (not UNION
    ALL) in the recursive query makes it stop on cycles.
    """
    result: Pairs = defaultdict(list)
    rows = conn.execute(
        """
        WITH RECURSIVE reached (user_seq, group_seq) AS (
            SELECT ug.user_seq, gs.parent_seq
            FROM user_groups ug JOIN group_subgroups gs ON gs.child_seq = ug.group_seq
            WHERE ug.user_seq IN (SELECT value FROM json_each(?))
            UNION
            SELECT r.user_seq, gs.parent_seq
            FROM reached r JOIN group_subgroups gs ON gs.child_seq = r.group_seq
        )
        SELECT r.user_seq, g.id, g.name FROM reached r JOIN groups g ON g.seq = r.group_seq
        WHERE NOT EXISTS (
            SELECT 1 FROM user_groups d WHERE d.user_seq = r.user_seq AND d.group_seq = r.group_seq
        )
        ORDER BY g.name_key
        """,
        (json.dumps(list(user_seqs)),),
    )
    for row in rows:
        result[row[0]].append((row[1], row[2]))
    return result


def effective_group_seqs(conn: sqlite3.Connection, user_seq: int) -> set[int]:
    """Return every group one user belongs to: direct, inherited and All."""
    rows = conn.execute(
        """
        WITH RECURSIVE reached (group_seq) AS (
            SELECT group_seq FROM user_groups WHERE user_seq = ?
            UNION
            SELECT gs.parent_seq
            FROM reached r JOIN group_subgroups gs ON gs.child_seq = r.group_seq
        )
        SELECT group_seq FROM reached
        """,
        (user_seq,),
    )
    seqs = {int(row[0]) for row in rows}
    seqs.add(all_group_seq(conn))
    return seqs


def effective_privileges(conn: sqlite3.Connection, user_seq: int) -> list[str]:
    """Return the union of the privileges of every group the user belongs to, sorted."""
    seqs = effective_group_seqs(conn, user_seq)
    rows = conn.execute(
        "SELECT privileges FROM groups WHERE seq IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(seqs)),),
    )
    privileges: set[str] = set()
    for row in rows:
        privileges.update(json.loads(row[0]))
    return sorted(privileges)
