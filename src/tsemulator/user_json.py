"""The User response body, built as JSON text by SQLite.

Pages of 1,000 users are the emulator's hottest path. Building each body
with SQLite's JSON functions, and only adding inherited groups and
privileges in Python, is several times faster than building dicts and
encoding them with the json module.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from tsemulator import builtins, membership

_ORG = json.dumps({"id": builtins.DEFAULT_ORG_ID, "name": builtins.DEFAULT_ORG_NAME})

# Booleans go through json() so that json_object writes true or false, not 1 or 0.
_USER_SQL = """
SELECT u.seq, json_object(
    'id', u.id,
    'name', u.name,
    'display_name', u.display_name,
    'visibility', u.visibility,
    'author_id', :tsadmin,
    'can_change_password',
        json(CASE WHEN u.account_type = 'LOCAL_USER' THEN 'true' ELSE 'false' END),
    'complete_detail', json('true'),
    'creation_time_in_millis', u.created_ms,
    'current_org', json(:org),
    'deleted', json('false'),
    'deprecated', json('false'),
    'account_type', u.account_type,
    'account_status', u.account_status,
    'email', u.email,
    'external', json('false'),
    'favorite_metadata', json('[]'),
    'hidden', json(CASE WHEN u.hidden THEN 'true' ELSE 'false' END),
    'is_first_login', json('false'),
    'modification_time_in_millis', u.modified_ms,
    'modifier_id', :tsadmin,
    'notify_on_share', json(coalesce(u.props -> '$.notify_on_share', 'true')),
    'onboarding_experience_completed',
        json(coalesce(u.props -> '$.onboarding_experience_completed', 'false')),
    'orgs', json_array(json(:org)),
    'owner_id', u.id,
    'parent_type', 'USER',
    'show_onboarding_experience', json(coalesce(u.props -> '$.show_onboarding_experience', 'true')),
    'super_user', json(CASE WHEN u.super_user THEN 'true' ELSE 'false' END),
    'system_user', json(CASE WHEN u.system_user THEN 'true' ELSE 'false' END),
    'tags', json('[]'),
    'tenant_id', :tenant,
    'user_groups', (
        SELECT json_group_array(json_object('id', direct.id, 'name', direct.name)) FROM (
            SELECT id, name FROM groups WHERE seq = :all_seq
            UNION ALL
            SELECT * FROM (
                SELECT g.id, g.name FROM user_groups ug JOIN groups g ON g.seq = ug.group_seq
                WHERE ug.user_seq = u.seq ORDER BY g.name_key
            )
        ) AS direct
    ),
    'welcome_email_sent', json('false'),
    'preferred_locale', u.props ->> '$.preferred_locale',
    'use_browser_language', json(u.props -> '$.use_browser_language'),
    'extended_properties', json(u.props -> '$.extended_properties'),
    'extended_preferences', json(u.props -> '$.extended_preferences')
), (
    SELECT json_group_array(g.id) FROM user_groups ug JOIN groups g ON g.seq = ug.group_seq
    WHERE ug.user_seq = u.seq AND g.privileges != '[]'
)
FROM users u WHERE u.seq IN (SELECT value FROM json_each(:seqs))
"""


def render_users_json(conn: sqlite3.Connection, seqs: Sequence[int]) -> list[str]:
    """Return the User body of each user as JSON text, in the order of ``seqs``."""
    all_seq = membership.all_group_seq(conn)
    rows = conn.execute(
        _USER_SQL,
        {
            "tsadmin": builtins.TSADMIN.id,
            "tenant": builtins.TENANT_ID,
            "org": _ORG,
            "all_seq": all_seq,
            "seqs": json.dumps(list(seqs)),
        },
    ).fetchall()
    inherited = membership.inherited_groups(conn, seqs)
    # Few groups carry privileges, so reading all of them beats looking up each member group.
    privileged = {
        row[0]: json.loads(row[1])
        for row in conn.execute("SELECT id, privileges FROM groups WHERE privileges != '[]'")
    }
    implicit = set(privileged.get(builtins.ALL_GROUP.id, ()))

    bodies: dict[int, str] = {}
    for seq, body, privileged_direct in rows:
        above = inherited[seq]
        granted = set(implicit)
        for group_id in [*json.loads(privileged_direct), *(group_id for group_id, _ in above)]:
            granted.update(privileged.get(group_id, ()))
        extra = json.dumps(
            {
                "privileges": sorted(granted),
                "user_inherited_groups": [{"id": gid, "name": name} for gid, name in above],
            },
            separators=(",", ":"),
        )
        # Both texts are JSON objects, so the second's members can follow the first's.
        bodies[seq] = body[:-1] + "," + extra[1:]
    return [bodies[seq] for seq in seqs]
