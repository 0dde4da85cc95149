"""Active Directory attribute formats: objectGUID, objectSid and userAccountControl.

References: MS-DTYP 2.3.4 (GUID packet layout, the first three fields
little-endian), MS-DTYP 2.4.2 (SID binary layout) and MS-ADTS 2.2.16
(userAccountControl bits).
"""

from __future__ import annotations

import uuid

from ldap.controls import LDAPControl

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
