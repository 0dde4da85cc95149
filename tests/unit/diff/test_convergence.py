"""Random directories and clusters: one applied plan leaves nothing to do.

Each seed builds a directory (collisions, nameless and disabled entries,
nesting with cycles) and a cluster (stale, LOCAL, foreign and built-in
principals, drift in names' case, display names and memberships), applies
the plan with the in-memory simulator, and plans again.
"""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from ldap2ts.diff import compute_plan
from ldap2ts.model import (
    DirectoryGroup,
    DirectoryUser,
    ThoughtSpotSnapshot,
    TSGroup,
    TSUser,
    name_key,
)
from ldap2ts.naming import build_desired_state
from ldap2ts.settings import NamingSettings, PurgeAction, Settings, SyncSettings

from . import simulator
from .factories import group, settings, snapshot, thoughtspot, ts_group, ts_user, user

PEOPLE = "OU=People,DC=example,DC=com"
GROUPS = "OU=Groups,DC=example,DC=com"


def random_directory(rng: random.Random) -> tuple[list[DirectoryUser], list[DirectoryGroup]]:
    users = []
    for number in range(30):
        dn = f"CN=User {number},{PEOPLE}"
        kind = rng.random()
        if kind < 0.1:
            users.append(user(dn, cn=f"User {number}"))
        elif kind < 0.2:
            users.append(user(dn, sAMAccountName=f"sam{number}"))
        else:
            upn = f"user{number % 27}@example.com"
            upn = upn.upper() if rng.random() < 0.2 else upn
            users.append(
                user(
                    dn,
                    disabled=rng.random() < 0.1,
                    userPrincipalName=upn,
                    displayName=f"User {number}",
                    mail=f"u{number}@example.com",
                )
            )
    members = [f"CN=User {number},{PEOPLE}" for number in range(30)]
    members += [f"CN=G{number},{GROUPS}" for number in range(8)]
    groups = [
        group(f"CN=G{number},{GROUPS}", members=tuple(rng.sample(members, rng.randint(0, 8))))
        for number in range(8)
    ]
    return users, groups


def random_cluster(rng: random.Random) -> ThoughtSpotSnapshot:
    names = [f"user{number}@example.com" for number in range(27)]
    names += [f"sam{number}@example.com" for number in range(30)]
    names += [f"stale{number}@example.com" for number in range(5)]
    users: dict[str, TSUser] = {}
    for name in rng.sample(names, 25):
        name = name.upper() if rng.random() < 0.2 else name
        account_type = "LOCAL_USER" if rng.random() < 0.1 else "LDAP_USER"
        status = "INACTIVE" if rng.random() < 0.2 else "ACTIVE"
        users[name_key(name)] = ts_user(
            name,
            account_type=account_type,
            status=status,
            display_name=rng.choice([name, "Drifted"]),
        )
    for name in ("foreign@other.org", "local-only@example.com"):
        account_type = "LDAP_USER" if "other" in name else "LOCAL_USER"
        users[name] = ts_user(name, account_type=account_type)

    group_names = [f"CN=G{number}.OU=Groups@example.com" for number in range(8)]
    group_names += ["CN=Stale.OU=Groups@example.com", "CN=Local.OU=Groups@example.com"]
    groups: list[TSGroup] = []
    for name in rng.sample(group_names, 7):
        group_type = "LOCAL_GROUP" if "Local" in name or rng.random() < 0.1 else "LDAP_GROUP"
        member_users = tuple(rng.sample(list(users.values()), rng.randint(0, 6)))
        groups.append(ts_group(name, users=member_users, group_type=group_type))
    nested = [
        replace(
            item,
            sub_group_ids=frozenset(
                other.id for other in rng.sample(groups, rng.randint(0, 2)) if other is not item
            ),
        )
        for item in groups
    ]
    current = thoughtspot(tuple(users.values()), tuple(nested))
    admin = current.groups["id-Administrator"]
    current.groups[admin.id] = replace(admin, user_ids=admin.user_ids | {"id-user1@example.com"})
    return current


def random_settings(rng: random.Random) -> Settings:
    sync = SyncSettings(
        purge_action=rng.choice(list(PurgeAction)),
        keep_local_membership=rng.random() < 0.5,
        upsert_users=rng.random() < 0.8,
        upsert_groups=rng.random() < 0.8,
        purge_users=rng.random() < 0.8,
        purge_groups=rng.random() < 0.8,
    )
    naming = NamingSettings(email_fallback_domain=rng.choice([None, "mail.example.com"]))
    return settings(naming=naming, sync=sync, include_disabled=rng.random() < 0.3)


@pytest.mark.parametrize("seed", range(40))
def test_second_plan_is_empty(seed: int) -> None:
    rng = random.Random(seed)
    users, groups = random_directory(rng)
    incomplete = "time limit exceeded" if rng.random() < 0.2 else None
    config = random_settings(rng)
    desired = build_desired_state(snapshot(tuple(users), tuple(groups), incomplete), config)
    before = random_cluster(rng)

    first = compute_plan(desired, before, config)
    after = simulator.apply(first, before)
    second = compute_plan(desired, after, config)

    assert second.changes == [], first.changes
    if incomplete:
        assert not any(change.action.removes for change in first.changes)


@pytest.mark.parametrize("seed", range(40))
def test_unmanaged_principals_unchanged(seed: int) -> None:
    rng = random.Random(seed)
    users, groups = random_directory(rng)
    config = random_settings(rng)
    desired = build_desired_state(snapshot(tuple(users), tuple(groups)), config)
    before = random_cluster(rng)

    after = simulator.apply(compute_plan(desired, before, config), before)

    for user_id, existing in before.users.items():
        if existing.account_type != "LDAP_USER" or existing.builtin or "other" in existing.name:
            assert after.users[user_id] == existing
    for group_id, existing_group in before.groups.items():
        if existing_group.group_type == "LDAP_GROUP":
            continue
        # Deleting a user or group also ends its memberships; nothing else may.
        deleted_users = before.users.keys() - after.users.keys()
        deleted_groups = before.groups.keys() - after.groups.keys()
        assert after.groups[group_id] == replace(
            existing_group,
            user_ids=existing_group.user_ids - deleted_users,
            sub_group_ids=existing_group.sub_group_ids - deleted_groups,
        )
