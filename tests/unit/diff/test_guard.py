"""Removal limits and the empty-read check."""

from __future__ import annotations

import logging

import pytest

from ldap2ts.errors import ExitCode, RefusedError
from ldap2ts.guard import check_plan, count_membership_removals, count_removals
from ldap2ts.model import Action, Change, Plan
from ldap2ts.settings import SyncSettings

from .factories import settings


def removal_plan(removals: int, managed: int, desired_users: int = 1) -> Plan:
    actions = [Action.DEACTIVATE_USER, Action.DELETE_USER, Action.DELETE_GROUP]
    changes = [Change(actions[number % 3], f"drop-me-{number}") for number in range(removals)]
    changes.append(Change(Action.REMOVE_MEMBERS, "keep-me", users=("x",)))
    return Plan(changes=changes, managed_users=managed, desired_users=desired_users)


def test_removals_count_principals_only() -> None:
    assert count_removals(removal_plan(7, 100)) == 7


def membership_plan(removals: int, managed: int, groups: int = 4) -> Plan:
    changes = [
        Change(
            Action.REMOVE_MEMBERS,
            f"group-{number}",
            users=tuple(f"user-{member}" for member in range(number, removals, groups)),
        )
        for number in range(min(groups, removals))
    ]
    return Plan(
        changes=changes,
        managed_users=1000,
        managed_groups=10,
        desired_users=1000,
        desired_groups=10,
        managed_memberships=managed,
    )


def test_membership_removals_counted() -> None:
    plan = Plan(
        changes=[
            Change(Action.REMOVE_MEMBERS, "a", users=("x", "y"), sub_groups=("z",)),
            Change(Action.REMOVE_MEMBERS, "b", users=("x",)),
            Change(Action.ADD_MEMBERS, "c", users=("y",)),
        ]
    )

    assert count_membership_removals(plan) == 4


def test_membership_removals_within_limits_pass() -> None:
    check_plan(membership_plan(10, 100), settings())


def test_every_membership_removed_rejected() -> None:
    with pytest.raises(RefusedError) as raised:
        check_plan(membership_plan(392, 392), settings())

    assert str(raised.value) == (
        "the plan removes 392 group memberships from 4 groups: 392 of 392 managed memberships "
        "(100.0%), while the limit is 10% (sync.max_removal_ratio); check the directory "
        "read and the plan, then rerun with --force to apply it"
    )
    assert raised.value.exit_code is ExitCode.REFUSED


def test_membership_count_limit_not_applied() -> None:
    # 1,353 of 345,741 is what a 1 % change removes at 100,000 users: routine.
    check_plan(membership_plan(1_353, 345_741), settings())


def test_membership_share_over_limit_rejected() -> None:
    sync = SyncSettings(max_removal_ratio=0.02)

    with pytest.raises(RefusedError, match=r"^the plan removes 21 group memberships from 4"):
        check_plan(membership_plan(21, 1_000), settings(sync=sync))


def test_one_membership_of_few_rejected() -> None:
    with pytest.raises(RefusedError, match=r"removes 1 group membership from 1 group: 1 of 5 "):
        check_plan(membership_plan(1, 5), settings())


def test_principals_and_memberships_both_named() -> None:
    plan = removal_plan(11, 100)
    plan.changes.append(Change(Action.REMOVE_MEMBERS, "all", users=("a", "b", "c")))
    plan.managed_memberships = 10

    with pytest.raises(RefusedError) as raised:
        check_plan(plan, settings())

    message = str(raised.value)
    assert message.startswith("the plan deactivates 4 users, deletes 4 users, deletes 3 groups")
    assert "; and it removes 4 group memberships from 2 groups: 4 of 10 managed" in message
    assert message.endswith("then rerun with --force to apply it")


def test_force_applies_membership_removals(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="ldap2ts.guard")
    check_plan(membership_plan(392, 392), settings(sync=SyncSettings(force=True)))

    assert "--force" in caplog.text
    assert "392 of 392 managed memberships" in caplog.text


def test_plan_within_limits_passes() -> None:
    check_plan(removal_plan(10, 100), settings())


def test_plan_at_ratio_limit_passes() -> None:
    check_plan(removal_plan(10, 100), settings(sync=SyncSettings(max_removal_ratio=0.10)))


def test_ratio_over_limit_rejected() -> None:
    with pytest.raises(RefusedError) as raised:
        check_plan(removal_plan(11, 100), settings())

    assert str(raised.value) == (
        "the plan deactivates 4 users, deletes 4 users, deletes 3 groups: 11 of 100 managed "
        "principals (11.0%), while the limits are 500 principals (sync.max_removals) and 10% "
        "(sync.max_removal_ratio); check the directory read and the plan, then rerun with "
        "--force to apply it"
    )
    assert raised.value.exit_code is ExitCode.REFUSED


def test_count_over_limit_rejected() -> None:
    sync = SyncSettings(max_removals=20, max_removal_ratio=1.0)

    with pytest.raises(RefusedError, match=r": 21 of 1000 managed principals \(2.1%\)"):
        check_plan(removal_plan(21, 1000), settings(sync=sync))


def test_force_applies_over_limits(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="ldap2ts.guard")
    check_plan(removal_plan(90, 100), settings(sync=SyncSettings(force=True)))

    assert "--force" in caplog.text
    assert "90 of 100 managed principals" in caplog.text


def test_empty_read_rejected() -> None:
    with pytest.raises(RefusedError) as raised:
        check_plan(removal_plan(0, 40, desired_users=0), settings())

    assert str(raised.value) == (
        "the directory read found no users and no groups, but ThoughtSpot has 40 managed "
        "principals; check the base DN and the filters, or rerun with --force if the "
        "directory is really empty"
    )


def test_empty_read_with_force_passes() -> None:
    check_plan(removal_plan(40, 40, desired_users=0), settings(sync=SyncSettings(force=True)))


def test_empty_read_on_empty_cluster_passes() -> None:
    check_plan(removal_plan(0, 0, desired_users=0), settings())


def test_small_cluster_ratio_applies() -> None:
    with pytest.raises(RefusedError, match=r"^the plan deactivates 1 user: 1 of 5 managed"):
        check_plan(removal_plan(1, 5), settings())


def test_ratio_limit_configurable() -> None:
    sync = SyncSettings(max_removal_ratio=0.025)

    with pytest.raises(RefusedError, match=r"and 2.5% \(sync.max_removal_ratio\)"):
        check_plan(removal_plan(3, 100), settings(sync=sync))


def test_limit_of_one_is_singular() -> None:
    sync = SyncSettings(max_removals=1, max_removal_ratio=1.0)

    with pytest.raises(RefusedError, match=r"while the limits are 1 principal \(sync"):
        check_plan(removal_plan(2, 10_000), settings(sync=sync))
