"""The plan: what to change in ThoughtSpot so that it matches the directory.

``compute_plan`` compares the desired state (``ldap2ts.naming``) with a
ThoughtSpot snapshot and returns a ``Plan``; it does no I/O. Changes come in
``Action`` order (create groups, create users, add members, updates,
reactivations, remove members, deactivations, deletions) and sorted by name
within an action, so that the same input always gives the same plan and a
rerun with nothing changed gives an empty one.

Only managed principals are changed (see ``ldap2ts.managed`` and, for the
naming scope and how it is derived, ``ldap2ts.scope``). Rules:

- Users are created as ``LDAP_USER`` and groups as ``LDAP_GROUP`` by the
  apply stage; ``fields`` carry ``display_name`` and ``email``. A user
  without an email gets ``<name before @>@<naming.email_fallback_domain>``
  when that is set, on create only; otherwise ``email`` is left out and
  the apply stage decides. A disabled account is created (as
  ``INACTIVE``) only with ``directory.include_disabled``.
- Display names and emails are updated only with ``sync.upsert_users`` /
  ``sync.upsert_groups`` and only when they differ (emails ignoring case);
  a missing directory email never clears one set in ThoughtSpot.
- Memberships change by adding exactly the missing members and removing
  exactly the extra ones, one change of each kind per group. An extra member
  that is not managed (a LOCAL user, a principal of another scope) stays
  when ``sync.keep_local_membership`` is on. Built-ins, the login account
  and protected names are never removed from a group.
- Managed principals absent from the directory are deactivated (users) or
  deleted (users and groups) by ``sync.purge_action``, only with
  ``sync.purge_users`` / ``sync.purge_groups``; ``deactivate`` leaves
  vanished groups in place with a warning, ``none`` lists them in
  ``plan.skipped``. A disabled directory account is deactivated in
  ThoughtSpot, and an active one that ThoughtSpot has as INACTIVE is
  reactivated.
- When the directory read is incomplete, every change that removes
  something moves to ``plan.skipped`` with the reasons.
"""

from __future__ import annotations

import logging

from ldap2ts.managed import INACTIVE, Inventory
from ldap2ts.membership import MemberNames, plan_memberships
from ldap2ts.model import (
    Action,
    Change,
    DesiredGroup,
    DesiredState,
    DesiredUser,
    Plan,
    ThoughtSpotSnapshot,
    TSGroup,
    TSUser,
    name_key,
)
from ldap2ts.scope import derive_scopes
from ldap2ts.settings import PurgeAction, Settings

logger = logging.getLogger(__name__)


def compute_plan(desired: DesiredState, current: ThoughtSpotSnapshot, settings: Settings) -> Plan:
    """Return the ordered changes that bring ThoughtSpot in line with the desired state."""
    user_scope, group_scope = derive_scopes(desired, settings)
    inventory = Inventory(current, settings, user_scope, group_scope)
    builder = _PlanBuilder(desired, inventory, settings)

    builder.plan_groups()
    builder.plan_users()
    builder.plan_vanished_users()
    builder.plan_vanished_groups()
    plan_memberships(builder.plan, desired, inventory, settings, builder.members)
    builder.hold_back_removals()
    builder.note_scope()
    builder.plan.changes.sort(key=lambda change: (change.action.order, name_key(change.name)))
    return builder.plan


def describe_change(change: Change) -> str:
    """Return a one-line description of a change (``deactivate user name=jdoe@example.com``)."""
    text = f"{change.action.value} name={change.name}"
    if change.users:
        text += f" users={','.join(change.users)}"
    if change.sub_groups:
        text += f" sub_groups={','.join(change.sub_groups)}"
    return text


