"""AD behaviour of the directory reader over canned responses.

The server-forced range cases on their own are tested in
tests/unit/directory; these tests combine them with AD specifics.
"""

from __future__ import annotations

from typing import Any

import ldap
import pytest

from ldap2ts import dn
from ldap2ts.directory import ad
from ldap2ts.directory.filters import (
    AD_GROUP_FILTER,
    AD_USER_FILTER,
    OPENLDAP_GROUP_FILTER,
    OPENLDAP_USER_FILTER,
    and_filters,
)
from ldap2ts.directory.plan import plan_read
from ldap2ts.directory.reader import DirectoryReader
from ldap2ts.model import DirectorySnapshot
from ldap2ts.settings import (
    DirectorySettings,
    Flavour,
    LdapSettings,
    NamingSettings,
    NestedGroups,
    Settings,
    ThoughtSpotSettings,
)
from tests.unit.directory.fake_ldap import FakeConnection

DOMAIN = "DC=corp,DC=example,DC=test"
DOMAIN_SID = "S-1-5-21-1111-2222-3333"
BASE = f"OU=Sync,{DOMAIN}"
ENGINEERING = f"CN=Engineering,OU=Groups,{BASE}"
PLATFORM = f"CN=Platform,OU=Groups,{BASE}"
SALES = f"CN=Sales\\, EMEA,OU=Groups,{BASE}"
CONTRACTORS = f"CN=Contractors,OU=Groups,{BASE}"
DOMAIN_USERS = f"CN=Domain Users,CN=Users,{DOMAIN}"
BUILTIN_USERS = f"CN=Users,CN=Builtin,{DOMAIN}"
AUTHENTICATED_USERS = f"CN=S-1-5-11,CN=ForeignSecurityPrincipals,{DOMAIN}"
CONFIGURATION_REFERENCE = f"ldaps://corp.example.test/CN=Configuration,{DOMAIN}"
DNS_ZONE_REFERENCES = [
    f"ldaps://corp.example.test/DC=DomainDnsZones,{DOMAIN}",
    f"ldaps://corp.example.test/DC=ForestDnsZones,{DOMAIN}",
]


def user_dn(number: int, base: str = BASE) -> str:
    return f"CN=User {number},OU=People,{base}"


def user_entry(number: int, primary_rid: int = 513) -> dict[str, list[bytes]]:
    return {
        "cn": [f"User {number}".encode()],
        "sAMAccountName": [f"user{number}".encode()],
        "userAccountControl": [b"512"],
        "objectGUID": [number.to_bytes(16, "little")],
        "objectSid": [ad.sid_to_bytes(f"{DOMAIN_SID}-{2000 + number}")],
        "primaryGroupID": [str(primary_rid).encode()],
    }


def group_entry(
    cn: str, rid: int, members: list[str], **extra: list[bytes]
) -> dict[str, list[bytes]]:
    return {
        "cn": [cn.encode()],
        "objectGUID": [(10_000 + rid).to_bytes(16, "little")],
        "objectSid": [ad.sid_to_bytes(f"{DOMAIN_SID}-{rid}")],
        "member": [member.encode() for member in members],
        **extra,
    }


def settings(
    *,
    base: str = BASE,
    flavour: Flavour = Flavour.AD,
    range_step: int | None = None,
    **directory: Any,
) -> Settings:
    return Settings(
        ldap=LdapSettings(url="ldaps://127.0.0.1:636", range_step=range_step),
        directory=DirectorySettings(flavour=flavour, base_dn=base, **directory),
        naming=NamingSettings(),
        thoughtspot=ThoughtSpotSettings(url="https://127.0.0.1:1", username="tsadmin"),
    )


