"""Active Directory specifics of a directory read.

It covers the attribute formats (objectGUID, objectSid, userAccountControl),
logon names used as bind names, and the continuation references that leave
a read complete. It also tells system groups and foreign security
principals apart, and adds primary group membership (primaryGroupID) and
nested membership resolved by the server with the in-chain matching rule.

References for the formats: MS-DTYP 2.3.4 (GUID packet layout, the first
three fields little-endian), MS-DTYP 2.4.2 (SID binary layout) and MS-ADTS
2.2.16 (userAccountControl bits).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING

import ldapurl  # type: ignore[import-untyped]
from ldap.controls import LDAPControl

from ldap2ts import dn as dn_module
from ldap2ts.directory.filters import and_filters
from ldap2ts.directory.members import naming_context
from ldap2ts.directory.search import SearchRequest
from ldap2ts.dn import escape_filter_value
from ldap2ts.model import DirectoryEntry, DirectoryUser
from ldap2ts.settings import Scope

if TYPE_CHECKING:
    from ldap2ts.directory.reader import DirectoryReader

DOMAIN_SCOPE_OID = "1.2.840.113556.1.4.1339"
"""LDAP_SERVER_DOMAIN_SCOPE_OID (MS-ADTS 3.1.1.3.4.1.3): no referrals to other partitions.

