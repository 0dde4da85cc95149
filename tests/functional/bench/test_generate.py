"""The benchmark's directory generator and its 1 % change, loaded into a real slapd."""

from __future__ import annotations

import io
from pathlib import Path

import ldap
import ldap.dn
import pytest
from bench.change import change_directory
from bench.generate import SIZES, Directory, generate, write_ldif
from bench.stats import describe
from testkit.slapd import Slapd

pytestmark = pytest.mark.slapd


def _ldif(directory: Directory) -> str:
    stream = io.StringIO()
    write_ldif(directory, stream)
    return stream.getvalue()


def _dn_key(dn: str) -> str:
    return ldap.dn.dn2str(ldap.dn.str2dn(dn)).casefold()


def test_generate_is_deterministic() -> None:
    assert _ldif(generate(SIZES["small"], seed=7)) == _ldif(generate(SIZES["small"], seed=7))
    assert _ldif(generate(SIZES["small"], seed=7)) != _ldif(generate(SIZES["small"], seed=8))


def test_generate_medium_shape() -> None:
    stats = describe(generate(SIZES["medium"]))

    assert stats.users == 5_000
    assert stats.groups == 500
    assert stats.largest_groups[0] == 5_000
    assert stats.largest_groups[1:4] == (2_000, 1_500, 1_250)
    assert stats.median_group_size == pytest.approx(8, abs=2)
    assert 0.09 < stats.unicode_share < 0.15
    assert 0.015 < stats.escaped_dn_share < 0.045
    # The tree's parents (1 + 3 + 9) and the three groups of the cycle.
    assert stats.nested_groups == 13 + 3


def test_change_is_deterministic() -> None:
    directory = generate(SIZES["small"])

    assert change_directory(directory).ldif == change_directory(directory).ldif


def test_change_leaves_source_alone() -> None:
    directory = generate(SIZES["small"])
    before = _ldif(directory)

    change_directory(directory)

    assert _ldif(directory) == before


def test_change_counts_medium() -> None:
    summary = change_directory(generate(SIZES["medium"])).summary

    assert summary.new_users == 12
    assert summary.removed_users == 12
    assert summary.renamed_users == 12
    assert summary.new_emails == 12
    assert summary.membership_moves == 25
    assert summary.new_groups == 1
    assert summary.removed_groups == 1
    assert summary.changed_principals == 50
    assert summary.groups_with_member_changes > summary.membership_moves


def test_change_applies_with_ldapmodify(tmp_path: Path) -> None:
    directory = generate(SIZES["small"])
    change = change_directory(directory)
    stream = io.StringIO()
    write_ldif(directory, stream, include_base=False)

    with Slapd(tmp_path / "slapd", suffix=directory.base_dn, tls=False,
               ldif=[stream.getvalue()]) as slapd:
        slapd.modify_ldif(change.ldif)
        connection = ldap.initialize(slapd.url)
        connection.simple_bind_s(slapd.admin_dn, slapd.admin_password)
        users = connection.search_s(directory.base_dn, ldap.SCOPE_SUBTREE,
                                    "(objectClass=inetOrgPerson)", ["displayName", "mail"])
        groups = connection.search_s(directory.base_dn, ldap.SCOPE_SUBTREE,
                                     "(objectClass=groupOfNames)", ["member"])
        connection.unbind_s()

    expected_users = {_dn_key(user.dn): user for user in change.after.users.values()}
    read_users = {_dn_key(dn): attributes for dn, attributes in users}
    assert set(read_users) == set(expected_users)
    for key, user in expected_users.items():
        assert read_users[key]["displayName"] == [user.display_name.encode()]
        assert read_users[key]["mail"] == [user.mail.encode()]
    expected_groups = {
        _dn_key(group.dn): {_dn_key(member) for member in group.members}
        for group in change.after.groups.values()
    }
    read_groups = {
        _dn_key(dn): {_dn_key(value.decode()) for value in attributes["member"]}
        for dn, attributes in groups
    }
    assert read_groups == expected_groups