def domain(users: int = 3, *, group_filter: str = AD_GROUP_FILTER) -> FakeConnection:
    """Return users 0..N-1, Engineering (all of them and Platform), Platform and Contractors.

    Contractors is the primary group of user 0, Domain Users that of the others.
    """
    entries: dict[str, dict[str, list[bytes]]] = {}
    for number in range(users):
        entries[user_dn(number)] = user_entry(number, primary_rid=4119 if number == 0 else 513)
    entries[ENGINEERING] = group_entry(
        "Engineering", 4100, [user_dn(n) for n in range(users)] + [PLATFORM]
    )
    entries[PLATFORM] = group_entry("Platform", 4101, [])
    entries[CONTRACTORS] = group_entry("Contractors", 4119, [])
    entries[AUTHENTICATED_USERS] = {"objectClass": [b"foreignSecurityPrincipal"]}
    results = {
        AD_USER_FILTER: [user_dn(n) for n in range(users)],
        group_filter: [ENGINEERING, PLATFORM, CONTRACTORS],
    }
    return FakeConnection(entries=entries, results=results)


def read(connection: FakeConnection, read_settings: Settings | None = None) -> DirectorySnapshot:
    read_settings = read_settings or settings()
    return DirectoryReader(connection, read_settings, plan_read(read_settings)).read()


def key(text: str) -> str:
    return dn.normalize(text)


def base_reads(connection: FakeConnection) -> list[str]:
    return [call[0] for call in connection.calls if call[1] == ldap.SCOPE_BASE]


# --- Continuation references -----------------------------------------------------


def test_references_to_other_partitions_keep_read_complete() -> None:
    connection = domain()
    references = [CONFIGURATION_REFERENCE, *DNS_ZONE_REFERENCES]
    connection.references = {AD_USER_FILTER: references, AD_GROUP_FILTER: references}

    snapshot = read(connection, settings(base=DOMAIN))

    assert snapshot.complete
    assert snapshot.incomplete_reasons == []
    assert len(snapshot.users) == 3


def test_reference_into_domain_tree_marks_incomplete() -> None:
    far = f"ldap://other.example.com/OU=Far,{DOMAIN}"
    connection = domain()
    connection.references = {AD_USER_FILTER: [CONFIGURATION_REFERENCE, far]}

    snapshot = read(connection, settings(base=DOMAIN))

    assert not snapshot.complete
    assert len(snapshot.incomplete_reasons) == 1
    assert far in snapshot.incomplete_reasons[0]
    assert "CN=Configuration" not in snapshot.incomplete_reasons[0]


def test_openldap_reference_marks_incomplete() -> None:
    # Outside AD, a referral object is a part of the same tree held elsewhere.
    connection = domain(group_filter=OPENLDAP_GROUP_FILTER)
    connection.results[OPENLDAP_USER_FILTER] = connection.results.pop(AD_USER_FILTER)
    connection.references = {OPENLDAP_USER_FILTER: [f"ldap://other.example.com/DC=far,{DOMAIN}"]}

    snapshot = read(connection, settings(flavour=Flavour.OPENLDAP))

    assert not snapshot.complete


# --- Primary groups ------------------------------------------------------------------


def test_primary_groups_off_by_default() -> None:
    snapshot = read(domain())

    assert snapshot.groups[key(CONTRACTORS)].member_keys == frozenset()


def test_primary_group_member_added() -> None:
    snapshot = read(domain(), settings(primary_groups=True))

    assert snapshot.groups[key(CONTRACTORS)].member_keys == {key(user_dn(0))}
    assert snapshot.groups[key(PLATFORM)].member_keys == frozenset()


def test_primary_groups_ignored_on_openldap() -> None:
    connection = domain(group_filter=OPENLDAP_GROUP_FILTER)
    connection.results[OPENLDAP_USER_FILTER] = connection.results.pop(AD_USER_FILTER)

    snapshot = read(connection, settings(flavour=Flavour.OPENLDAP, primary_groups=True))

    assert snapshot.groups[key(CONTRACTORS)].member_keys == frozenset()


