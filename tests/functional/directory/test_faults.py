"""A slapd that dies or freezes in the middle of a read gives an incomplete snapshot."""

from __future__ import annotations

import pytest
from testkit.slapd import Slapd

from ldap2ts.directory import read_directory
from ldap2ts.errors import DirectoryError
from tests.fixtures.slapd import BULK_BASE, BULK_USERS, make_settings


def test_killed_mid_read_is_incomplete(slapd_throwaway: Slapd) -> None:
    settings = make_settings(slapd_throwaway, BULK_BASE, ldap={"page_size": 100})
    seen: list[tuple[str, int]] = []

    def kill_after_first_page(phase: str, count: int) -> None:
        seen.append((phase, count))
        if count == 200:
            slapd_throwaway.kill()

    snapshot = read_directory(settings, progress=kill_after_first_page)

    assert seen == [("users", 100), ("users", 200)]
    assert not snapshot.complete
    assert len(snapshot.users) == 200
    assert snapshot.incomplete_reasons == [
        f"connection lost during the users search under {BULK_BASE!r} after 200 entries: "
        "Can't contact LDAP server"
    ]


def test_killed_during_groups_keeps_users(slapd_throwaway: Slapd) -> None:
    settings = make_settings(slapd_throwaway, BULK_BASE, ldap={"page_size": 500})

    def kill_when_users_done(phase: str, count: int) -> None:
        if phase == "users" and count == BULK_USERS:
            slapd_throwaway.kill()

    snapshot = read_directory(settings, progress=kill_when_users_done)

    assert not snapshot.complete
    assert len(snapshot.users) == BULK_USERS
    assert snapshot.groups == {}
    assert snapshot.incomplete_reasons[0].startswith(
        f"connection lost during the groups search under {BULK_BASE!r} after 0 entries"
    )


def test_frozen_mid_read_times_out(slapd_throwaway: Slapd) -> None:
    settings = make_settings(slapd_throwaway, BULK_BASE, ldap={"page_size": 500, "timeout": 0.5})

    def freeze(phase: str, count: int) -> None:
        slapd_throwaway.pause()

    try:
        snapshot = read_directory(settings, progress=freeze)
    finally:
        slapd_throwaway.resume()

    assert not snapshot.complete
    assert len(snapshot.users) == 500
    assert snapshot.incomplete_reasons == [
        f"users search under {BULK_BASE!r} timed out after 0.5 s (500 entries read)"
    ]


def test_stopped_server_raises(slapd_throwaway: Slapd) -> None:
    settings = make_settings(slapd_throwaway, BULK_BASE)
    slapd_throwaway.stop()

    with pytest.raises(DirectoryError, match="cannot reach LDAP server"):
        read_directory(settings)


def test_server_restarted_reads_again(slapd_throwaway: Slapd) -> None:
    settings = make_settings(slapd_throwaway, BULK_BASE)
    slapd_throwaway.kill()
    slapd_throwaway.start()
    settings.ldap.url = slapd_throwaway.url

    snapshot = read_directory(settings)

    assert snapshot.complete
    assert len(snapshot.users) == BULK_USERS


def test_stop_after_searches_mid_read(slapd_throwaway: Slapd) -> None:
    # The kill lands a little after the third page, so the count read varies.
    settings = make_settings(slapd_throwaway, BULK_BASE, ldap={"page_size": 50})
    killed = slapd_throwaway.stop_after_searches(3)

    snapshot = read_directory(settings)

    assert killed.is_set()
    assert not snapshot.complete
    assert 100 <= len(snapshot.users) < BULK_USERS
    assert snapshot.incomplete_reasons[0].startswith(
        f"connection lost during the users search under {BULK_BASE!r} after"
    )
