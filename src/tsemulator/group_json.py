"""The UserGroupResponse body, built as JSON text by SQLite.

As for users, SQLite's JSON functions build a page of groups several times
faster than dicts encoded with the json module, which matters when each
group of a page lists a hundred members.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from tsemulator import builtins

_ORGS = json.dumps([{"id": str(builtins.DEFAULT_ORG_ID), "name": builtins.DEFAULT_ORG_NAME}])

_MEMBERS = """
    'users', CASE WHEN g.id = :all_id THEN (
        SELECT json_group_array(json_object('id', u.id, 'name', u.name)) FROM users u
    ) ELSE (
        SELECT json_group_array(json_object('id', u.id, 'name', u.name))
        FROM user_groups ug JOIN users u ON u.seq = ug.user_seq WHERE ug.group_seq = g.seq
    ) END,
"""
_SUB_GROUPS = """
    'sub_groups', (
        SELECT json_group_array(json_object('id', child.id, 'name', child.name))
        FROM group_subgroups gs JOIN groups child ON child.seq = gs.child_seq
        WHERE gs.parent_seq = g.seq
    ),
"""
# Booleans go through json() so that json_object writes true or false, not 1 or 0.
_GROUP_SQL = """
SELECT g.seq, json_object(
    'id', g.id,
    'name', g.name,
    'display_name', g.display_name,
    'visibility', g.visibility,
    'author_id', :tsadmin,
    'complete_detail', json('true'),
    'creation_time_in_millis', g.created_ms,
    'default_liveboards', json('[]'),
    'deleted', json('false'),
    'deprecated', json('false'),
    'description', g.description,
    'external', json('false'),
    'generation_number', 1,
    'hidden', json(CASE WHEN g.hidden THEN 'true' ELSE 'false' END),
    'modification_time_in_millis', g.modified_ms,
    'modifier_id', :tsadmin,
    'orgs', json(:orgs),
    'owner_id', g.id,
    'parent_type', 'GROUP',
    'privileges', json(g.privileges),
    'system_group', json(CASE WHEN g.builtin THEN 'true' ELSE 'false' END),
    'tags', json('[]'),
    'type', g.type,
    {members}
    {sub_groups}
    'roles', json('[]')
)
FROM groups g WHERE g.seq IN (SELECT value FROM json_each(:seqs))
"""


def render_groups_json(
    conn: sqlite3.Connection,
    seqs: Sequence[int],
    *,
    include_users: bool = True,
    include_sub_groups: bool = True,
) -> list[str]:
    """Return the UserGroupResponse body of each group as JSON text, in the order of ``seqs``.

    Members are listed in creation order; the All group lists every user.
    """
    sql = _GROUP_SQL.format(
        members=_MEMBERS if include_users else "",
        sub_groups=_SUB_GROUPS if include_sub_groups else "",
    )
    rows = conn.execute(
        sql,
        {
            "tsadmin": builtins.TSADMIN.id,
            "orgs": _ORGS,
            "all_id": builtins.ALL_GROUP.id,
            "seqs": json.dumps(list(seqs)),
        },
    ).fetchall()
    bodies = {seq: body for seq, body in rows}
    return [bodies[seq] for seq in seqs]
