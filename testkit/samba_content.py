"""The users, groups and OUs that the AD tests, the demo and the benchmark load into Samba.

Everything lives under ``OU=Sync`` below the domain root, so a read based
there returns only these entries, while a read from the domain root also
returns Samba's built-in users, groups and containers. ``populate`` adds the
entries over LDAP as the domain Administrator; the module-level tables are
the expected values the tests compare against.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import ldap
import ldap.dn
import ldap.modlist

from testkit.samba import DEFAULT_REALM

logger = logging.getLogger(__name__)

DOMAIN = DEFAULT_REALM.lower()
"""DNS domain of the UPNs and mail addresses; they match the default realm of SambaDC."""

# userAccountControl values (MS-ADTS 2.2.16).
ACCOUNTDISABLE = 0x2
PASSWD_NOTREQD = 0x20
NORMAL_ACCOUNT = 0x200
WORKSTATION_TRUST_ACCOUNT = 0x1000
DONT_EXPIRE_PASSWORD = 0x10000

ENABLED = NORMAL_ACCOUNT  # 512
DISABLED = NORMAL_ACCOUNT | ACCOUNTDISABLE  # 514
ENABLED_NO_EXPIRY = NORMAL_ACCOUNT | DONT_EXPIRE_PASSWORD  # 66048
DISABLED_NO_EXPIRY = ENABLED_NO_EXPIRY | ACCOUNTDISABLE  # 66050
# Enabled without a password: lets the bulk users be added without password hashing.
ENABLED_NO_PASSWORD = NORMAL_ACCOUNT | PASSWD_NOTREQD  # 544

USER_PASSWORD = "Us3r-Passw0rd"
SYNC_OU = "OU=Sync"
BULK_GROUP = "Bulk Members"
BULK_USERS = 3000
AUTHENTICATED_USERS_SID = "S-1-5-11"


@dataclass(frozen=True, slots=True)
class ADUser:
    cn: str
    sam: str
    upn: str | None
    uac: int
    ou: str = "OU=People"
    """Parent below OU=Sync, or CN=Users (the domain's default container, outside OU=Sync)."""
    display_name: str | None = None
    mail: str | None = None
    primary_group: str | None = None
    """CN of a group in ``GROUPS`` to make the primary group (primaryGroupID)."""

    @property
    def disabled(self) -> bool:
        return bool(self.uac & ACCOUNTDISABLE)

    def dn(self, base_dn: str) -> str:
        parent = self.ou if self.ou == "CN=Users" else f"{self.ou},{SYNC_OU}"
        return f"CN={ldap.dn.escape_dn_chars(self.cn)},{parent},{base_dn}"


@dataclass(frozen=True, slots=True)
class ADGroup:
    cn: str
    users: tuple[str, ...] = ()
    """sAMAccountName of member users."""
    groups: tuple[str, ...] = ()
    """CN of member groups."""
    ou: str = "OU=Groups"
    description: str | None = None

    def dn(self, base_dn: str) -> str:
        return f"CN={ldap.dn.escape_dn_chars(self.cn)},{self.ou},{SYNC_OU},{base_dn}"


def _user(cn: str, sam: str, uac: int = ENABLED, *, upn: bool = True, **extra: Any) -> ADUser:
    return ADUser(
        cn=cn,
        sam=sam,
        upn=f"{sam}@{DOMAIN}" if upn else None,
        uac=uac,
        display_name=extra.pop("display_name", cn),
        mail=extra.pop("mail", f"{sam}@{DOMAIN}"),
        **extra,
    )


USERS: tuple[ADUser, ...] = (
    _user("Alice Archer", "alice"),
    _user("Bob Brown", "bob", DISABLED),
    _user("Carol Clark", "carol", DISABLED_NO_EXPIRY),
    _user("Dave Dunn", "dave", ENABLED_NO_EXPIRY),
    _user("Erin Evans", "erin", upn=False, mail=None),
    _user("Doe, Jane", "jdoe", display_name="Jane Doe"),
    _user("Zoë Çelik", "zcelik"),
    _user("Frank Fox", "frank", ou="OU=Staff,OU=People"),
    _user("Grace Green", "grace", primary_group="Contractors"),
)

GROUPS: tuple[ADGroup, ...] = (
    ADGroup("Engineering", users=("alice", "dave"), groups=("Platform",)),
    ADGroup("Platform", users=("frank",), groups=("SRE",)),
    ADGroup("SRE", users=("erin",)),
    ADGroup("Cycle A", users=("alice",), groups=("Cycle B",)),
    ADGroup("Cycle B", users=("jdoe",), groups=("Cycle A",)),
    ADGroup("Former Staff", users=("bob", "carol")),
    ADGroup("Sales, EMEA", users=("jdoe", "zcelik")),
    ADGroup("Contractors", users=("grace",)),
    ADGroup("Empty Group"),
    ADGroup(BULK_GROUP, ou="OU=Bulk"),
    ADGroup(
        "Mixed",
        users=("zcelik",),
        description="also has Authenticated Users (a foreign security principal)",
    ),
)

SERVICE_ACCOUNT = ADUser(
    cn="ldap2ts Reader", sam="svc-ldap2ts", upn=f"svc-ldap2ts@{DOMAIN}", uac=ENABLED, ou="CN=Users"
)
"""The account ldap2ts binds as: an ordinary domain user outside OU=Sync, with no extra rights."""

COMPUTERS: tuple[str, ...] = ("WS01",)
CONTAINERS: tuple[str, ...] = ("Not A Group",)
"""Plain containers under OU=Sync that a group search must never return."""

ORGANIZATIONAL_UNITS: tuple[str, ...] = (
    "OU=Sync",
    "OU=People,OU=Sync",
    "OU=Staff,OU=People,OU=Sync",
    "OU=Groups,OU=Sync",
    "OU=Bulk,OU=Sync",
    "OU=Computers,OU=Sync",
)


def bulk_users() -> Iterator[ADUser]:
    for index in range(BULK_USERS):
        sam = f"bulk{index:04d}"
        yield ADUser(
            cn=f"Bulk User {index:04d}",
            sam=sam,
            upn=f"{sam}@{DOMAIN}",
            uac=ENABLED_NO_PASSWORD,
            ou="OU=Bulk",
            display_name=f"Bulk User {index:04d}",
        )


def user_by_sam(sam: str) -> ADUser:
    for user in USERS:
        if user.sam == sam:
            return user
    raise KeyError(sam)


def group_by_cn(cn: str) -> ADGroup:
    for group in GROUPS:
        if group.cn == cn:
            return group
    raise KeyError(cn)


def sync_dn(base_dn: str) -> str:
    """Return the DN of the OU that contains every entry this module adds."""
    return f"{SYNC_OU},{base_dn}"


def fsp_dn(base_dn: str, sid: str = AUTHENTICATED_USERS_SID) -> str:
    return f"CN={sid},CN=ForeignSecurityPrincipals,{base_dn}"


# --- Loading ---------------------------------------------------------------------


def populate(connection: Any, base_dn: str) -> None:
    """Add the OUs, users, computers and groups over an Administrator connection."""
    for ou in ORGANIZATIONAL_UNITS:
        name = ou.split(",", 1)[0].split("=", 1)[1]
        _add(connection, f"{ou},{base_dn}", {"objectClass": ["organizationalUnit"], "ou": [name]})
    for container in CONTAINERS:
        _add(connection, f"CN={container},{sync_dn(base_dn)}", {"objectClass": ["container"]})
    for computer in COMPUTERS:
        _add(connection, f"CN={computer},OU=Computers,{sync_dn(base_dn)}", {
            "objectClass": ["computer"],
            "sAMAccountName": [f"{computer}$"],
            "userAccountControl": [str(WORKSTATION_TRUST_ACCOUNT)],
        })  # fmt: skip

    for user in (*USERS, SERVICE_ACCOUNT):
        _add(connection, user.dn(base_dn), _user_attributes(user, password=True))
    _add_many(connection, ((user.dn(base_dn), _user_attributes(user)) for user in bulk_users()))

    for group in GROUPS:
        _add(connection, group.dn(base_dn), {
            "objectClass": ["group"],
            **({"description": [group.description]} if group.description else {}),
        })  # fmt: skip
    for group in GROUPS:
        _add_members(connection, group.dn(base_dn), _member_dns(group, base_dn))

    # AD drops the primary group from the member list once primaryGroupID points at it.
    for user in USERS:
        if user.primary_group is not None:
            rid = group_rid(connection, group_by_cn(user.primary_group).dn(base_dn))
            set_attribute(connection, user.dn(base_dn), "primaryGroupID", str(rid))


def _member_dns(group: ADGroup, base_dn: str) -> list[str]:
    members = [user_by_sam(sam).dn(base_dn) for sam in group.users]
    members += [group_by_cn(cn).dn(base_dn) for cn in group.groups]
    if group.cn == BULK_GROUP:
        members += [user.dn(base_dn) for user in bulk_users()]
    if group.cn == "Mixed":
        members.append(fsp_dn(base_dn))
    return members


def _user_attributes(user: ADUser, *, password: bool = False) -> dict[str, list[str]]:
    attributes = {
        "objectClass": ["user"],
        "sAMAccountName": [user.sam],
        "userAccountControl": [str(user.uac)],
    }
    optional = {"userPrincipalName": user.upn, "displayName": user.display_name, "mail": user.mail}
    attributes.update({name: [value] for name, value in optional.items() if value})
    if password:
        # unicodePwd takes the password in double quotes, UTF-16LE (MS-ADTS 3.1.1.3.1.5.1).
        attributes["unicodePwd"] = [f'"{USER_PASSWORD}"']
    return attributes


def _encode(attributes: dict[str, list[str]]) -> list[tuple[str, list[bytes]]]:
    encoded = []
    for name, values in attributes.items():
        codec = "utf-16-le" if name == "unicodePwd" else "utf-8"
        encoded.append((name, [value.encode(codec) for value in values]))
    return encoded


def _add(connection: Any, dn: str, attributes: dict[str, list[str]]) -> None:
    connection.add_s(dn, _encode(attributes))


def _add_many(connection: Any, entries: Iterable[tuple[str, dict[str, list[str]]]]) -> None:
    """Add entries with up to 64 requests in flight, which is several times faster than add_s."""
    in_flight: list[int] = []
    for dn, attributes in entries:
        in_flight.append(connection.add(dn, _encode(attributes)))
        if len(in_flight) >= 64:
            connection.result(in_flight.pop(0))
    for message_id in in_flight:
        connection.result(message_id)


def _add_members(connection: Any, group_dn: str, member_dns: list[str]) -> None:
    if member_dns:
        values = [dn.encode() for dn in member_dns]
        connection.modify_s(group_dn, [(ldap.MOD_ADD, "member", values)])


# --- Reading and changing a live domain (tests) -----------------------------------


def set_attribute(connection: Any, dn: str, attribute: str, value: str | None) -> None:
    """Replace one attribute of an entry, or delete it when value is None."""
    values = [value.encode()] if value is not None else None
    connection.modify_s(dn, [(ldap.MOD_REPLACE, attribute, values)])


def group_rid(connection: Any, group_dn: str) -> int:
    """Return the relative id of a group: the last sub-authority of its objectSid."""
    result = connection.search_s(group_dn, ldap.SCOPE_BASE, attrlist=["objectSid"])
    sid = result[0][1]["objectSid"][0]
    return int.from_bytes(sid[-4:], "little")
