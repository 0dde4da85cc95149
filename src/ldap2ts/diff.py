"""The plan: what to change in ThoughtSpot so that it matches the directory.

``compute_plan`` compares the desired state (``ldap2ts.naming``) with a
ThoughtSpot snapshot and returns a ``Plan``. It does no I/O. Changes come in
``Action`` order: create groups, create users, add members, updates,
reactivations, remove members, deactivations, deletions. Within an action
they are sorted by name, so the same input always gives the same plan, and
a rerun with nothing changed gives an empty one.

Only managed principals are changed (see ``ldap2ts.managed`` and, for the
naming scope and how it is derived, ``ldap2ts.scope``). Rules:

- Users are created as ``LDAP_USER`` and groups as ``LDAP_GROUP`` by the
  apply stage; ``fields`` carry ``display_name`` and ``email``. A user
  without an email gets ``<name before @>@<naming.email_fallback_domain>``
  when that is set, on create only; otherwise ``email`` is left out and
  the apply stage decides. A disabled account is created (as
  ``INACTIVE``) only with ``directory.include_disabled``.
- Display names and emails are updated only with ``sync.upsert_users`` /
  ``sync.upsert_groups``, and only when they differ (emails ignoring case).
  A missing directory email never clears one set in ThoughtSpot.
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

``plan.warnings`` starts with the naming warnings of the desired state
(skipped entries, collisions, nesting cycles), so that the plan output
shows them.
"""

from __future__ import annotations

import logging

from ldap2ts.changes import group_state, user_state
from ldap2ts.managed import INACTIVE, Inventory
from ldap2ts.membership import MemberNames, count_memberships, plan_memberships
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
from ldap2ts.purge import DISABLED, Removals, hold_back_removals
from ldap2ts.scope import derive_scopes
from ldap2ts.settings import Settings

logger = logging.getLogger(__name__)


def compute_plan(desired: DesiredState, current: ThoughtSpotSnapshot, settings: Settings) -> Plan:
    """Return the ordered changes that bring ThoughtSpot in line with the desired state."""
    user_scope, group_scope = derive_scopes(desired, settings)
    inventory = Inventory(current, settings, user_scope, group_scope)
    builder = _PlanBuilder(desired, inventory, settings)

    builder.plan_groups()
    builder.plan_users()
    builder.removals.plan_vanished_users(desired)
    builder.removals.plan_vanished_groups(desired)
    plan_memberships(builder.plan, desired, inventory, settings, builder.members)
    hold_back_removals(builder.plan, desired)
    builder.note_scope()

    plan = builder.plan
    plan.changes.sort(key=lambda change: (change.action.order, name_key(change.name)))
    return plan


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
            warnings=list(desired.warnings),
            managed_memberships=count_memberships(inventory),
        )
        self.removals = Removals(self.plan, inventory, settings, self.members)

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
                before=group_state(existing),
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
                    before=user_state(existing),
                )
            )

    def _sync_status(self, user: DesiredUser, existing: TSUser) -> None:
        if user.active and existing.account_status == INACTIVE:
            self._add(
                Change(
                    Action.REACTIVATE_USER,
                    existing.name,
                    target_id=existing.id,
                    before=user_state(existing),
                )
            )
        elif not user.active and existing.account_status != INACTIVE:
            change = Change(
                Action.DEACTIVATE_USER,
                existing.name,
                target_id=existing.id,
                before=user_state(existing),
            )
            self.removals.propose(change, DISABLED)

    def note_scope(self) -> None:
        """Warn with the derived scope when the plan removes something or skips a removal."""
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
