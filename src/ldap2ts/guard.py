"""The last check before a plan is applied: reject plans that remove too much.

Three rules, all lifted only by ``sync.force`` (``--force``):

- A plan may deactivate or delete at most ``sync.max_removals`` principals
  and at most ``sync.max_removal_ratio`` of the managed principals (users
  and groups in ThoughtSpot that this configuration manages).
- A plan may remove at most ``sync.max_removal_ratio`` of the managed
  memberships (the users and sub-groups of the managed groups), because a
  wrong member attribute or group filter reads every group as empty and
  would strip every group. The count limit does not apply to memberships:
  a routine day on a directory of 100,000 users removes more than 500 of
  its 350,000 memberships, and the share already catches a group read as
  empty. The share applies at any size, so on a cluster with few managed
  principals or memberships a single removal can need ``--force``.
- A directory read that produced no user and no group, while ThoughtSpot
  has managed principals, is rejected even when the plan removes nothing,
  because a filter that matches nothing looks exactly like "everyone left".
"""

from __future__ import annotations

import logging

from ldap2ts.errors import RefusedError
from ldap2ts.model import Action, Plan
from ldap2ts.settings import Settings

logger = logging.getLogger(__name__)

REMOVING_ACTIONS = (Action.DEACTIVATE_USER, Action.DELETE_USER, Action.DELETE_GROUP)


def count_removals(plan: Plan) -> int:
    """Return how many principals the plan deactivates or deletes."""
    return sum(plan.count(action) for action in REMOVING_ACTIONS)


def count_membership_removals(plan: Plan) -> int:
    """Return how many memberships (users and sub-groups) the plan removes from groups."""
    return sum(
        len(change.users) + len(change.sub_groups)
        for change in plan.changes
        if change.action is Action.REMOVE_MEMBERS
    )


def _over_limits(removals: int, managed: int, settings: Settings, *, count_limit: bool) -> bool:
    sync = settings.sync
    if count_limit and removals > sync.max_removals:
        return True
    return managed > 0 and removals / managed > sync.max_removal_ratio


def check_plan(plan: Plan, settings: Settings) -> None:
    """Raise RefusedError when the plan removes too much, unless ``sync.force`` is set."""
    managed = plan.managed_users + plan.managed_groups
    empty_read = plan.desired_users == 0 and plan.desired_groups == 0 and managed > 0
    excesses = []
    if _over_limits(count_removals(plan), managed, settings, count_limit=True):
        excesses.append(_principal_summary(plan, managed, settings))
    if _over_limits(count_membership_removals(plan), plan.managed_memberships, settings,
                    count_limit=False):
        excesses.append(_membership_summary(plan, settings))

    if not (empty_read or excesses):
        return
    if settings.sync.force:
        if empty_read:
            logger.warning(
                "applying a plan after a directory read that found nothing, because --force "
                "is set: %d managed principals in ThoughtSpot",
                managed,
            )
        if excesses:
            logger.warning(
                "applying a plan over the removal limits because --force is set: the plan %s",
                "; and it ".join(excesses),
            )
        return

    if empty_read:
        raise RefusedError(
            f"the directory read found no users and no groups, but ThoughtSpot has {managed} "
            "managed principals; check the base DN and the filters, or rerun with --force "
            "if the directory is really empty"
        )
    raise RefusedError(
        f"the plan {'; and it '.join(excesses)}; check the directory read and the "
        "plan, then rerun with --force to apply it"
    )


def _limits(settings: Settings, noun: str) -> str:
    """Describe both removal limits; ``noun`` is singular ("principal", "membership")."""
    sync = settings.sync
    counted = noun if sync.max_removals == 1 else noun + "s"
    return (
        f"while the limits are {sync.max_removals} {counted} (sync.max_removals) and "
        f"{sync.max_removal_ratio * 100:g}% (sync.max_removal_ratio)"
    )


def _share(removals: int, managed: int) -> str:
    return f" ({removals / managed:.1%})" if managed else ""


def _principal_summary(plan: Plan, managed: int, settings: Settings) -> str:
    """Describe the removals and the limits: "deactivates 3 users: 3 of 20 managed ..."."""
    parts = []
    for action, verb, noun in (
        (Action.DEACTIVATE_USER, "deactivates", "user"),
        (Action.DELETE_USER, "deletes", "user"),
        (Action.DELETE_GROUP, "deletes", "group"),
    ):
        count = plan.count(action)
        if count:
            parts.append(f"{verb} {count} {noun if count == 1 else noun + 's'}")
    removals = count_removals(plan)
    return (
        f"{', '.join(parts) or 'removes nothing'}: {removals} of {managed} managed "
        f"principals{_share(removals, managed)}, {_limits(settings, 'principal')}"
    )


def _membership_summary(plan: Plan, settings: Settings) -> str:
    """Describe the membership removals: "removes 392 group memberships: 392 of 392 ..."."""
    removals = count_membership_removals(plan)
    managed = plan.managed_memberships
    groups = plan.count(Action.REMOVE_MEMBERS)
    return (
        f"removes {removals} group {'membership' if removals == 1 else 'memberships'} "
        f"from {groups} {'group' if groups == 1 else 'groups'}: {removals} of {managed} "
        f"managed memberships{_share(removals, managed)}, while the limit is "
        f"{settings.sync.max_removal_ratio * 100:g}% (sync.max_removal_ratio)"
    )
