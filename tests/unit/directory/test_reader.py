"""The directory reader over canned responses: ranges, paging, limits and lost connections."""

from __future__ import annotations

from typing import Any

import ldap
import pytest
from ldap.controls import SimplePagedResultsControl

from ldap2ts import dn
from ldap2ts.directory.filters import AD_GROUP_FILTER, AD_USER_FILTER
from ldap2ts.directory.plan import plan_read
from ldap2ts.directory.reader import DirectoryReader
from ldap2ts.errors import DirectoryError
from ldap2ts.model import DirectorySnapshot
from ldap2ts.settings import (
    DirectorySettings,
    Flavour,
    LdapSettings,
    NamingSettings,
    Settings,
    ThoughtSpotSettings,
)
from tests.unit.directory.fake_ldap import FakeConnection

BASE = "OU=Lab,DC=lab,DC=example,DC=com"
GROUP = f"CN=Everyone,OU=Groups,{BASE}"


def user_dn(number: int) -> str:
    return f"CN=User {number},OU=People,{BASE}"


def user_entry(number: int, control: int = 512) -> dict[str, list[bytes]]:
    return {
        "cn": [f"User {number}".encode()],
        "sAMAccountName": [f"user{number}".encode()],
        "userAccountControl": [str(control).encode()],
        "objectGUID": [number.to_bytes(16, "little")],
    }


def ad_settings(**ldap_fields: Any) -> Settings:
    return Settings(
        ldap=LdapSettings(url="ldap://127.0.0.1:389", **ldap_fields),
        directory=DirectorySettings(flavour=Flavour.AD, base_dn=BASE),
        naming=NamingSettings(),
        thoughtspot=ThoughtSpotSettings(url="https://127.0.0.1:1", username="tsadmin"),
    )


def company(users: int) -> FakeConnection:
    entries = {user_dn(n): user_entry(n) for n in range(users)}
    entries[GROUP] = {"cn": [b"Everyone"], "member": [user_dn(n).encode() for n in range(users)]}
    results = {AD_USER_FILTER: [user_dn(n) for n in range(users)], AD_GROUP_FILTER: [GROUP]}
    return FakeConnection(entries=entries, results=results)


def read(connection: FakeConnection, settings: Settings | None = None) -> DirectorySnapshot:
    settings = settings or ad_settings()
    reader = DirectoryReader(connection, settings, plan_read(settings))
    return reader.read()


def test_forced_ranges_give_every_member() -> None:
    connection = company(4000)

    snapshot = read(connection)

    assert snapshot.complete
    assert len(snapshot.groups[dn.normalize(GROUP)].member_keys) == 4000
    range_reads = [call[3] for call in connection.calls if call[1] == ldap.SCOPE_BASE]
    assert range_reads == [["member;range=1500-*"], ["member;range=3000-*"]]


def test_explicit_range_step_requested() -> None:
    connection = company(2600)

    snapshot = read(connection, ad_settings(range_step=1000))

    assert len(snapshot.groups[dn.normalize(GROUP)].member_keys) == 2600
    group_search = next(call for call in connection.calls if call[2] == AD_GROUP_FILTER)
    assert "member;range=0-999" in group_search[3]
    range_reads = [call[3] for call in connection.calls if call[1] == ldap.SCOPE_BASE]
    assert range_reads == [["member;range=1000-1999"], ["member;range=2000-2999"]]


def test_range_step_on_server_without_ranges() -> None:
    connection = company(20)
    connection.max_values = None

    snapshot = read(connection, ad_settings(range_step=1000))

    assert len(snapshot.groups[dn.normalize(GROUP)].member_keys) == 20
    range_reads = [call[3] for call in connection.calls if call[1] == ldap.SCOPE_BASE]
    assert range_reads == [["member"]]


