"""AD rules on plain values: system groups, foreign principals, primary groups, references."""

from __future__ import annotations

import pytest

from ldap2ts import dn
from ldap2ts.directory import ad
from ldap2ts.model import DirectoryEntry, DirectoryUser

DOMAIN = "DC=corp,DC=example,DC=test"
DOMAIN_SID = "S-1-5-21-1111-2222-3333"
OTHER_DOMAIN_SID = "S-1-5-21-4444-5555-6666"


def entry(entry_dn: str, **attributes: str) -> DirectoryEntry:
    return DirectoryEntry(
        dn=entry_dn,
        dn_key=dn.normalize(entry_dn),
        attributes={name.lower(): (value,) for name, value in attributes.items()},
    )


def user(cn: str, sid: str | None, primary_group_id: str | None) -> DirectoryUser:
    attributes = {}
    if sid is not None:
        attributes["objectSid"] = sid
    if primary_group_id is not None:
        attributes["primaryGroupID"] = primary_group_id
    return DirectoryUser(entry=entry(f"CN={cn},OU=People,{DOMAIN}", **attributes))


# --- System groups -------------------------------------------------------------


@pytest.mark.parametrize(
    ("group_dn", "builtin"),
    [
        (f"CN=Administrators,CN=Builtin,{DOMAIN}", True),
        (f"cn=users,cn=builtin,{DOMAIN.lower()}", True),
        (f"CN=Builtin,{DOMAIN}", False),
        (f"CN=Admins,CN=Builtin,OU=Lab,{DOMAIN}", False),
        (f"CN=Builtin,OU=Groups,{DOMAIN}", False),
        (f"CN=Domain Users,CN=Users,{DOMAIN}", False),
    ],
)
def test_is_builtin(group_dn: str, builtin: bool) -> None:
    assert ad.is_builtin(dn.normalize(group_dn)) is builtin


@pytest.mark.parametrize(
    ("group", "system"),
    [
        (entry(f"CN=Domain Admins,CN=Users,{DOMAIN}", isCriticalSystemObject="TRUE"), True),
        (entry(f"CN=Domain Users,CN=Users,{DOMAIN}", isCriticalSystemObject="true"), True),
        (entry(f"CN=Print Operators,CN=Builtin,{DOMAIN}"), True),
        (entry(f"CN=DnsAdmins,CN=Users,{DOMAIN}", isCriticalSystemObject="FALSE"), False),
        (entry(f"CN=Engineering,OU=Groups,{DOMAIN}"), False),
    ],
)
def test_is_system_group(group: DirectoryEntry, system: bool) -> None:
    assert ad.is_system_group(group) is system


# --- Foreign security principals -------------------------------------------------


@pytest.mark.parametrize(
    ("member_dn", "foreign"),
    [
        (f"CN=S-1-5-11,CN=ForeignSecurityPrincipals,{DOMAIN}", True),
        (f"CN={OTHER_DOMAIN_SID}-1104,CN=ForeignSecurityPrincipals,{DOMAIN}", True),
        (f"CN=ForeignSecurityPrincipals,{DOMAIN}", False),
        (f"CN=Alice,OU=ForeignSecurityPrincipals,{DOMAIN}", False),
        (f"CN=S-1-5-11,CN=ForeignSecurityPrincipals,OU=Lab,{DOMAIN}", False),
        (f"CN=Alice,OU=People,{DOMAIN}", False),
    ],
)
def test_is_foreign_security_principal(member_dn: str, foreign: bool) -> None:
    assert ad.is_foreign_security_principal(dn.normalize(member_dn)) is foreign


def test_foreign_principal_warning_names_sid_and_group() -> None:
    member_dn = f"CN=S-1-5-11,CN=ForeignSecurityPrincipals,{DOMAIN}"
    group_dn = f"CN=Mixed,OU=Groups,{DOMAIN}"

    warning = ad.foreign_principal_warning(member_dn, group_dn)

    assert warning == (
        f"member {member_dn!r} of group {group_dn!r} is a foreign security principal "
        "(SID S-1-5-11, an account of another domain or a well-known group); skipped"
    )


# --- Primary groups ---------------------------------------------------------------


def test_domain_sid_of() -> None:
    assert ad.domain_sid_of(f"{DOMAIN_SID}-1104") == DOMAIN_SID


def test_domain_sid_of_invalid() -> None:
    with pytest.raises(ValueError, match="invalid SID"):
        ad.domain_sid_of("S-1-5-21-x")


