"""Reading the sample company and the membership edge cases from a real slapd."""

from __future__ import annotations

import logging

import pytest

from ldap2ts import dn
from ldap2ts.directory import read_directory
from tests.fixtures.slapd import (
    BULK_BASE,
    BULK_USERS,
    EDGE_BASE,
    REFERRALS_BASE,
    Company,
    make_settings,
)


def key(text: str) -> str:
    return dn.normalize(text)


def test_company_users_and_groups_read(slapd_company: Company) -> None:
    company = slapd_company.sample
    settings = make_settings(slapd_company.server, company.base)

    snapshot = read_directory(settings)

    assert snapshot.complete
    assert set(snapshot.users) == {key(user.dn) for user in company.users}
    assert set(snapshot.groups) == {key(group.dn) for group in company.groups}


def test_company_memberships_match_ldif(slapd_company: Company) -> None:
    company = slapd_company.sample
    settings = make_settings(slapd_company.server, company.base)

    snapshot = read_directory(settings)

    for group in company.groups:
        expected = {key(member) for member in group.members}
        if group.cn == "Partners Access":
            expected = {key(company.users[0].dn)}
        assert snapshot.groups[key(group.dn)].member_keys == expected, group.cn


def test_users_carry_attributes_and_anchor(slapd_company: Company) -> None:
    company = slapd_company.sample
    settings = make_settings(slapd_company.server, company.base)

    snapshot = read_directory(settings)

    zoe = company.user("zota")
    entry = snapshot.users[key(zoe.dn)].entry
    assert entry.first("cn") == "Zoë Ōta-Łęcka"
    assert entry.first("uid") == "zota"
    assert entry.first("mail") == "zota@example.com"
    assert entry.anchor is not None
    assert len(entry.anchor) == 36


def test_paged_read_passes_size_limit(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, BULK_BASE, ldap={"page_size": 300})

    snapshot = read_directory(settings)

    assert snapshot.complete, snapshot.incomplete_reasons
    assert len(snapshot.users) == BULK_USERS
    assert snapshot.searches >= BULK_USERS // 300


def test_size_limit_marks_read_incomplete(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, BULK_BASE, bind="limited")

    snapshot = read_directory(settings)

    assert not snapshot.complete
    assert (
        "users search under 'ou=Bulk,dc=example,dc=com' stopped" in snapshot.incomplete_reasons[0]
    )
    assert "Size limit exceeded" in snapshot.incomplete_reasons[0]


def test_nested_and_cyclic_groups(slapd_company: Company, caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(slapd_company.server, EDGE_BASE)

    with caplog.at_level(logging.DEBUG, logger="ldap2ts.directory"):
        snapshot = read_directory(settings)

    cycle_a = key(f"cn=Cycle A,ou=Groups,{EDGE_BASE}")
    cycle_b = key(f"cn=Cycle B,ou=Groups,{EDGE_BASE}")
    itself = key(f"cn=Itself,ou=Groups,{EDGE_BASE}")
    assert snapshot.groups[cycle_a].member_keys == {cycle_b, key(f"uid=ada,ou=People,{EDGE_BASE}")}
    assert snapshot.groups[cycle_b].member_keys == {cycle_a}
    assert itself in snapshot.groups[itself].member_keys
    assert not [warning for warning in snapshot.warnings if "cycle" in warning]
    cycles = [r.getMessage() for r in caplog.records if r.getMessage().startswith("nested")]
    assert cycles == [
        "nested groups form a cycle: "
        f"cn=Cycle A,ou=Groups,{EDGE_BASE} -> cn=Cycle B,ou=Groups,{EDGE_BASE} -> "
        f"cn=Cycle A,ou=Groups,{EDGE_BASE}",
        "nested groups form a cycle: "
        f"cn=Itself,ou=Groups,{EDGE_BASE} -> cn=Itself,ou=Groups,{EDGE_BASE}",
    ]


def test_referral_in_base_marks_incomplete(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, REFERRALS_BASE)

    snapshot = read_directory(settings)

    assert not snapshot.complete
    assert list(snapshot.users) == [key(f"uid=local,{REFERRALS_BASE}")]
    assert snapshot.incomplete_reasons == [
        f"users search under {REFERRALS_BASE!r} met referrals it cannot follow: "
        "ldap://127.0.0.1:9/ou=Elsewhere,dc=example,dc=com??sub",
        f"groups search under {REFERRALS_BASE!r} met referrals it cannot follow: "
        "ldap://127.0.0.1:9/ou=Elsewhere,dc=example,dc=com??sub",
    ]
