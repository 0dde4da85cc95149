"""The last check before a plan is applied: reject plans that remove too much.

Two rules, both lifted only by ``sync.force`` (``--force``):

- A plan may deactivate or delete at most ``sync.max_removals`` principals
  and at most ``sync.max_removal_ratio`` of the managed principals (users
  and groups in ThoughtSpot that this configuration manages).
  Membership removals do not count. The share applies at any size, so on a
  cluster with few managed principals a single removal can need ``--force``.
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


def check_plan(plan: Plan, settings: Settings) -> None:
    """Raise RefusedError when the plan removes too much, unless ``sync.force`` is set."""
    sync = settings.sync
    managed = plan.managed_users + plan.managed_groups
    removals = count_removals(plan)
    empty_read = plan.desired_users == 0 and plan.desired_groups == 0 and managed > 0
    over_count = removals > sync.max_removals
    over_ratio = managed > 0 and removals / managed > sync.max_removal_ratio

    if not (empty_read or over_count or over_ratio):
        return
    if sync.force:
        if empty_read:
            logger.warning(
                "applying a plan after a directory read that found nothing, because --force "
                "is set: %d managed principals in ThoughtSpot",
                managed,
            )
        if over_count or over_ratio:
            logger.warning(
                "applying a plan over the removal limits because --force is set: the plan %s",
                _summary(plan, managed, settings),
            )
        return

    if empty_read:
        raise RefusedError(
            f"the directory read found no users and no groups, but ThoughtSpot has {managed} "
            "managed principals; check the base DN and the filters, or rerun with --force "
            "if the directory is really empty"
        )
    raise RefusedError(
        f"the plan {_summary(plan, managed, settings)}; check the directory read and the "
        "plan, then rerun with --force to apply it"
    )


def _summary(plan: Plan, managed: int, settings: Settings) -> str:
    """Describe the removals and the limits: "deactivates 3 users: 3 of 20 managed ..."."""
    sync = settings.sync
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
    share = f" ({removals / managed:.1%})" if managed else ""
    return (
        f"{', '.join(parts) or 'removes nothing'}: {removals} of {managed} managed "
        f"principals{share}, while the limits are {sync.max_removals} principals "
        f"(sync.max_removals) and {sync.max_removal_ratio * 100:g}% (sync.max_removal_ratio)"
    )