def test_pages_follow_cookie() -> None:
    connection = company(1234)

    snapshot = read(connection, ad_settings(page_size=500))

    assert len(snapshot.users) == 1234
    user_searches = [call for call in connection.calls if call[2] == AD_USER_FILTER]
    assert len(user_searches) == 3


def test_disabled_flagged_and_computers_left_out() -> None:
    connection = company(3)
    connection.entries[user_dn(1)] = user_entry(1, control=514)
    connection.entries[user_dn(2)] = user_entry(2, control=0x1000)

    snapshot = read(connection)

    assert snapshot.users[dn.normalize(user_dn(0))].disabled is False
    assert snapshot.users[dn.normalize(user_dn(1))].disabled is True
    assert dn.normalize(user_dn(2)) not in snapshot.users
    assert snapshot.groups[dn.normalize(GROUP)].member_keys == {
        dn.normalize(user_dn(0)),
        dn.normalize(user_dn(1)),
    }


def test_guid_anchor_decoded() -> None:
    connection = company(2)

    snapshot = read(connection)

    entry = snapshot.users[dn.normalize(user_dn(1))].entry
    assert entry.anchor == "00000001-0000-0000-0000-000000000000"
    assert entry.first("objectGUID") == entry.anchor


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (ldap.SIZELIMIT_EXCEEDED({"desc": "Size limit exceeded"}), "Size limit exceeded"),
        (ldap.TIMELIMIT_EXCEEDED({"desc": "Time limit exceeded"}), "Time limit exceeded"),
        (ldap.ADMINLIMIT_EXCEEDED({"desc": "Administrative limit exceeded"}), "Administrative"),
    ],
)
def test_limit_on_second_page_marks_incomplete(error: ldap.LDAPError, reason: str) -> None:
    connection = company(1200)
    connection.failures = {2: error}

    snapshot = read(connection, ad_settings(page_size=500))

    assert not snapshot.complete
    assert len(snapshot.incomplete_reasons) == 1
    assert snapshot.incomplete_reasons[0].startswith(
        f"users search under {BASE!r} stopped after 500 entries: {reason}"
    )
    assert len(snapshot.users) == 500
    assert dn.normalize(GROUP) in snapshot.groups


def test_connection_lost_mid_read_keeps_what_was_read() -> None:
    connection = company(1200)
    connection.failures = {2: ldap.SERVER_DOWN({"desc": "Can't contact LDAP server"})}

    snapshot = read(connection, ad_settings(page_size=500))

    assert not snapshot.complete
    assert snapshot.incomplete_reasons == [
        f"connection lost during the users search under {BASE!r} after 500 entries: "
        "Can't contact LDAP server"
    ]
    assert len(snapshot.users) == 500
    assert snapshot.groups == {}


def test_connection_lost_before_anything_read_raises() -> None:
    connection = company(10)
    connection.failures = {1: ldap.SERVER_DOWN({"desc": "Can't contact LDAP server"})}

    with pytest.raises(DirectoryError) as raised:
        read(connection)

    assert str(raised.value) == (
        f"connection lost during the users search under {BASE!r} after 0 entries: "
        "Can't contact LDAP server; nothing was read"
    )


def test_timeout_mid_read_marks_incomplete() -> None:
    connection = company(1200)
    connection.failures = {3: ldap.TIMEOUT()}

    snapshot = read(connection, ad_settings(page_size=500, timeout=2.0))

    assert not snapshot.complete
    assert "timed out after 2 s (1000 entries read)" in snapshot.incomplete_reasons[0]


def test_referral_marks_incomplete() -> None:
    connection = company(5)
    connection.references = {AD_USER_FILTER: ["ldap://other.example.com/OU=Far,DC=example,DC=com"]}

    snapshot = read(connection)

    assert not snapshot.complete
    assert (
        "met referrals it cannot follow: ldap://other.example.com/"
        in (snapshot.incomplete_reasons[0])
    )


