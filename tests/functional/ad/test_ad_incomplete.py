"""A read from Samba AD that breaks off is incomplete, and an incomplete read removes nothing."""

from __future__ import annotations

import pytest
from testkit.samba import SambaDC

from ldap2ts.diff import compute_plan
from ldap2ts.directory import read_directory
from ldap2ts.model import Action, DirectorySnapshot, ThoughtSpotSnapshot, TSUser
from ldap2ts.naming import build_desired_state

from .conftest import ad_settings

pytestmark = pytest.mark.samba

GONE = "gone@corp.example.test"
"""An LDAP user in ThoughtSpot whom the directory no longer has."""


def _thoughtspot_with_gone_user() -> ThoughtSpotSnapshot:
    gone = TSUser(
        id="u-gone",
        name=GONE,
        display_name="Gone",
        email=GONE,
        account_type="LDAP_USER",
        account_status="ACTIVE",
        group_ids=frozenset(),
    )
    return ThoughtSpotSnapshot(users={gone.id: gone})


@pytest.fixture
def broken_read(fresh_samba_dc: SambaDC) -> DirectorySnapshot:
    """A read of OU=Sync during which Samba stops after the first page of users."""
    dc = fresh_samba_dc

    def stop_after_first_page(phase: str, count: int) -> None:
        if phase == "users" and dc.running:
            dc.stop()

    try:
        return read_directory(ad_settings(dc), progress=stop_after_first_page)
    finally:
        dc.start()


def test_lost_server_marks_read_incomplete(broken_read: DirectorySnapshot) -> None:
    assert not broken_read.complete
    assert len(broken_read.incomplete_reasons) == 1
    assert "connection lost during the users search" in broken_read.incomplete_reasons[0]
    # The default page size is 500.
    assert len(broken_read.users) == 500


def test_incomplete_read_plans_no_removal(
    broken_read: DirectorySnapshot, samba_dc: SambaDC
) -> None:
    settings = ad_settings(samba_dc)

    plan = compute_plan(
        build_desired_state(broken_read, settings), _thoughtspot_with_gone_user(), settings
    )

    assert not [change for change in plan.changes if change.action.removes]
    assert any(GONE in skipped for skipped in plan.skipped)


def test_complete_read_plans_removal(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    settings = ad_settings(samba_dc)

    plan = compute_plan(
        build_desired_state(sync_snapshot, settings), _thoughtspot_with_gone_user(), settings
    )

    removals = [change for change in plan.changes if change.action.removes]
    assert [(change.action, change.name) for change in removals] == [(Action.DEACTIVATE_USER, GONE)]
