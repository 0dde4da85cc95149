"""Read every ThoughtSpot user and group into a ThoughtSpotSnapshot."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from ldap2ts.model import ThoughtSpotSnapshot, TSGroup, TSUser, name_key
from ldap2ts.thoughtspot.client import ThoughtSpotClient
from ldap2ts.thoughtspot.parsing import ALL_GROUP_NAME

logger = logging.getLogger(__name__)


def read_snapshot(
    client: ThoughtSpotClient, *, progress: Callable[[str, int], None] | None = None
) -> ThoughtSpotSnapshot:
    """Read all users and groups with their direct memberships.

    Users and groups are searched at the same time. Membership is reported
    from both sides (``User.user_groups`` and ``UserGroupResponse.users``);
    the snapshot contains the union, so both sides agree.
    """
    if client.system_info is None or client.session_user is None:
        client.connect()
    assert client.system_info is not None and client.session_user is not None

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="ts-read") as pool:
        users_future = pool.submit(client.search_users)
        groups_future = pool.submit(client.search_groups)
        users = users_future.result()
        groups = groups_future.result()
    if progress is not None:
        progress("users", len(users))
        progress("groups", len(groups))

    all_group_id = client.system_info.all_user_group_id or _find_all_group(groups)
    snapshot = ThoughtSpotSnapshot(
        users={user.id: user for user in users},
        groups={group.id: group for group in groups},
        login_user_id=client.session_user.id,
        all_group_id=all_group_id,
    )
    _merge_memberships(snapshot)
    logger.info(
        "Read %d users and %d groups from ThoughtSpot", len(snapshot.users), len(snapshot.groups)
    )
    return snapshot


def _find_all_group(groups: list[TSGroup]) -> str | None:
    for group in groups:
        if name_key(group.name) == name_key(ALL_GROUP_NAME):
            return group.id
    return None


def _merge_memberships(snapshot: ThoughtSpotSnapshot) -> None:
    """Make ``TSUser.group_ids`` and ``TSGroup.user_ids`` describe the same direct memberships.

    Ids of principals that are not in the snapshot are dropped, and the
    implicit All group is never listed among a user's groups.
    """
    members: dict[str, set[str]] = {group_id: set() for group_id in snapshot.groups}
    for group in snapshot.groups.values():
        members[group.id].update(user_id for user_id in group.user_ids if user_id in snapshot.users)
    for user in snapshot.users.values():
        for group_id in user.group_ids:
            if group_id in members:
                members[group_id].add(user.id)

    user_groups: dict[str, set[str]] = {user_id: set() for user_id in snapshot.users}
    for group_id, member_ids in members.items():
        if group_id == snapshot.all_group_id:
            continue
        for user_id in member_ids:
            user_groups[user_id].add(group_id)

    for group in list(snapshot.groups.values()):
        sub_groups = frozenset(sub for sub in group.sub_group_ids if sub in snapshot.groups)
        user_ids = frozenset(members[group.id])
        if user_ids != group.user_ids or sub_groups != group.sub_group_ids:
            snapshot.groups[group.id] = dataclasses.replace(
                group, user_ids=user_ids, sub_group_ids=sub_groups
            )
    for user in list(snapshot.users.values()):
        group_ids = frozenset(user_groups[user.id])
        if group_ids != user.group_ids:
            snapshot.users[user.id] = _with_groups(user, group_ids)


def _with_groups(user: TSUser, group_ids: frozenset[str]) -> TSUser:
    return dataclasses.replace(user, group_ids=group_ids)
