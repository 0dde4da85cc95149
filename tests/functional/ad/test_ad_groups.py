"""Groups read from Samba AD: which objects, which members, system groups, domain root reads."""

from __future__ import annotations

import ldap
import pytest
from testkit import samba_content
from testkit.samba import SambaDC

from ldap2ts.directory import read_directory
from ldap2ts.model import DirectorySnapshot

from .conftest import ad_settings, key

pytestmark = pytest.mark.samba


def _user_key(dc: SambaDC, sam: str) -> str:
    return key(samba_content.user_by_sam(sam).dn(dc.base_dn))


def _group_key(dc: SambaDC, cn: str) -> str:
    return key(samba_content.group_by_cn(cn).dn(dc.base_dn))


@pytest.fixture(scope="module")
def root_snapshot(samba_dc: SambaDC) -> DirectorySnapshot:
    """A read from the domain root, where Samba's system groups and containers live."""
    return read_directory(ad_settings(samba_dc, base_dn=samba_dc.base_dn))


def test_only_group_objects(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    expected = {_group_key(samba_dc, group.cn) for group in samba_content.GROUPS}

    assert set(sync_snapshot.groups) == expected


def test_container_never_a_group(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    sync_dn = samba_content.sync_dn(samba_dc.base_dn)
    for container in samba_content.CONTAINERS:
        assert key(f"CN={container},{sync_dn}") not in sync_snapshot.groups
    for ou in samba_content.ORGANIZATIONAL_UNITS:
        assert key(f"{ou},{samba_dc.base_dn}") not in sync_snapshot.groups


def test_direct_members_with_nested_group(
    sync_snapshot: DirectorySnapshot, samba_dc: SambaDC
) -> None:
    engineering = sync_snapshot.groups[_group_key(samba_dc, "Engineering")]

    assert engineering.member_keys == {
        _user_key(samba_dc, "alice"),
        _user_key(samba_dc, "dave"),
        _group_key(samba_dc, "Platform"),
    }


def test_cycle_edges_kept(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    # The read keeps both edges; naming breaks the cycle and reports it.
    cycle_a = sync_snapshot.groups[_group_key(samba_dc, "Cycle A")]
    cycle_b = sync_snapshot.groups[_group_key(samba_dc, "Cycle B")]

    assert _group_key(samba_dc, "Cycle B") in cycle_a.member_keys
    assert _group_key(samba_dc, "Cycle A") in cycle_b.member_keys


def test_disabled_members_kept(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    former_staff = sync_snapshot.groups[_group_key(samba_dc, "Former Staff")]

    assert former_staff.member_keys == {_user_key(samba_dc, "bob"), _user_key(samba_dc, "carol")}


def test_comma_in_group_name(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    sales = sync_snapshot.groups[_group_key(samba_dc, "Sales, EMEA")]

    assert sales.entry.dn.startswith("CN=Sales\\, EMEA,")
    assert sales.member_keys == {_user_key(samba_dc, "jdoe"), _user_key(samba_dc, "zcelik")}


def test_empty_group_read(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    assert sync_snapshot.groups[_group_key(samba_dc, "Empty Group")].member_keys == frozenset()


def test_foreign_security_principal_skipped(
    sync_snapshot: DirectorySnapshot, samba_dc: SambaDC
) -> None:
    mixed = sync_snapshot.groups[_group_key(samba_dc, "Mixed")]
    fsp_key = key(samba_content.fsp_dn(samba_dc.base_dn))
    warnings = [warning for warning in sync_snapshot.warnings if "S-1-5-11" in warning]

    assert mixed.member_keys == {_user_key(samba_dc, "zcelik")}
    assert fsp_key not in sync_snapshot.users
    assert len(warnings) == 1
    assert "foreign security principal" in warnings[0]
    assert "CN=Mixed" in warnings[0]


def test_foreign_security_principal_skipped_at_root(
    root_snapshot: DirectorySnapshot, samba_dc: SambaDC
) -> None:
    mixed = root_snapshot.groups[_group_key(samba_dc, "Mixed")]
    warnings = [warning for warning in root_snapshot.warnings if "S-1-5-11" in warning]

    assert mixed.member_keys == {_user_key(samba_dc, "zcelik")}
    assert any("foreign security principal" in warning for warning in warnings)


def test_root_read_has_continuation_reference(samba_dc: SambaDC) -> None:
    # The premise of the next test: a subtree search from the domain root
    # returns a continuation reference to the Configuration partition.
    connection = samba_dc.connect()
    try:
        message_id = connection.search(
            samba_dc.base_dn, ldap.SCOPE_SUBTREE, "(objectClass=group)", ["1.1"]
        )
        _, data = connection.result(message_id)
    finally:
        connection.unbind_s()

    references = [entry for dn, entry in data if dn is None]

    assert references


def test_root_read_complete_despite_references(root_snapshot: DirectorySnapshot) -> None:
    assert root_snapshot.complete
    assert root_snapshot.incomplete_reasons == []


def test_root_read_excludes_system_groups(
    root_snapshot: DirectorySnapshot, samba_dc: SambaDC
) -> None:
    builtin_key = key(f"CN=Builtin,{samba_dc.base_dn}")
    group_keys = set(root_snapshot.groups)

    assert not [group for group in group_keys if group.endswith("," + builtin_key)]
    assert key(f"CN=Domain Users,CN=Users,{samba_dc.base_dn}") not in group_keys
    assert key(f"CN=Domain Admins,CN=Users,{samba_dc.base_dn}") not in group_keys
    for read_group in root_snapshot.groups.values():
        assert read_group.entry.first("isCriticalSystemObject") != "TRUE"
    for group in samba_content.GROUPS:
        assert _group_key(samba_dc, group.cn) in group_keys


def test_system_groups_included_on_request(samba_dc: SambaDC) -> None:
    settings = ad_settings(samba_dc, base_dn=samba_dc.base_dn, exclude_system_groups=False)

    snapshot = read_directory(settings)

    assert key(f"CN=Administrators,CN=Builtin,{samba_dc.base_dn}") in snapshot.groups
    assert key(f"CN=Domain Users,CN=Users,{samba_dc.base_dn}") in snapshot.groups


def test_root_read_excludes_machine_accounts(
    root_snapshot: DirectorySnapshot, samba_dc: SambaDC
) -> None:
    for user in root_snapshot.users.values():
        assert not (user.entry.first("sAMAccountName") or "").endswith("$")
