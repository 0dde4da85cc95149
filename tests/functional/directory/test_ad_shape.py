"""The Active Directory flavour on slapd with the msuser schema.

slapd cannot evaluate AD's ``(objectCategory=person)`` shorthand (it is a
DN-valued attribute there), so these tests give the user filter; the AD
defaults themselves run against Samba in the AD tests.
"""

from __future__ import annotations

import uuid
from typing import Any

from testkit import sample

from ldap2ts import dn
from ldap2ts.directory import ad, read_directory
from ldap2ts.settings import Flavour, Settings
from tests.fixtures.slapd import Company, make_settings

USER_FILTER = "(&(objectClass=user)(!(objectClass=computer)))"


def ad_settings(company: Company, **directory: Any) -> Settings:
    return make_settings(
        company.server,
        company.sample.base,
        bind="admin",
        flavour=Flavour.AD,
        user_filter=directory.pop("user_filter", USER_FILTER),
        **directory,
    )


def test_users_without_computers(slapd_ad: Company) -> None:
    snapshot = read_directory(ad_settings(slapd_ad))

    expected = {dn.normalize(u.dn) for u in slapd_ad.sample.users if not u.computer}
    assert snapshot.complete
    assert set(snapshot.users) == expected


def test_computers_left_out_by_account_control(slapd_ad: Company) -> None:
    # A filter that lets computer accounts through: userAccountControl drops them.
    snapshot = read_directory(ad_settings(slapd_ad, user_filter="(objectClass=user)"))

    for computer in (u for u in slapd_ad.sample.users if u.computer):
        assert dn.normalize(computer.dn) not in snapshot.users
    accounts = [user.entry.first("sAMAccountName") or "" for user in snapshot.users.values()]
    assert not [account for account in accounts if account.endswith("$")]
    assert len(snapshot.users) == len([u for u in slapd_ad.sample.users if not u.computer])


def test_disabled_accounts_flagged(slapd_ad: Company) -> None:
    snapshot = read_directory(ad_settings(slapd_ad))

    disabled = {dn.normalize(u.dn) for u in slapd_ad.sample.users if u.disabled}
    assert disabled
    assert {key for key, user in snapshot.users.items() if user.disabled} == disabled


def test_guid_anchor_and_sid(slapd_ad: Company) -> None:
    snapshot = read_directory(ad_settings(slapd_ad))

    smith = next(u for u in slapd_ad.sample.users if u.uid == "jsmith")
    entry = snapshot.users[dn.normalize(smith.dn)].entry
    assert entry.anchor == str(uuid.UUID(bytes_le=sample.guid_for(smith.dn)))
    sid = entry.first("objectSid")
    assert sid is not None
    assert sid.startswith(sample.DOMAIN_SID + "-")
    assert ad.rid_of(sid) > 1100
    assert entry.first("userPrincipalName") == "jsmith@lab.example.com"


def test_system_group_left_out(slapd_ad: Company) -> None:
    snapshot = read_directory(ad_settings(slapd_ad))

    admins = slapd_ad.sample.group("Domain Admins")
    assert dn.normalize(admins.dn) not in snapshot.groups
    assert len(snapshot.groups) == len(slapd_ad.sample.groups) - 1


def test_system_group_kept_when_asked(slapd_ad: Company) -> None:
    snapshot = read_directory(ad_settings(slapd_ad, exclude_system_groups=False))

    admins = slapd_ad.sample.group("Domain Admins")
    assert dn.normalize(admins.dn) in snapshot.groups


def test_group_members_exclude_computers(slapd_ad: Company) -> None:
    snapshot = read_directory(ad_settings(slapd_ad))

    platform = slapd_ad.sample.group("Engineering Platform")
    expected = {
        dn.normalize(member) for member in platform.members if not member.startswith("CN=WS")
    }
    assert snapshot.groups[dn.normalize(platform.dn)].member_keys == expected
    assert snapshot.warnings == []


def test_partners_read_outside_base(slapd_ad: Company) -> None:
    snapshot = read_directory(ad_settings(slapd_ad, include_nontree_members=True))

    partners = slapd_ad.sample.group("Partners Access")
    assert snapshot.groups[dn.normalize(partners.dn)].member_keys == {
        dn.normalize(member) for member in partners.members
    }
    for partner in slapd_ad.sample.partners:
        assert dn.normalize(partner.dn) in snapshot.users