class _PlanBuilder:
    def __init__(self, desired: DesiredState, inventory: Inventory, settings: Settings) -> None:
        self.desired = desired
        self.inventory = inventory
        self.settings = settings
        self.sync = settings.sync
        self.members = MemberNames()
        self.plan = Plan(
            managed_users=len(inventory.managed_users()),
            managed_groups=len(inventory.managed_groups()),
            desired_users=len(desired.users),
            desired_groups=len(desired.groups),
        )

    # --- Desired groups and users ---------------------------------------------

    def plan_groups(self) -> None:
        for key in sorted(self.desired.groups):
            group = self.desired.groups[key]
            existing = self.inventory.groups_by_key.get(key)
            if existing is None:
                self._create_group(key, group)
                continue
            reason = self.inventory.group_exclusion(existing)
            if reason is not None:
                self._leave_alone(
                    "group", existing.name, reason, self.inventory.is_untouchable_group(existing)
                )
                continue
            self.members.groups[key] = existing.name
            self.members.group_ids[key] = existing.id
            self._update_group(group, existing)

    def plan_users(self) -> None:
        for key in sorted(self.desired.users):
            user = self.desired.users[key]
            existing = self.inventory.users_by_key.get(key)
            if existing is None:
                self._create_user(key, user)
                continue
            reason = self.inventory.user_exclusion(existing)
            if reason is not None:
                self._leave_alone(
                    "user", existing.name, reason, self.inventory.is_untouchable_user(existing)
                )
                continue
            self.members.users[key] = existing.name
            self._update_user(user, existing)
            self._sync_status(user, existing)

    def _leave_alone(self, kind: str, name: str, reason: str, untouchable: bool) -> None:
        logger.debug("ignored %s %s because %s", kind, name, reason)
        if not untouchable:
            self.plan.warnings.append(
                f"{kind} {name} is in the directory, but the ThoughtSpot {kind} of that name "
                f"is left alone because {reason}"
            )

    def _outside_explicit_scope(self, kind: str, name: str) -> bool:
        scope = self.inventory.user_scope if kind == "user" else self.inventory.group_scope
        if not scope.explicit or name in scope:
            return False
        self.plan.warnings.append(
            f"{kind} {name} is in the directory but outside sync.managed_scope "
            f"({scope.describe()}), so it is not created"
        )
        return True

    def _create_group(self, key: str, group: DesiredGroup) -> None:
        if self._outside_explicit_scope("group", group.name):
            return
        self.members.groups[key] = group.name
        self.members.group_ids[key] = None
        self._add(
            Change(Action.CREATE_GROUP, group.name, fields={"display_name": group.display_name})
        )

    def _create_user(self, key: str, user: DesiredUser) -> None:
        if not user.active and not self.settings.directory.include_disabled:
            logger.debug(
                "ignored user %s because the account is disabled in the directory", user.name
            )
            return
        if self._outside_explicit_scope("user", user.name):
            return
        fields = {"display_name": user.display_name}
        email = user.email or self._fallback_email(user.name)
        if email is not None:
            fields["email"] = email
        if not user.active:
            fields["account_status"] = INACTIVE
        self.members.users[key] = user.name
        self._add(Change(Action.CREATE_USER, user.name, fields=fields))

    def _fallback_email(self, name: str) -> str | None:
        domain = self.settings.naming.email_fallback_domain
        if not domain:
            return None
        return f"{name.partition('@')[0]}@{domain}"

    def _update_group(self, group: DesiredGroup, existing: TSGroup) -> None:
        if not self.sync.upsert_groups or group.display_name == existing.display_name:
            return
        self._add(
            Change(
                Action.UPDATE_GROUP,
                existing.name,
                target_id=existing.id,
                fields={"display_name": group.display_name},
                before=_group_state(existing),
            )
        )

    def _update_user(self, user: DesiredUser, existing: TSUser) -> None:
        if not self.sync.upsert_users:
            return
        fields = {}
        if user.display_name != existing.display_name:
            fields["display_name"] = user.display_name
        if user.email is not None and user.email.casefold() != (existing.email or "").casefold():
            fields["email"] = user.email
        if fields:
            self._add(
                Change(
                    Action.UPDATE_USER,
                    existing.name,
                    target_id=existing.id,
                    fields=fields,
                    before=_user_state(existing),
                )
            )

    def _sync_status(self, user: DesiredUser, existing: TSUser) -> None:
        if user.active and existing.account_status == INACTIVE:
            self._add(
                Change(
                    Action.REACTIVATE_USER,
                    existing.name,
                    target_id=existing.id,
                    before=_user_state(existing),
                )
            )
        elif not user.active and existing.account_status != INACTIVE:
            change = Change(
                Action.DEACTIVATE_USER,
                existing.name,
                target_id=existing.id,
                before=_user_state(existing),
            )
            if self.inventory.is_protected(existing.name):
                self._skip(change, "the name is in sync.protect")
            elif self.sync.purge_action is PurgeAction.NONE:
                self._skip(
                    change,
                    "the account is disabled in the directory, but sync.purge_action is none",
                )
            else:
                self._add(change)

    # --- Managed principals that left the directory ------------------------------

    def plan_vanished_users(self) -> None:
        users = sorted(self.inventory.managed_users(), key=lambda user: name_key(user.name))
        for user in users:
            if name_key(user.name) in self.desired.users:
                continue
            if not self.sync.purge_users:
                logger.debug("kept user %s because sync.purge_users is off", user.name)
                continue
            before = _user_state(user)
            if self.sync.purge_action is PurgeAction.DELETE:
                change = Change(Action.DELETE_USER, user.name, target_id=user.id, before=before)
            elif user.account_status == INACTIVE:
                continue
            else:
                change = Change(Action.DEACTIVATE_USER, user.name, target_id=user.id, before=before)
            if self._removal_allowed(change):
                self._add(change)
                if change.action is Action.DELETE_USER:
                    self.members.deleted_users.add(name_key(user.name))

    def plan_vanished_groups(self) -> None:
        groups = sorted(self.inventory.managed_groups(), key=lambda group: name_key(group.name))
        left_in_place: list[str] = []
        for group in groups:
            if name_key(group.name) in self.desired.groups:
                continue
            if not self.sync.purge_groups:
                logger.debug("kept group %s because sync.purge_groups is off", group.name)
                continue
            if self.sync.purge_action is PurgeAction.DEACTIVATE:
                left_in_place.append(group.name)
                continue
            change = Change(
                Action.DELETE_GROUP, group.name, target_id=group.id, before=_group_state(group)
            )
            if self._removal_allowed(change):
                self._add(change)
                self.members.deleted_groups.add(name_key(group.name))
        if left_in_place:
            self.plan.warnings.append(
                f"{len(left_in_place)} groups are no longer in the directory but stay in "
                "ThoughtSpot, because sync.purge_action deactivate applies to users only "
                f"(set it to delete to delete them): {', '.join(left_in_place)}"
            )

    def _removal_allowed(self, change: Change) -> bool:
        if self.inventory.is_protected(change.name):
            self._skip(change, "the name is in sync.protect")
            return False
        if self.sync.purge_action is PurgeAction.NONE:
            self._skip(change, "no longer in the directory, but sync.purge_action is none")
            return False
        return True

    # --- Safety and notes -----------------------------------------------------------

    def hold_back_removals(self) -> None:
        """Move every removal to ``plan.skipped`` when the directory read is incomplete."""
        if self.desired.complete:
            return
        reasons = "; ".join(self.desired.incomplete_reasons) or "reason not recorded"
        kept: list[Change] = []
        held = 0
        for change in self.plan.changes:
            if change.action.removes:
                self._skip(change, f"the directory read is incomplete ({reasons})")
                held += 1
            else:
                kept.append(change)
        self.plan.changes = kept
        if held:
            self.plan.warnings.append(
                f"the directory read is incomplete ({reasons}), so {held} changes that "
                "remove something are held back; creates and updates still apply"
            )

    def note_scope(self) -> None:
        """Say how the scope was derived when the plan removes something, or holds it back."""
        removes = any(change.action.removes for change in self.plan.changes)
        if not (removes or self.plan.skipped) or self.inventory.user_scope.explicit:
            return
        self.plan.warnings.append(
            "managed scope derived from the naming rules: users "
            f"{self.inventory.user_scope.describe()}; groups "
            f"{self.inventory.group_scope.describe()}; set sync.managed_scope to choose it"
        )

    def _add(self, change: Change) -> None:
        self.plan.changes.append(change)

    def _skip(self, change: Change, reason: str) -> None:
        logger.debug("held back %s because %s", describe_change(change), reason)
        self.plan.skipped.append(f"{describe_change(change)}: {reason}")


def _user_state(user: TSUser) -> dict[str, object]:
    return {
        "id": user.id,
        "name": user.name,
        "display_name": user.display_name,
        "email": user.email,
        "account_type": user.account_type,
        "account_status": user.account_status,
    }


def _group_state(group: TSGroup) -> dict[str, object]:
    return {
        "id": group.id,
        "name": group.name,
        "display_name": group.display_name,
        "group_type": group.group_type,
    }
