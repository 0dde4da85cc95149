"""Removal limits and the empty-read check."""

from __future__ import annotations

import logging

import pytest

from ldap2ts.errors import ExitCode, RefusedError
from ldap2ts.guard import check_plan, count_removals
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