def test_primary_group_with_forced_ranges() -> None:
    # 3,000 listed members come back in forced ranges of 1,500 (an empty
    # plain member next to member;range=0-1499, then 1500-*), and a user
    # whose primary group it is, never listed, is added.
    connection = domain(3001)
    members = [user_dn(n) for n in range(1, 3001)]
    connection.entries[CONTRACTORS] = group_entry("Contractors", 4119, members)

    snapshot = read(connection, settings(primary_groups=True))

    assert snapshot.complete, snapshot.incomplete_reasons
    assert snapshot.groups[key(CONTRACTORS)].member_keys == {key(user_dn(n)) for n in range(3001)}
    assert base_reads(connection) == [ENGINEERING, ENGINEERING, CONTRACTORS]


# --- Foreign security principals -------------------------------------------------------


@pytest.mark.parametrize("base", [BASE, DOMAIN], ids=["outside-base", "inside-base"])
def test_foreign_principal_skipped_with_warning(base: str) -> None:
    connection = domain()
    connection.entries[PLATFORM]["member"] = [AUTHENTICATED_USERS.encode(), user_dn(1).encode()]

    snapshot = read(connection, settings(base=base))

    warnings = [warning for warning in snapshot.warnings if "S-1-5-11" in warning]
    assert snapshot.complete
    assert snapshot.groups[key(PLATFORM)].member_keys == {key(user_dn(1))}
    assert warnings == [ad.foreign_principal_warning(AUTHENTICATED_USERS, PLATFORM)]
    assert AUTHENTICATED_USERS not in base_reads(connection)


def test_foreign_principal_in_later_range_skipped() -> None:
    connection = domain(2000)
    members = [user_dn(n) for n in range(2000)] + [AUTHENTICATED_USERS]
    connection.entries[ENGINEERING] = group_entry("Engineering", 4100, members)

    snapshot = read(connection, settings(range_step=1000, include_nontree_members=True))

    assert snapshot.groups[key(ENGINEERING)].member_keys == {key(user_dn(n)) for n in range(2000)}
    assert len([warning for warning in snapshot.warnings if "S-1-5-11" in warning]) == 1


def test_foreign_principal_dn_on_openldap_looked_up() -> None:
    connection = domain(group_filter=OPENLDAP_GROUP_FILTER)
    connection.results[OPENLDAP_USER_FILTER] = connection.results.pop(AD_USER_FILTER)
    connection.entries[PLATFORM]["member"] = [AUTHENTICATED_USERS.encode()]

    snapshot = read(connection, settings(base=DOMAIN, flavour=Flavour.OPENLDAP))

    assert not [warning for warning in snapshot.warnings if "foreign security" in warning]
    assert AUTHENTICATED_USERS in base_reads(connection)


# --- System groups -------------------------------------------------------------------


def system_domain() -> FakeConnection:
    connection = domain()
    connection.entries[DOMAIN_USERS] = group_entry(
        "Domain Users", 513, [], isCriticalSystemObject=[b"TRUE"]
    )
    connection.entries[BUILTIN_USERS] = group_entry("Users", 545, [])
    connection.results[AD_GROUP_FILTER] += [DOMAIN_USERS, BUILTIN_USERS]
    return connection


def test_system_groups_excluded() -> None:
    snapshot = read(system_domain(), settings(base=DOMAIN))

    assert key(DOMAIN_USERS) not in snapshot.groups
    assert key(BUILTIN_USERS) not in snapshot.groups
    assert key(ENGINEERING) in snapshot.groups


def test_system_groups_on_request_with_primary_members() -> None:
    read_settings = settings(base=DOMAIN, exclude_system_groups=False, primary_groups=True)

    snapshot = read(system_domain(), read_settings)

    assert snapshot.groups[key(DOMAIN_USERS)].member_keys == {key(user_dn(1)), key(user_dn(2))}
    assert key(BUILTIN_USERS) in snapshot.groups


# --- In-chain membership -----------------------------------------------------------------


