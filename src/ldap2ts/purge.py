"""Removals: principals that left the directory, and the rules that hold removals back.

A managed principal that the desired state no longer has is removed by
``sync.purge_action``, and only with ``sync.purge_users`` /
``sync.purge_groups``: ``deactivate`` sets users INACTIVE and leaves groups
in place with a warning, ``delete`` deletes both, ``none`` lists them in
``plan.skipped``. Names in ``sync.protect``, and names that several
directory entries map to (a collision), are listed there too. When the
directory read is incomplete, every change that removes something
(membership removals included) moves to ``plan.skipped`` with the reasons.
"""

from __future__ import annotations

import logging

from ldap2ts.changes import describe_change, group_state, user_state
from ldap2ts.managed import INACTIVE, Inventory
from ldap2ts.membership import MemberNames
from ldap2ts.model import Action, Change, DesiredState, Plan, name_key
from ldap2ts.settings import PurgeAction, Settings

logger = logging.getLogger(__name__)

VANISHED = "no longer in the directory"
DISABLED = "the account is disabled in the directory"
COLLIDING = "several directory entries map to this name, so it is left as it is"


class Removals:
    """Adds removals to a plan, or lists them in ``plan.skipped`` with the reason."""

    def __init__(
        self, plan: Plan, inventory: Inventory, settings: Settings, members: MemberNames
    ) -> None:
        self.plan = plan
        self.inventory = inventory
        self.sync = settings.sync
        self.members = members

    def propose(self, change: Change, cause: str) -> None:
        """Add a deactivation or deletion unless the name is protected or purging is off."""
        if self.inventory.is_protected(change.name):
            skip(self.plan, change, "the name is in sync.protect")
        elif self.sync.purge_action is PurgeAction.NONE:
            skip(self.plan, change, f"{cause}, but sync.purge_action is none")
        else:
            self.plan.changes.append(change)
            if change.action is Action.DELETE_USER:
                self.members.deleted_users.add(name_key(change.name))
            elif change.action is Action.DELETE_GROUP:
                self.members.deleted_groups.add(name_key(change.name))

    def plan_vanished_users(self, desired: DesiredState) -> None:
        users = sorted(self.inventory.managed_users(), key=lambda user: name_key(user.name))
        for user in users:
            if name_key(user.name) in desired.users:
                continue
            if not self.sync.purge_users:
                logger.debug("kept user %s because sync.purge_users is off", user.name)
                continue
            if self.sync.purge_action is PurgeAction.DELETE:
                action = Action.DELETE_USER
            elif user.account_status == INACTIVE:
                continue
            else:
                action = Action.DEACTIVATE_USER
            change = Change(action, user.name, target_id=user.id, before=user_state(user))
            if name_key(user.name) in desired.colliding_users:
                skip(self.plan, change, COLLIDING)
            else:
                self.propose(change, VANISHED)

    def plan_vanished_groups(self, desired: DesiredState) -> None:
        groups = sorted(self.inventory.managed_groups(), key=lambda group: name_key(group.name))
        left_in_place: list[str] = []
        for group in groups:
            if name_key(group.name) in desired.groups:
                continue
            if not self.sync.purge_groups:
                logger.debug("kept group %s because sync.purge_groups is off", group.name)
                continue
            if self.sync.purge_action is PurgeAction.DEACTIVATE:
                if name_key(group.name) not in desired.colliding_groups:
                    left_in_place.append(group.name)
                continue
            change = Change(
                Action.DELETE_GROUP, group.name, target_id=group.id, before=group_state(group)
            )
            if name_key(group.name) in desired.colliding_groups:
                skip(self.plan, change, COLLIDING)
            else:
                self.propose(change, VANISHED)

        if left_in_place:
            count = len(left_in_place)
            noun = "group" if count == 1 else "groups"
            self.plan.warnings.append(
                f"kept {count} {noun} no longer in the directory, because sync.purge_action "
                "deactivate applies to users only (set it to delete to delete groups too): "
                f"{', '.join(left_in_place)}"
            )


def hold_back_removals(plan: Plan, desired: DesiredState) -> None:
    """Move every change that removes something to ``plan.skipped`` after an incomplete read."""
    if desired.complete:
        return
    reasons = "; ".join(desired.incomplete_reasons) or "no reason recorded"
    kept: list[Change] = []
    held = 0
    for change in plan.changes:
        if change.action.removes:
            skip(plan, change, f"the directory read is incomplete ({reasons})")
            held += 1
        else:
            kept.append(change)
    plan.changes = kept

    if held:
        plan.warnings.append(
            f"the directory read is incomplete ({reasons}), so {held} changes that "
            "remove something are held back; creates and updates still apply"
        )


def skip(plan: Plan, change: Change, reason: str) -> None:
    """List a change in ``plan.skipped`` instead of applying it."""
    description = describe_change(change)
    logger.debug("held back %s because %s", description, reason)
    plan.skipped.append(f"{description}: {reason}")
