"""Membership changes of the groups a plan manages.

For each managed group, one ADD_MEMBERS change lists exactly the missing
members and one REMOVE_MEMBERS change exactly the extra ones. A group's
whole member list is never replaced, so members added by hand can stay.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from ldap2ts.managed import Inventory
from ldap2ts.model import Action, Change, DesiredState, Plan, TSGroup, TSUser, name_key
from ldap2ts.settings import Settings

logger = logging.getLogger(__name__)


class MemberNames:
    """Principals that can be group members once the plan is applied, by name key.

    A principal qualifies when it is managed and desired, or created by the
    plan. Principals the plan deletes are listed so that no membership
    change is spent on them.
    """

    def __init__(self) -> None:
        self.users: dict[str, str] = {}
        """Name key to the name to send."""
        self.groups: dict[str, str] = {}
        """Name key to the name to send."""
        self.group_ids: dict[str, str | None] = {}
        """Groups whose members the plan manages: name key to ThoughtSpot id (None when created)."""
        self.deleted_users: set[str] = set()
        self.deleted_groups: set[str] = set()


def plan_memberships(
    plan: Plan,
    desired: DesiredState,
    inventory: Inventory,
    settings: Settings,
    members: MemberNames,
) -> None:
    """Append the ADD_MEMBERS and REMOVE_MEMBERS changes of every managed group to the plan."""
    planner = _MembershipPlanner(desired, inventory, settings, members)
    for key in sorted(members.group_ids):
        plan.changes.extend(planner.changes_for(key))


def count_memberships(inventory: Inventory) -> int:
    """Count the users and sub-groups of the managed groups as ThoughtSpot reports them."""
    user_ids_by_group = _user_ids_by_group(inventory)
    total = 0
    for group in inventory.managed_groups():
        total += len(group.user_ids | user_ids_by_group.get(group.id, set()))
        total += len(group.sub_group_ids)
    return total


def _user_ids_by_group(inventory: Inventory) -> dict[str, set[str]]:
    # ThoughtSpot reports membership on both sides (a group's users, a
    # user's groups); the union covers a snapshot that filled only one.
    user_ids_by_group: dict[str, set[str]] = {}
    for user in inventory.current.users.values():
        for group_id in user.group_ids:
            user_ids_by_group.setdefault(group_id, set()).add(user.id)
    return user_ids_by_group


class _MembershipPlanner:
    def __init__(
        self,
        desired: DesiredState,
        inventory: Inventory,
        settings: Settings,
        members: MemberNames,
    ) -> None:
        self.desired = desired
        self.inventory = inventory
        self.keep_local = settings.sync.keep_local_membership
        self.members = members
        self.user_ids_by_group = _user_ids_by_group(inventory)

    def changes_for(self, key: str) -> list[Change]:
        group = self.desired.groups[key]
        group_id = self.members.group_ids[key]
        existing = self.inventory.current.groups.get(group_id) if group_id else None
        current_users = self._current_users(existing)
        current_groups = self._current_sub_groups(existing)
        name = existing.name if existing else group.name

        add_users = self._missing(group.users, current_users, self.members.users, name)
        add_groups = self._missing(group.sub_groups, current_groups, self.members.groups, name)
        remove_users = [
            user.name
            for member_key, user in current_users.items()
            if member_key not in group.users and self._removable_user(user, name)
        ]
        remove_groups = [
            sub_group.name
            for member_key, sub_group in current_groups.items()
            if member_key not in group.sub_groups and self._removable_group(sub_group, name)
        ]

        before: dict[str, object] = {
            "users": _sorted_names(user.name for user in current_users.values()),
            "sub_groups": _sorted_names(sub.name for sub in current_groups.values()),
        }
        changes = []
        if add_users or add_groups:
            changes.append(
                Change(
                    Action.ADD_MEMBERS,
                    name,
                    target_id=group_id,
                    users=_sorted_names(add_users),
                    sub_groups=_sorted_names(add_groups),
                    before=before,
                )
            )
        if remove_users or remove_groups:
            changes.append(
                Change(
                    Action.REMOVE_MEMBERS,
                    name,
                    target_id=group_id,
                    users=_sorted_names(remove_users),
                    sub_groups=_sorted_names(remove_groups),
                    before=before,
                )
            )
        return changes

    def _current_users(self, group: TSGroup | None) -> dict[str, TSUser]:
        if group is None:
            return {}
        ids = group.user_ids | self.user_ids_by_group.get(group.id, set())
        users = {}
        for user_id in ids:
            user = self.inventory.current.users.get(user_id)
            if user is None:
                logger.debug(
                    "ignored member id %s of group %s because no user has it", user_id, group.name
                )
                continue
            users[name_key(user.name)] = user
        return users

    def _current_sub_groups(self, group: TSGroup | None) -> dict[str, TSGroup]:
        if group is None:
            return {}
        sub_groups = {}
        for group_id in group.sub_group_ids:
            sub_group = self.inventory.current.groups.get(group_id)
            if sub_group is None:
                logger.debug(
                    "ignored sub-group id %s of group %s because no group has it",
                    group_id,
                    group.name,
                )
                continue
            sub_groups[name_key(sub_group.name)] = sub_group
        return sub_groups

    def _missing(
        self,
        wanted: frozenset[str],
        current: Mapping[str, object],
        addable: dict[str, str],
        group_name: str,
    ) -> list[str]:
        missing = []
        for member_key in wanted - current.keys():
            if member_key in addable:
                missing.append(addable[member_key])
            else:
                logger.debug(
                    "ignored member %s of group %s because the plan neither creates nor manages it",
                    member_key,
                    group_name,
                )
        return missing

    def _removable_user(self, user: TSUser, group_name: str) -> bool:
        key = name_key(user.name)
        if self.inventory.is_untouchable_user(user):
            reason: str | None = "it is a built-in or the login account"
        elif self.inventory.is_protected(user.name):
            reason = "the name is in sync.protect"
        elif key in self.members.deleted_users:
            reason = "the plan deletes it"
        elif key in self.desired.colliding_users:
            reason = "several directory entries map to this name"
        else:
            reason = self._unmanaged_reason(
                self.inventory.user_exclusion(user), key in self.desired.users
            )
        return self._decide(user.name, group_name, reason)

    def _removable_group(self, group: TSGroup, group_name: str) -> bool:
        key = name_key(group.name)
        if self.inventory.is_untouchable_group(group):
            reason: str | None = "it is a built-in group"
        elif self.inventory.is_protected(group.name):
            reason = "the name is in sync.protect"
        elif key in self.members.deleted_groups:
            reason = "the plan deletes it"
        elif key in self.desired.colliding_groups:
            reason = "several directory entries map to this name"
        else:
            reason = self._unmanaged_reason(
                self.inventory.group_exclusion(group), key in self.desired.groups
            )
        return self._decide(group.name, group_name, reason)

    def _unmanaged_reason(self, exclusion: str | None, synced_name: bool) -> str | None:
        if exclusion is None:
            return None
        if synced_name:
            return f"{exclusion}, so it is left alone"
        if self.keep_local:
            return f"{exclusion} and sync.keep_local_membership is on"
        return None

    @staticmethod
    def _decide(member: str, group_name: str, keep_reason: str | None) -> bool:
        if keep_reason is None:
            return True
        logger.debug("kept member %s of group %s because %s", member, group_name, keep_reason)
        return False


def _sorted_names(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(names, key=lambda name: (name_key(name), name)))