def in_chain(group_dn: str) -> str:
    return and_filters(AD_USER_FILTER, ad.in_chain_filter(group_dn))


def test_in_chain_members_added() -> None:
    connection = domain()
    connection.entries[user_dn(7)] = user_entry(7)
    connection.results[AD_USER_FILTER].append(user_dn(7))
    connection.results[in_chain(PLATFORM)] = [user_dn(7)]
    connection.results[in_chain(ENGINEERING)] = [user_dn(n) for n in (0, 1, 2, 7)]

    snapshot = read(connection, settings(nested_groups=NestedGroups.IN_CHAIN))

    engineering = snapshot.groups[key(ENGINEERING)].member_keys
    assert engineering == {key(user_dn(n)) for n in (0, 1, 2, 7)} | {key(PLATFORM)}
    assert snapshot.groups[key(PLATFORM)].member_keys == {key(user_dn(7))}


def test_in_chain_one_search_per_group() -> None:
    connection = domain()
    connection.results[SALES] = []
    connection.entries[SALES] = group_entry("Sales, EMEA", 4102, [])
    connection.results[AD_GROUP_FILTER].append(SALES)

    read(connection, settings(nested_groups=NestedGroups.IN_CHAIN))

    in_chain_searches = [call for call in connection.calls if ad.IN_CHAIN_RULE in call[2]]
    assert [call[2] for call in in_chain_searches] == [
        in_chain(ENGINEERING), in_chain(PLATFORM), in_chain(CONTRACTORS), in_chain(SALES)
    ]  # fmt: skip
    assert all(call[0] == BASE and call[3] == ["1.1"] for call in in_chain_searches)


def test_in_chain_leaves_out_users_outside_read() -> None:
    connection = domain()
    outside = user_dn(9, base=f"OU=Elsewhere,{DOMAIN}")
    connection.entries[outside] = user_entry(9)
    # A server would not return it under the base DN; the reader must not add it anyway.
    connection.results[in_chain(PLATFORM)] = [outside]

    snapshot = read(connection, settings(nested_groups=NestedGroups.IN_CHAIN))

    assert snapshot.groups[key(PLATFORM)].member_keys == frozenset()
    assert key(outside) not in snapshot.users


def test_in_chain_nontree_searches_naming_context() -> None:
    connection = domain()
    outside = user_dn(9, base=f"OU=Elsewhere,{DOMAIN}")
    connection.entries[outside] = user_entry(9)
    connection.results[in_chain(PLATFORM)] = [outside]
    read_settings = settings(nested_groups=NestedGroups.IN_CHAIN, include_nontree_members=True)

    snapshot = read(connection, read_settings)

    assert snapshot.groups[key(PLATFORM)].member_keys == {key(outside)}
    assert snapshot.users[key(outside)].entry.first("sAMAccountName") == "user9"
    in_chain_bases = {call[0] for call in connection.calls if ad.IN_CHAIN_RULE in call[2]}
    assert in_chain_bases == {DOMAIN}


def test_in_chain_search_limit_marks_incomplete() -> None:
    # A first read finds the number of the first in-chain search: every
    # search here is one result call.
    rehearsal = domain()
    read(rehearsal, settings(nested_groups=NestedGroups.IN_CHAIN))
    first = next(n for n, call in enumerate(rehearsal.calls, 1) if ad.IN_CHAIN_RULE in call[2])
    connection = domain()
    connection.failures = {first: ldap.TIMELIMIT_EXCEEDED({"desc": "Time limit exceeded"})}

    snapshot = read(connection, settings(nested_groups=NestedGroups.IN_CHAIN))

    assert not snapshot.complete
    assert snapshot.incomplete_reasons == [
        f"nested members of {ENGINEERING} search under {BASE!r} stopped after 0 entries: "
        "Time limit exceeded"
    ]
    # The direct members are still there.
    assert key(user_dn(0)) in snapshot.groups[key(ENGINEERING)].member_keys