def test_primary_group_matched_by_rid() -> None:
    groups = {
        "contractors": entry(f"CN=Contractors,{DOMAIN}", objectSid=f"{DOMAIN_SID}-4119"),
        "domain users": entry(f"CN=Domain Users,{DOMAIN}", objectSid=f"{DOMAIN_SID}-513"),
    }
    users = {
        "grace": user("Grace", f"{DOMAIN_SID}-1105", "4119"),
        "alice": user("Alice", f"{DOMAIN_SID}-1104", "513"),
        "bob": user("Bob", f"{DOMAIN_SID}-1106", "513"),
    }

    members = ad.primary_group_members(users, groups)

    assert members == {"contractors": {"grace"}, "domain users": {"alice", "bob"}}


def test_primary_group_of_other_domain_not_matched() -> None:
    # The same RID in another domain is another group.
    groups = {"domain users": entry(f"CN=Domain Users,{DOMAIN}", objectSid=f"{DOMAIN_SID}-513")}
    users = {"visitor": user("Visitor", f"{OTHER_DOMAIN_SID}-1104", "513")}

    assert ad.primary_group_members(users, groups) == {}


def test_primary_group_outside_read_ignored() -> None:
    groups = {"contractors": entry(f"CN=Contractors,{DOMAIN}", objectSid=f"{DOMAIN_SID}-4119")}
    users = {"alice": user("Alice", f"{DOMAIN_SID}-1104", "513")}

    assert ad.primary_group_members(users, groups) == {}


@pytest.mark.parametrize(
    ("sid", "primary_group_id"),
    [
        (None, "513"),
        (f"{DOMAIN_SID}-1104", None),
        (f"{DOMAIN_SID}-1104", "not-a-number"),
        ("S-1-5-21-x", "513"),
    ],
)
def test_primary_group_needs_valid_attributes(
    sid: str | None, primary_group_id: str | None
) -> None:
    groups = {"domain users": entry(f"CN=Domain Users,{DOMAIN}", objectSid=f"{DOMAIN_SID}-513")}
    users = {"odd": user("Odd", sid, primary_group_id)}

    assert ad.primary_group_members(users, groups) == {}


def test_primary_group_sid_case_ignored() -> None:
    groups = {"domain users": entry(f"CN=Domain Users,{DOMAIN}", objectSid=f"{DOMAIN_SID}-513")}
    users = {"alice": user("Alice", "s-1-5-21-1111-2222-3333-1104", "513")}

    assert ad.primary_group_members(users, groups) == {"domain users": {"alice"}}


# --- Binds -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "logon_name"),
    [
        ("svc-ldap2ts@corp.example.test", True),
        ("CORP\\svc-ldap2ts", True),
        ("CN=ldap2ts Reader,CN=Users,DC=corp,DC=example,DC=test", False),
        ("cn=user@example.com,dc=example,dc=com", False),
        ("a@b@c", False),
        ("@corp.example.test", False),
        ("svc@", False),
        ("CORP\\", False),
        ("svc-ldap2ts", False),
    ],
)
def test_is_logon_name(name: str, logon_name: bool) -> None:
    assert ad.is_logon_name(name) is logon_name


# --- Searches --------------------------------------------------------------------


def test_in_chain_filter_escapes_dn() -> None:
    group_dn = "CN=Sales\\, EMEA (old),OU=Groups,DC=corp,DC=example,DC=test"

    assert ad.in_chain_filter(group_dn) == (
        "(memberOf:1.2.840.113556.1.4.1941:="
        "CN=Sales\\5c, EMEA \\28old\\29,OU=Groups,DC=corp,DC=example,DC=test)"
    )


@pytest.mark.parametrize(
    ("reference", "other_context"),
    [
        ("ldap://corp.example.test/CN=Configuration,DC=corp,DC=example,DC=test", True),
        ("ldaps://corp.example.test/DC=DomainDnsZones,DC=corp,DC=example,DC=test", True),
        ("ldap://corp.example.test/DC=ForestDnsZones,DC=corp,DC=example,DC=test", True),
        ("ldap://child.corp.example.test/DC=child,DC=corp,DC=example,DC=test", True),
        ("ldap://other.example.com/OU=Far,DC=corp,DC=example,DC=test", False),
        ("ldap://other.example.com/", False),
        ("not a URL", False),
    ],
)
def test_is_other_naming_context(reference: str, other_context: bool) -> None:
    assert ad.is_other_naming_context(reference) is other_context