def test_connection_lost_between_ranges() -> None:
    connection = company(2000)
    # Result calls: 1 users, 2 groups, 3 the second range of members.
    connection.failures = {3: ldap.SERVER_DOWN({"desc": "Can't contact LDAP server"})}

    snapshot = read(connection, ad_settings(page_size=5000))

    assert not snapshot.complete
    assert snapshot.incomplete_reasons == [
        f"connection lost while reading {GROUP!r}: Can't contact LDAP server"
    ]
    assert len(snapshot.users) == 2000
    assert snapshot.groups == {}


def test_unreadable_range_marks_group_incomplete() -> None:
    connection = company(2000)
    connection.failures = {3: ldap.INSUFFICIENT_ACCESS({"desc": "Insufficient access"})}

    snapshot = read(connection, ad_settings(page_size=5000))

    assert not snapshot.complete
    assert snapshot.incomplete_reasons == [
        f"members of group {GROUP!r} not fully read: reading member;range=1500-* failed: "
        "Insufficient access"
    ]
    assert len(snapshot.groups[dn.normalize(GROUP)].member_keys) == 1500


def test_ad_searches_send_domain_scope() -> None:
    connection = company(3)

    read(connection)

    paged = SimplePagedResultsControl.controlType
    assert connection.control_types[:2] == [
        [paged, "1.2.840.113556.1.4.1339"],
        [paged, "1.2.840.113556.1.4.1339"],
    ]


def test_rejected_page_size_halved() -> None:
    connection = company(700)
    rejected = ldap.ADMINLIMIT_EXCEEDED(
        {"desc": "Administrative limit exceeded", "info": "illegal pagedResults page size"}
    )
    connection.failures = {1: rejected, 2: rejected}

    snapshot = read(connection, ad_settings(page_size=1000))

    assert snapshot.complete
    assert len(snapshot.users) == 700
    assert connection.page_sizes[:4] == [1000, 500, 250, 250]
    # Users: two rejected requests and three pages of 250, 250 and 200. Groups: one page.
    assert snapshot.searches == 6


def test_rejected_page_size_one_gives_up() -> None:
    connection = company(5)
    connection.failures = {1: ldap.ADMINLIMIT_EXCEEDED({"desc": "Administrative limit exceeded"})}

    snapshot = read(connection, ad_settings(page_size=1))

    assert not snapshot.complete
    assert snapshot.incomplete_reasons == [
        f"users search under {BASE!r} stopped after 0 entries: Administrative limit exceeded"
    ]


def test_server_without_paging_raises() -> None:
    connection = company(3)
    connection.failures = {
        1: ldap.UNAVAILABLE_CRITICAL_EXTENSION({"desc": "Critical extension is unavailable"})
    }

    with pytest.raises(DirectoryError) as raised:
        read(connection)

    assert str(raised.value) == (
        f"users search under {BASE!r} failed: the server does not support paged results "
        "(RFC 2696), which ldap2ts needs to read past size limits"
    )


class StuckConnection(FakeConnection):
    """A server that sends its first page, then the same cookie with no entries forever."""

    def result3(
        self, message_id: int, all: int = 1, timeout: float = -1
    ) -> tuple[int, list[Any], int, list[Any]]:
        kind, data, message, controls = super().result3(message_id, all, timeout)
        if len(self.calls) > 1 and self.calls[-1][2] == AD_USER_FILTER:
            stuck = SimplePagedResultsControl(True, size=0, cookie=b"500")
            return kind, [], message, [stuck]
        return kind, data, message, controls


def test_repeated_cookie_stops_search() -> None:
    healthy = company(1200)
    connection = StuckConnection(entries=healthy.entries, results=healthy.results)

    snapshot = read(connection, ad_settings(page_size=500))

    assert not snapshot.complete
    assert snapshot.incomplete_reasons == [
        f"users search under {BASE!r} stopped after 500 entries: the server sent the same "
        "paged results cookie again with no entries"
    ]
    assert len(snapshot.users) == 500