Without it, a subtree search at a domain root returns references to the
DomainDnsZones, ForestDnsZones and Configuration partitions, which hold no
users or groups of the domain but would make every such read incomplete.
"""

ACCOUNTDISABLE = 0x0002
WORKSTATION_TRUST_ACCOUNT = 0x1000
SERVER_TRUST_ACCOUNT = 0x2000
INTERDOMAIN_TRUST_ACCOUNT = 0x0800
_MACHINE_ACCOUNT_BITS = WORKSTATION_TRUST_ACCOUNT | SERVER_TRUST_ACCOUNT | INTERDOMAIN_TRUST_ACCOUNT


def guid_to_string(value: bytes) -> str:
    """Return the usual text form of a binary objectGUID.

    AD stores the first three fields little-endian, so the bytes
    ``33 22 11 00 55 44 77 66 88 99 ...`` read as
    ``00112233-4455-6677-8899-...``. Raises ValueError unless there are 16 bytes.
    """
    if len(value) != 16:
        raise ValueError(f"objectGUID must be 16 bytes, got {len(value)}")
    return str(uuid.UUID(bytes_le=value))


def sid_to_string(value: bytes) -> str:
    """Return the ``S-1-5-21-...`` form of a binary objectSid.

    Layout: revision (1 byte), sub-authority count (1 byte), identifier
    authority (6 bytes, big-endian), then that many 32-bit little-endian
    sub-authorities. Raises ValueError when the bytes do not match it.
    """
    if len(value) < 8:
        raise ValueError(f"objectSid must be at least 8 bytes, got {len(value)}")
    revision, count = value[0], value[1]
    if len(value) != 8 + 4 * count:
        raise ValueError(
            f"objectSid with {count} sub-authorities must be {8 + 4 * count} bytes, "
            f"got {len(value)}"
        )
    authority = int.from_bytes(value[2:8], "big")
    subs = [int.from_bytes(value[8 + 4 * i : 12 + 4 * i], "little") for i in range(count)]
    return "-".join(["S", str(revision), str(authority), *map(str, subs)])


def sid_to_bytes(sid: str) -> bytes:
    """Return the binary form of an ``S-R-A-...`` SID string (the inverse of sid_to_string)."""
    parts = sid.split("-")
    if len(parts) < 3 or parts[0].upper() != "S":
        raise ValueError(f"invalid SID {sid!r}: expected S-1-5-21-...")
    revision, authority, *subs = (int(part) for part in parts[1:])
    return (
        bytes([revision, len(subs)])
        + authority.to_bytes(6, "big")
        + b"".join(sub.to_bytes(4, "little") for sub in subs)
    )


def rid_of(sid: str) -> int:
    """Return the relative identifier (last sub-authority) of a SID string."""
    head, _, rid = sid.rpartition("-")
    if not head or not rid.isdigit():
        raise ValueError(f"invalid SID {sid!r}: expected S-1-5-21-...-RID")
    return int(rid)


def parse_account_control(value: str | None) -> int:
    """Return userAccountControl as an int; a missing or non-numeric value gives 0."""
    if value is None:
        return 0
    try:
        return int(value.strip())
    except ValueError:
        return 0


def domain_scope_control() -> LDAPControl:
    """Return the non-critical domain scope control, which servers other than AD ignore."""
    return LDAPControl(DOMAIN_SCOPE_OID, False)


def is_disabled(account_control: int) -> bool:
    return bool(account_control & ACCOUNTDISABLE)


def is_machine_account(account_control: int) -> bool:
    """Tell whether userAccountControl marks a computer, domain controller or trust account."""
    return bool(account_control & _MACHINE_ACCOUNT_BITS)


# --- Binds --------------------------------------------------------------------


def is_logon_name(name: str) -> bool:
    """Tell whether a bind name is an AD logon name rather than a DN.

    AD accepts a simple bind with a user principal name (``user@domain``)
    or a down-level logon name (``DOMAIN\\user``) in place of the DN.
    """
    if "=" in name:
        return False
    user, at, domain = name.partition("@")
    if at:
        return bool(user.strip()) and bool(domain.strip()) and "@" not in domain
    domain, backslash, user = name.partition("\\")
    return bool(backslash) and bool(domain.strip()) and bool(user.strip())


# --- Searches -------------------------------------------------------------------


def is_other_naming_context(reference: str) -> bool:
    """Tell whether a continuation reference points at another AD naming context.

    A domain controller sends one reference for each other naming context
    under the searched tree: the application partitions DomainDnsZones and
    ForestDnsZones, the Configuration partition (with Schema below it), and
    child domains. Their names start with DC= or are CN=Configuration, and
    none of them contains users or groups of the domain being read, so the
    search is complete without them. Any other reference (part of the
    domain's own tree held elsewhere, or an invalid URL) returns False.
    """
    try:
        target = ldapurl.LDAPUrl(reference).dn or ""
    except ValueError:
        return False
    parts = dn_module.try_normalize(target)
    if not parts:
        return False
    first = parts.split(",", 1)[0]
    return first.startswith("dc=") or first == "cn=configuration"


# --- Objects that are not principals of this domain ---------------------------


def _is_directly_under_domain(parts: list[str], container: str) -> bool:
    """Tell whether RDN keys name an entry of ``container``, which sits right under DC= parts."""
    return (
        len(parts) >= 3
        and parts[1] == container
        and all(part.startswith("dc=") for part in parts[2:])
    )


def is_builtin(dn_key: str) -> bool:
    """Tell whether a DN key names an entry of the domain's CN=Builtin container.

    CN=Builtin contains the domain-local groups every AD domain has
    (Administrators, Users, Account Operators, ...), with well-known SIDs
    S-1-5-32-*. Keys separate RDNs by bare commas (values escape theirs).
    """
    return _is_directly_under_domain(dn_key.split(","), "cn=builtin")


def is_system_group(entry: DirectoryEntry) -> bool:
    """Tell whether a group is one of AD's built-in or critical system groups.

    AD marks the groups it cannot work without (Domain Admins, Domain Users,
    Domain Computers, Schema Admins, ...) with isCriticalSystemObject TRUE;
    the built-in local groups live in CN=Builtin.
    """
    critical = (entry.first("isCriticalSystemObject") or "").upper() == "TRUE"
    return critical or is_builtin(entry.dn_key)


def is_foreign_security_principal(dn_key: str) -> bool:
    """Tell whether a DN key names an entry of the domain's CN=ForeignSecurityPrincipals container.

    AD represents a group member from another domain or forest, and a
    well-known SID such as Authenticated Users (S-1-5-11), by an entry there
    named after the SID. It is neither a user nor a group of this domain.
    """
    return _is_directly_under_domain(dn_key.split(","), "cn=foreignsecurityprincipals")


def foreign_principal_warning(member_dn: str, group_dn: str) -> str:
    sid = member_dn.split(",", 1)[0].partition("=")[2]
    return (
        f"member {member_dn!r} of group {group_dn!r} is a foreign security principal "
        f"(SID {sid}, an account of another domain or a well-known group); skipped"
    )


# --- Primary groups ------------------------------------------------------------


def domain_sid_of(sid: str) -> str:
    """Return the SID of the domain a principal's SID belongs to: the SID without its RID."""
    rid_of(sid)
    return sid.rpartition("-")[0]


def primary_group_members(
    users: Mapping[str, DirectoryUser], groups: Mapping[str, DirectoryEntry]
) -> dict[str, set[str]]:
    """Map each group key to the keys of the users whose primary group it is.

    AD never lists a user in the ``member`` attribute of the user's primary
    group (usually Domain Users). The user's primaryGroupID contains that
    group's RID instead: the group is the one whose objectSid is the user's
    domain SID followed by that RID. Users and groups without the needed
    attributes are left out.
    """
    groups_by_sid: dict[str, str] = {}
    for group_key, entry in groups.items():
        sid = entry.first("objectSid")
        if sid:
            groups_by_sid[sid.upper()] = group_key

    members: dict[str, set[str]] = {}
    for user_key, user in users.items():
        user_sid = user.entry.first("objectSid")
        primary_rid = user.entry.first("primaryGroupID")
        if not user_sid or not primary_rid or not primary_rid.strip().isdigit():
            continue
        try:
            group_sid = f"{domain_sid_of(user_sid)}-{int(primary_rid)}".upper()
        except ValueError:
            continue
        primary_key = groups_by_sid.get(group_sid)
        if primary_key is not None:
            members.setdefault(primary_key, set()).add(user_key)
    return members


# --- Nested membership resolved by the server -------------------------------------

IN_CHAIN_RULE = "1.2.840.113556.1.4.1941"
"""LDAP_MATCHING_RULE_IN_CHAIN: matches through any depth of nested groups (AD, Samba)."""


def in_chain_filter(group_dn: str) -> str:
    """Return a filter for the entries that are members of a group directly or through nesting."""
    return f"(memberOf:{IN_CHAIN_RULE}:={escape_filter_value(group_dn)})"


def read_in_chain_members(reader: DirectoryReader) -> dict[str, set[str]]:
    """Ask the server for every user in each group read, through any depth of nesting.

    Returns user keys by group key. This runs one paged search per group, so
    it is slow on large directories, but it finds members through nested
    groups that the group filter or the base DN leaves out of the read. The
    searches use the user filter under the base DN, or under the whole naming
    context with ``include_nontree_members``, where users found outside the
    read are added to it. A search that ends early marks the read incomplete.
    """
    plan = reader.plan
    base, scope, attributes = plan.base, plan.scope.value, ["1.1"]
    if plan.include_nontree_members:
        base, scope, attributes = naming_context(plan.base), Scope.SUB.value, plan.user_attributes

    members: dict[str, set[str]] = {}
    for done, (group_key, entry) in enumerate(list(reader.group_entries.items()), start=1):
        request = SearchRequest(
            f"nested members of {entry.dn}",
            base,
            scope,
            and_filters(plan.filters.users, in_chain_filter(entry.dn)),
            attributes,
            reader.search_controls(),
        )
        found: set[str] = set()
        for dn, raw in reader.paged(request):
            user_key = dn_module.try_normalize(dn)
            if user_key is None:
                continue
            if user_key not in reader.snapshot.users and plan.include_nontree_members:
                reader.add_user(dn, raw)
            found.add(user_key)
        members[group_key] = found
        if reader.progress is not None:
            reader.progress("nested members", done)
    return members
