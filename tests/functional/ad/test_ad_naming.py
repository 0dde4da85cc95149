"""Legacy naming of principals read from Samba AD, as existing clusters hold them."""

from __future__ import annotations

import dataclasses

import pytest
from testkit import samba_content
from testkit.samba import SambaDC

from ldap2ts.model import DesiredState, DirectorySnapshot, name_key
from ldap2ts.naming import build_desired_state
from ldap2ts.settings import NamingSettings, Settings

from .conftest import ad_settings

pytestmark = pytest.mark.samba

DOMAIN = "corp.example.test"
ENGINEERING = f"CN=Engineering.OU=Groups.OU=Sync@{DOMAIN}"
PLATFORM = f"CN=Platform.OU=Groups.OU=Sync@{DOMAIN}"


def _desired(snapshot: DirectorySnapshot, settings: Settings, **naming: str) -> DesiredState:
    settings = dataclasses.replace(settings, naming=NamingSettings(**naming))
    return build_desired_state(snapshot, settings)


@pytest.fixture(scope="module")
def legacy_state(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> DesiredState:
    """Names with the legacy defaults: userPrincipalName, no auth domain, DN-path groups."""
    return build_desired_state(sync_snapshot, ad_settings(samba_dc))


def test_upn_as_user_name(legacy_state: DesiredState) -> None:
    alice = legacy_state.users[name_key(f"alice@{DOMAIN}")]

    assert alice.name == f"alice@{DOMAIN}"
    assert alice.display_name == "Alice Archer"
    assert alice.email == f"alice@{DOMAIN}"
    assert alice.active


def test_user_without_upn_gets_dc_domain(legacy_state: DesiredState) -> None:
    assert legacy_state.users[name_key(f"erin@{DOMAIN}")].name == f"erin@{DOMAIN}"


def test_unicode_upn_kept(legacy_state: DesiredState) -> None:
    zoe = legacy_state.users[name_key(f"zcelik@{DOMAIN}")]

    assert zoe.display_name == "Zoë Çelik"


def test_disabled_users_inactive(legacy_state: DesiredState) -> None:
    for sam in ("bob", "carol"):
        assert not legacy_state.users[name_key(f"{sam}@{DOMAIN}")].active
    assert legacy_state.users[name_key(f"dave@{DOMAIN}")].active


def test_every_user_named(legacy_state: DesiredState) -> None:
    expected = {name_key(f"{user.sam}@{DOMAIN}") for user in samba_content.USERS}
    expected |= {name_key(f"{user.sam}@{DOMAIN}") for user in samba_content.bulk_users()}

    assert set(legacy_state.users) == expected


def test_sam_account_name_gets_dc_domain(
    sync_snapshot: DirectorySnapshot, samba_dc: SambaDC
) -> None:
    state = _desired(sync_snapshot, ad_settings(samba_dc), user_identifier="sAMAccountName")

    assert name_key(f"jdoe@{DOMAIN}") in state.users
    assert name_key(f"alice@{DOMAIN}") in state.users


def test_authdomain_overrides_dc_domain(
    sync_snapshot: DirectorySnapshot, samba_dc: SambaDC
) -> None:
    state = _desired(
        sync_snapshot, ad_settings(samba_dc), user_identifier="sAMAccountName", authdomain="CORP"
    )

    assert state.users[name_key("alice@CORP")].name == "alice@CORP"
    assert state.users[name_key("erin@CORP")].name == "erin@CORP"


def test_authdomain_appended_to_upn(sync_snapshot: DirectorySnapshot, samba_dc: SambaDC) -> None:
    state = _desired(sync_snapshot, ad_settings(samba_dc), authdomain="corp.local")

    assert name_key(f"alice@{DOMAIN}@corp.local") in state.users
    assert name_key("erin@corp.local") in state.users
    assert any("naming.authdomain appends @corp.local" in warning for warning in state.warnings)


@pytest.mark.parametrize(
    ("cn", "name"),
    [
        ("Engineering", ENGINEERING),
        ("Sales, EMEA", f"CN=Sales\\, EMEA.OU=Groups.OU=Sync@{DOMAIN}"),
        (samba_content.BULK_GROUP, f"CN=Bulk Members.OU=Bulk.OU=Sync@{DOMAIN}"),
    ],
)
def test_dn_path_group_names(legacy_state: DesiredState, cn: str, name: str) -> None:
    group = legacy_state.groups[name_key(name)]

    assert group.name == name
    assert group.display_name == cn


def test_nested_group_becomes_sub_group(legacy_state: DesiredState) -> None:
    engineering = legacy_state.groups[name_key(ENGINEERING)]

    assert engineering.sub_groups == {name_key(PLATFORM)}
    assert engineering.users == {name_key(f"alice@{DOMAIN}"), name_key(f"dave@{DOMAIN}")}


def test_cycle_broken_with_warning(legacy_state: DesiredState) -> None:
    cycle_a = legacy_state.groups[name_key(f"CN=Cycle A.OU=Groups.OU=Sync@{DOMAIN}")]
    cycle_b = legacy_state.groups[name_key(f"CN=Cycle B.OU=Groups.OU=Sync@{DOMAIN}")]

    # One of the two edges goes, so ThoughtSpot gets no cycle.
    assert len(cycle_a.sub_groups) + len(cycle_b.sub_groups) == 1
    assert any("Cycle A" in warning for warning in legacy_state.warnings)


def test_anchors_are_guids(legacy_state: DesiredState, sync_snapshot: DirectorySnapshot) -> None:
    anchors = {user.entry.anchor for user in sync_snapshot.users.values()}

    for user in legacy_state.users.values():
        assert user.anchor in anchors
    for group in legacy_state.groups.values():
        assert group.anchor is not None
        assert len(group.anchor) == 36
