"""The small company directory of the sync tests, and what ThoughtSpot must hold after a sync.

Users are named by ``{uid}@example.com`` and groups by ``{cn}``. The data
covers nesting (a group of groups), a unicode display name and a group DN
that needs escaping (``cn=R&D\\, Europe``).
"""

from __future__ import annotations

import base64

SUFFIX = "dc=example,dc=com"

USERS = {
    # uid: (cn, displayName, mail)
    "alice": ("Alice Ng", "Alice Ng", "alice@example.com"),
    "bob": ("Bob Stone", "Bob Stone", "bob@example.com"),
    "carol": ("Carol Díaz", "Carol Díaz", "carol@example.com"),
    "dave": ("Dave Okafor", "Dave Okafor", "dave@example.com"),
    "erin": ("Erin Müller", "Erin Müller", "erin@example.com"),
}

# cn: (RDN value as written in the DN, member uids, member group cns)
GROUPS = {
    "engineering": ("engineering", ("alice", "bob"), ()),
    "sales": ("sales", ("carol",), ()),
    "R&D, Europe": ("R&D\\, Europe", ("dave",), ("engineering",)),
    "all-staff": ("all-staff", ("erin",), ("engineering", "sales")),
}


def user_dn(uid: str) -> str:
    return f"uid={uid},ou=People,{SUFFIX}"


def group_dn(cn: str) -> str:
    return f"cn={GROUPS[cn][0]},ou=Groups,{SUFFIX}"


def _line(attribute: str, value: str) -> str:
    """Return one LDIF line, base64-encoded when the value is not plain ASCII (RFC 2849)."""
    if value.isascii() and not value.startswith((" ", ":", "<")):
        return f"{attribute}: {value}\n"
    return f"{attribute}:: {base64.b64encode(value.encode()).decode()}\n"


def ldif() -> str:
    """Return the LDIF of the organisational units, users and groups (the base entry excluded)."""
    blocks = [
        f"dn: ou=People,{SUFFIX}\nobjectClass: organizationalUnit\nou: People\n",
        f"dn: ou=Groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: Groups\n",
    ]
    for uid, (cn, display_name, mail) in USERS.items():
        surname = cn.split()[-1]
        blocks.append(
            f"dn: {user_dn(uid)}\nobjectClass: inetOrgPerson\nuid: {uid}\n"
            + _line("cn", cn) + _line("sn", surname) + _line("displayName", display_name)
            + f"mail: {mail}\n"
        )
    for cn, (_, users, groups) in GROUPS.items():
        members = [user_dn(uid) for uid in users] + [group_dn(child) for child in groups]
        lines = "".join(f"member: {member}\n" for member in members)
        blocks.append(f"dn: {group_dn(cn)}\nobjectClass: groupOfNames\ncn: {cn}\n{lines}")
    return "\n".join(blocks)


def expected_users() -> dict[str, tuple[str, str]]:
    """ThoughtSpot user name: (display name, email)."""
    return {f"{uid}@example.com": (display, mail) for uid, (_, display, mail) in USERS.items()}


def expected_groups() -> dict[str, tuple[set[str], set[str]]]:
    """ThoughtSpot group name: (member user names, sub-group names)."""
    return {
        cn: ({f"{uid}@example.com" for uid in users}, set(groups))
        for cn, (_, users, groups) in GROUPS.items()
    }


def expected_membership_count() -> int:
    return sum(len(users) + len(groups) for _, users, groups in GROUPS.values())
