"""Member lists from Samba AD: ranged retrieval, paging, primary groups, in-chain nesting."""

from __future__ import annotations

import pytest
from testkit import samba_content
from testkit.samba import SambaDC

from ldap2ts.directory import read_directory
from ldap2ts.errors import UsageError
from ldap2ts.model import DirectorySnapshot
from ldap2ts.settings import Flavour, NestedGroups

from .conftest import NO_BULK, ad_settings, key, with_directory

pytestmark = pytest.mark.samba


def _user_key(dc: SambaDC, sam: str) -> str:
    return key(samba_content.user_by_sam(sam).dn(dc.base_dn))


def _group_key(dc: SambaDC, cn: str) -> str:
    return key(samba_content.group_by_cn(cn).dn(dc.base_dn))


def _bulk_read(dc: SambaDC, range_step: int | None) -> DirectorySnapshot:
    bulk_ou = f"OU=Bulk,{samba_content.sync_dn(dc.base_dn)}"
    return read_directory(ad_settings(dc, base_dn=bulk_ou, range_step=range_step))


@pytest.fixture(scope="module")
def whole_list_read(samba_dc: SambaDC) -> DirectorySnapshot:
    """The bulk OU read without ranges: Samba returns all 3,000 values at once."""
    return _bulk_read(samba_dc, None)


# Extra searches: one per range after the first. Samba ends a range at the
# last value with "*", so 0-999, 1000-1999, 2000-* for a step of 1,000.
@pytest.mark.parametrize(("step", "extra_searches"), [(1000, 2), (999, 3), (1500, 1), (3000, 0)])
def test_ranged_retrieval_reads_every_member(
    samba_dc: SambaDC, whole_list_read: DirectorySnapshot, step: int, extra_searches: int
) -> None:
    expected = {key(user.dn(samba_dc.base_dn)) for user in samba_content.bulk_users()}

    snapshot = _bulk_read(samba_dc, step)

    group = snapshot.groups[_group_key(samba_dc, samba_content.BULK_GROUP)]
    assert snapshot.complete, snapshot.incomplete_reasons
    assert group.member_keys == expected
    assert snapshot.searches - whole_list_read.searches == extra_searches


def test_whole_member_list_without_ranges(
    samba_dc: SambaDC, whole_list_read: DirectorySnapshot
) -> None:
    group = whole_list_read.groups[_group_key(samba_dc, samba_content.BULK_GROUP)]

    assert len(group.member_keys) == samba_content.BULK_USERS


def test_small_pages_read_every_user(samba_dc: SambaDC, whole_list_read: DirectorySnapshot) -> None:
    bulk_ou = f"OU=Bulk,{samba_content.sync_dn(samba_dc.base_dn)}"

    snapshot = read_directory(ad_settings(samba_dc, base_dn=bulk_ou, page_size=100))

    assert snapshot.complete
    assert set(snapshot.users) == set(whole_list_read.users)
    # 3,000 users in pages of 100, against pages of 500 for the default read.
    assert snapshot.searches - whole_list_read.searches == 30 - 6


def test_primary_group_left_out_by_default(
    sync_snapshot: DirectorySnapshot, samba_dc: SambaDC
) -> None:
    contractors = sync_snapshot.groups[_group_key(samba_dc, "Contractors")]

    assert contractors.member_keys == frozenset()


def test_primary_group_membership_on_request(samba_dc: SambaDC) -> None:
    snapshot = read_directory(ad_settings(samba_dc, primary_groups=True))

    contractors = snapshot.groups[_group_key(samba_dc, "Contractors")]
    engineering = snapshot.groups[_group_key(samba_dc, "Engineering")]
    assert contractors.member_keys == {_user_key(samba_dc, "grace")}
    assert _user_key(samba_dc, "grace") not in engineering.member_keys


def test_domain_users_by_primary_group(samba_dc: SambaDC) -> None:
    settings = ad_settings(
        samba_dc, base_dn=samba_dc.base_dn, primary_groups=True, exclude_system_groups=False
    )

    without = read_directory(with_directory(settings, primary_groups=False))
    snapshot = read_directory(settings)

    domain_users_key = key(f"CN=Domain Users,CN=Users,{samba_dc.base_dn}")
    domain_users = snapshot.groups[domain_users_key]
    # Grace's former primary group lists her in member since her primary
    # group changed. No other user is listed there.
    assert without.groups[domain_users_key].member_keys == {_user_key(samba_dc, "grace")}
    assert _user_key(samba_dc, "alice") in domain_users.member_keys
    assert key(samba_content.SERVICE_ACCOUNT.dn(samba_dc.base_dn)) in domain_users.member_keys
    assert len(domain_users.member_keys) > samba_content.BULK_USERS


@pytest.fixture(scope="module")
def in_chain_snapshot(samba_dc: SambaDC) -> DirectorySnapshot:
    """An in-chain read of OU=Sync without the bulk users, whose in-chain search is slow."""
    settings = ad_settings(samba_dc, filter=NO_BULK, nested_groups=NestedGroups.IN_CHAIN)
    return read_directory(settings)


def test_in_chain_adds_nested_users(
    in_chain_snapshot: DirectorySnapshot, samba_dc: SambaDC
) -> None:
    engineering = in_chain_snapshot.groups[_group_key(samba_dc, "Engineering")]

    assert engineering.member_keys == {
        _user_key(samba_dc, "alice"),
        _user_key(samba_dc, "dave"),
        _user_key(samba_dc, "frank"),
        _user_key(samba_dc, "erin"),
        _group_key(samba_dc, "Platform"),
    }


def test_in_chain_through_cycle(in_chain_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    cycle_a = in_chain_snapshot.groups[_group_key(samba_dc, "Cycle A")]
    cycle_b = in_chain_snapshot.groups[_group_key(samba_dc, "Cycle B")]
    both = {_user_key(samba_dc, "alice"), _user_key(samba_dc, "jdoe")}

    assert cycle_a.member_keys == both | {_group_key(samba_dc, "Cycle B")}
    assert cycle_b.member_keys == both | {_group_key(samba_dc, "Cycle A")}


def test_in_chain_comma_in_group_dn(
    in_chain_snapshot: DirectorySnapshot, samba_dc: SambaDC
) -> None:
    sales = in_chain_snapshot.groups[_group_key(samba_dc, "Sales, EMEA")]

    assert sales.member_keys == {_user_key(samba_dc, "jdoe"), _user_key(samba_dc, "zcelik")}


def test_in_chain_bulk_group(samba_dc: SambaDC) -> None:
    bulk_ou = f"OU=Bulk,{samba_content.sync_dn(samba_dc.base_dn)}"
    settings = ad_settings(samba_dc, base_dn=bulk_ou, nested_groups=NestedGroups.IN_CHAIN)

    snapshot = read_directory(settings)

    bulk = snapshot.groups[_group_key(samba_dc, samba_content.BULK_GROUP)]
    assert snapshot.complete, snapshot.incomplete_reasons
    assert len(bulk.member_keys) == samba_content.BULK_USERS


def test_in_chain_matches_walk_where_flat(
    in_chain_snapshot: DirectorySnapshot, sync_snapshot: DirectorySnapshot
) -> None:
    # Groups without nested groups have the same members either way.
    assert in_chain_snapshot.complete, in_chain_snapshot.incomplete_reasons
    for group_key, group in in_chain_snapshot.groups.items():
        walked = sync_snapshot.groups[group_key].member_keys
        if not walked & sync_snapshot.groups.keys():
            assert group.member_keys == walked


def test_in_chain_reaches_group_outside_filter(samba_dc: SambaDC) -> None:
    # Only Engineering is read, so walking the member attribute cannot see
    # Platform's and SRE's users; the in-chain search can.
    settings = ad_settings(
        samba_dc, group_filter="(cn=Engineering)", nested_groups=NestedGroups.IN_CHAIN
    )
    walk_settings = with_directory(settings, nested_groups=NestedGroups.WALK)

    in_chain = read_directory(settings).groups[_group_key(samba_dc, "Engineering")]
    walk = read_directory(walk_settings).groups[_group_key(samba_dc, "Engineering")]

    assert _user_key(samba_dc, "erin") in in_chain.member_keys
    assert _user_key(samba_dc, "erin") not in walk.member_keys


def test_in_chain_needs_ad_flavour(samba_dc: SambaDC) -> None:
    settings = ad_settings(samba_dc, nested_groups=NestedGroups.IN_CHAIN)
    settings = with_directory(settings, flavour=Flavour.OPENLDAP)

    with pytest.raises(UsageError, match="in-chain needs flavour AD"):
        read_directory(settings)
