"""A seeded "sample company" directory, as LDIF, for the demo and the functional tests.

The same seed always gives the same entries. The company has a few hundred
users with unicode names, dozens of groups nested up to three levels
(All Staff > departments > teams), names whose DNs need escaping (``,``,
``+``, ``\\``, ``#``, ``"``, ``;``, a multi-valued RDN), and partners who
live outside the company's base DN but belong to one of its groups.

Two shapes share that content:

- ``openldap_company``: inetOrgPerson users and groupOfNames groups under
  ``ou=Corp,dc=example,dc=com``;
- ``ad_company``: Active Directory classes from OpenLDAP's msuser schema
  (user, group, computer, sAMAccountName, userPrincipalName, objectGUID,
  objectSid, userAccountControl) under ``OU=Lab,DC=lab,DC=example,DC=com``,
  with disabled accounts, computer accounts and a critical system group.
"""

from __future__ import annotations

import hashlib
import io
import random
import unicodedata
from dataclasses import dataclass, field

import ldif  # type: ignore[import-untyped]
from ldap.dn import escape_dn_chars

FIRST_NAMES = (
    "Alice", "Bob", "Chloé", "Dmitri", "Émile", "Fatima", "Gunnar", "Hélène", "Ines", "José",
    "Kai", "Łukasz", "Maëlle", "Noah", "Ólafur", "Priya", "Quentin", "Renée", "Søren", "Tomás",
    "Uma", "Václav", "Wen", "Xavier", "Yūki", "Zoë", "Ægir", "Björk", "Çağla", "Đorđe",
)  # fmt: skip
LAST_NAMES = (
    "Andersen", "Brontë", "Castañeda", "Dvořák", "Eriksson", "Fernández", "García", "Höffner",
    "Ivanova", "Jäger", "Kowalczyk", "Lindqvist", "Müller", "Nakamura", "O'Neill", "Petrović",
    "Quiñones", "Rossi", "Schröder", "Tanaka", "Urquhart", "Varga", "Wójcik", "Xu", "Yılmaz",
    "Zielińska",
)  # fmt: skip
DEPARTMENTS = {
    "Engineering": ("Platform", "Mobile", "Data", "Security"),
    "Sales": ("EMEA", "Americas", "APAC"),
    "Marketing": ("Brand", "Growth"),
    "Finance": ("Accounting", "Payroll"),
    "Human Resources": ("Recruiting", "People Ops"),
    "Support": ("Tier 1", "Tier 2"),
    "R&D, Europe": ('Lab "North"', "Lab #2"),
    "Legal; Compliance": ("Contracts",),
    "Operations + Facilities": ("Café Crew", "Ünïcödé Team"),
}
"""Departments and their teams; several names need escaping in a DN."""

TRICKY_PEOPLE = (
    ("Smith, John", "jsmith"),
    ("Ann+Bob Duo", "annbob"),
    ("Back\\Slash", "backslash"),
    ("#Hash Tag", "hashtag"),
    ('Quote "Q" Person', "qperson"),
    ("Semi;Colon", "semicolon"),
    ("<Angle> Brackets", "angle"),
    ("Zoë Ōta-Łęcka", "zota"),
    ("王 伟", "wangwei"),
    ("Иван Петров", "ipetrov"),
)
"""Users whose cn needs escaping or is not Latin, with the uid they get."""


@dataclass(slots=True)
class SampleUser:
    dn: str
    cn: str
    uid: str
    given_name: str
    surname: str
    mail: str
    disabled: bool = False
    computer: bool = False

    @property
    def display_name(self) -> str:
        return self.cn


@dataclass(slots=True)
class SampleGroup:
    dn: str
    cn: str
    members: list[str] = field(default_factory=list)
    """Member DNs, users and groups, as written in the LDIF."""
    system: bool = False


@dataclass(slots=True)
class SampleDirectory:
    """The entries of a sample company and the LDIF that loads them."""

    suffix: str
    base: str
    """The company's base DN; partners live outside it."""
    containers: list[tuple[str, dict[str, list[bytes]]]]
    users: list[SampleUser]
    groups: list[SampleGroup]
    partners: list[SampleUser]
    ldif: str = ""

    def user(self, uid: str) -> SampleUser:
        for user in [*self.users, *self.partners]:
            if user.uid == uid:
                return user
        raise KeyError(uid)

    def group(self, cn: str) -> SampleGroup:
        for group in self.groups:
            if group.cn == cn:
                return group
        raise KeyError(cn)


def _ascii_slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if char.isascii() and char.isalnum()).lower()


def _people(rng: random.Random, count: int) -> list[tuple[str, str, str, str]]:
    """Return (cn, uid, given name, surname) for ``count`` users, tricky ones first."""
    people: list[tuple[str, str, str, str]] = []
    used: set[str] = set()
    for cn, uid in TRICKY_PEOPLE[:count]:
        if ", " in cn:
            surname, _, given = cn.partition(", ")
        else:
            given, _, surname = cn.partition(" ")
        people.append((cn, uid, given or cn, surname or cn))
        used.add(uid)
    while len(people) < count:
        given, surname = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        base_uid = (_ascii_slug(given)[:1] + _ascii_slug(surname))[:16] or "user"
        uid, number = base_uid, 1
        while uid in used:
            number += 1
            uid = f"{base_uid}{number}"
        used.add(uid)
        cn = f"{given} {surname}" if number == 1 else f"{given} {surname} {number}"
        people.append((cn, uid, given, surname))
    return people


def _layout(
    rng: random.Random, user_dns: list[str], group_dn: dict[str, str]
) -> dict[str, list[str]]:
    """Return member DNs by group cn: users in teams, teams in departments, all in All Staff."""
    members: dict[str, list[str]] = {cn: [] for cn in group_dn}
    teams = [f"{dept} {team}" for dept, names in DEPARTMENTS.items() for team in names]
    for index, dn in enumerate(user_dns):
        members[teams[index % len(teams)]].append(dn)
        if rng.random() < 0.15:
            members[rng.choice(teams)].append(dn)
    for dept, names in DEPARTMENTS.items():
        members[dept] = [group_dn[f"{dept} {team}"] for team in names]
        members[dept].append(rng.choice(user_dns))
    members["All Staff"] = [group_dn[dept] for dept in DEPARTMENTS]
    members["Managers"] = sorted(set(rng.sample(user_dns, 12)))
    members["Nested Managers"] = [group_dn["Managers"], rng.choice(user_dns)]
    for cn in members:
        members[cn] = list(dict.fromkeys(members[cn]))
    return members


GROUP_NAMES = (
    *DEPARTMENTS,
    *(f"{dept} {team}" for dept, teams in DEPARTMENTS.items() for team in teams),
    "All Staff",
    "Managers",
    "Nested Managers",
    "Partners Access",
)


def _writer() -> tuple[io.StringIO, ldif.LDIFWriter]:
    out = io.StringIO()
    return out, ldif.LDIFWriter(out, cols=10_000)


def _text(*values: str) -> list[bytes]:
    return [value.encode("utf-8") for value in values]


def openldap_company(
    *, seed: int = 2026, users: int = 300, partners: int = 8, suffix: str = "dc=example,dc=com"
) -> SampleDirectory:
    """Return the OpenLDAP shape of the sample company (inetOrgPerson, groupOfNames)."""
    rng = random.Random(seed)
    base = f"ou=Corp,{suffix}"
    people_ou, groups_ou = f"ou=People,{base}", f"ou=Groups,{base}"
    partners_ou = f"ou=Partners,{suffix}"
    domain = ".".join(part.split("=", 1)[1] for part in suffix.split(","))

    def make_user(cn: str, uid: str, given: str, surname: str, ou: str) -> SampleUser:
        return SampleUser(
            dn=f"cn={escape_dn_chars(cn)},{ou}",
            cn=cn, uid=uid, given_name=given, surname=surname, mail=f"{uid}@{domain}",
        )  # fmt: skip

    staff = [make_user(*person, people_ou) for person in _people(rng, users)]
    # A multi-valued RDN, which Active Directory does not allow but OpenLDAP does.
    staff.append(
        SampleUser(
            dn=f"cn=Multi Value+uid=mvalue,{people_ou}",
            cn="Multi Value",
            uid="mvalue",
            given_name="Multi",
            surname="Value",
            mail=f"mvalue@{domain}",
        )  # fmt: skip
    )
    outside = [
        make_user(f"Partner {n}", f"partner{n}", "Partner", str(n), partners_ou)
        for n in range(1, partners + 1)
    ]
    group_dn = {cn: f"cn={escape_dn_chars(cn)},{groups_ou}" for cn in GROUP_NAMES}
    members = _layout(rng, [user.dn for user in staff], group_dn)
    members["Partners Access"] = [user.dn for user in outside] + [staff[0].dn]
    groups = [SampleGroup(dn=group_dn[cn], cn=cn, members=members[cn]) for cn in GROUP_NAMES]
    containers = [
        (f"{dn}", {"objectClass": _text("organizationalUnit"), "ou": _text(name)})
        for dn, name in (
            (base, "Corp"), (people_ou, "People"), (groups_ou, "Groups"),
            (partners_ou, "Partners"),
        )
    ]  # fmt: skip
    directory = SampleDirectory(suffix, base, containers, staff, groups, outside)
    directory.ldif = openldap_ldif(directory)
    return directory


def bulk_ldif(parent: str, count: int, *, prefix: str = "bulk") -> str:
    """Return LDIF for an organizational unit ``parent`` with ``count`` inetOrgPerson users.

    Users are ``uid=PREFIX00000`` and up; the unit itself comes first.
    """
    out, writer = _writer()
    name = parent.split(",", 1)[0].split("=", 1)[1]
    writer.unparse(parent, {"objectClass": _text("organizationalUnit"), "ou": _text(name)})
    for number in range(count):
        uid = f"{prefix}{number:05d}"
        writer.unparse(
            f"uid={uid},{parent}",
            {
                "objectClass": _text("inetOrgPerson"),
                "uid": _text(uid),
                "cn": _text(f"Bulk User {number}"),
                "sn": _text("User"),
                "mail": _text(f"{uid}@example.com"),
            },
        )
    return out.getvalue()


def openldap_ldif(directory: SampleDirectory) -> str:
    out, writer = _writer()
    for dn, attributes in directory.containers:
        writer.unparse(dn, attributes)
    for user in [*directory.users, *directory.partners]:
        writer.unparse(user.dn, openldap_user(user))
    for group in directory.groups:
        writer.unparse(group.dn, openldap_group(group))
    return out.getvalue()


def openldap_user(user: SampleUser) -> dict[str, list[bytes]]:
    return {
        "objectClass": _text("inetOrgPerson"),
        "cn": _text(user.cn),
        "sn": _text(user.surname),
        "givenName": _text(user.given_name),
        "uid": _text(user.uid),
        "mail": _text(user.mail),
        "displayName": _text(user.display_name),
    }


def openldap_group(group: SampleGroup) -> dict[str, list[bytes]]:
    return {
        "objectClass": _text("groupOfNames"),
        "cn": _text(group.cn),
        "member": _text(*group.members),
    }


# --- Active Directory shape ---------------------------------------------------

DOMAIN_SID = "S-1-5-21-1004336348-1177238915-682003330"
NORMAL_ACCOUNT = 0x0200
ACCOUNTDISABLE = 0x0002
WORKSTATION_TRUST_ACCOUNT = 0x1000


def guid_for(dn: str) -> bytes:
    """Return a stable 16-byte objectGUID for a DN (the same DN always gets the same GUID)."""
    return hashlib.sha256(dn.lower().encode("utf-8")).digest()[:16]


def sid_for(rid: int) -> bytes:
    """Return the binary objectSid of the sample domain with this RID."""
    parts = [int(part) for part in DOMAIN_SID.split("-")[1:]] + [rid]
    revision, authority, *subs = parts
    return (
        bytes([revision, len(subs)])
        + authority.to_bytes(6, "big")
        + b"".join(sub.to_bytes(4, "little") for sub in subs)
    )


def ad_company(
    *,
    seed: int = 2026,
    users: int = 300,
    partners: int = 8,
    computers: int = 4,
    suffix: str = "DC=lab,DC=example,DC=com",
) -> SampleDirectory:
    """Return the Active Directory shape of the sample company (msuser schema)."""
    rng = random.Random(seed)
    base = f"OU=Lab,{suffix}"
    people_ou, groups_ou = f"OU=People,{base}", f"OU=Groups,{base}"
    computers_ou, partners_ou = f"OU=Computers,{base}", f"OU=Partners,{suffix}"
    domain = ".".join(part.split("=", 1)[1] for part in suffix.split(","))

    def make_user(cn: str, uid: str, given: str, surname: str, ou: str) -> SampleUser:
        return SampleUser(
            dn=f"CN={escape_dn_chars(cn)},{ou}",
            cn=cn, uid=uid[:20], given_name=given, surname=surname, mail=f"{uid}@{domain}",
        )  # fmt: skip

    staff = [make_user(*person, people_ou) for person in _people(rng, users)]
    for user in rng.sample(staff[len(TRICKY_PEOPLE) :], max(1, users // 30)):
        user.disabled = True
    outside = [
        make_user(f"Partner {n}", f"partner{n}", "Partner", str(n), partners_ou)
        for n in range(1, partners + 1)
    ]
    machines = [
        SampleUser(
            dn=f"CN=WS{n:02d},{computers_ou}",
            cn=f"WS{n:02d}",
            uid=f"WS{n:02d}$",
            given_name="",
            surname=f"WS{n:02d}",
            mail="",
            computer=True,
        )  # fmt: skip
        for n in range(1, computers + 1)
    ]
    group_dn = {cn: f"CN={escape_dn_chars(cn)},{groups_ou}" for cn in GROUP_NAMES}
    members = _layout(rng, [user.dn for user in staff], group_dn)
    members["Partners Access"] = [user.dn for user in outside] + [staff[0].dn]
    members["Engineering Platform"] += [machine.dn for machine in machines[:2]]
    groups = [SampleGroup(dn=group_dn[cn], cn=cn, members=members[cn]) for cn in GROUP_NAMES]
    admins = SampleGroup(
        dn=f"CN=Domain Admins,{groups_ou}", cn="Domain Admins", members=[staff[1].dn], system=True
    )
    groups.append(admins)
    containers = [
        (dn, {"objectClass": _text("organizationalUnit"), "ou": _text(name)})
        for dn, name in (
            (base, "Lab"), (people_ou, "People"), (groups_ou, "Groups"),
            (computers_ou, "Computers"), (partners_ou, "Partners"),
        )
    ]  # fmt: skip
    directory = SampleDirectory(suffix, base, containers, staff + machines, groups, outside)
    directory.ldif = ad_ldif(directory, domain)
    return directory


def ad_ldif(directory: SampleDirectory, domain: str) -> str:
    out, writer = _writer()
    for dn, attributes in directory.containers:
        writer.unparse(dn, attributes)
    rid = 1100
    for user in [*directory.users, *directory.partners]:
        rid += 1
        writer.unparse(user.dn, ad_user(user, directory.suffix, domain, rid))
    for group in directory.groups:
        rid += 1
        writer.unparse(group.dn, ad_group(group, directory.suffix, rid))
    return out.getvalue()


def _ad_common(dn: str, suffix: str, category: str, rid: int) -> dict[str, list[bytes]]:
    # No class of the msuser schema allows objectSid, so entries add
    # extensibleObject (RFC 4512), which allows any attribute.
    return {
        "objectCategory": _text(f"CN={category},CN=Schema,CN=Configuration,{suffix}"),
        "instanceType": _text("4"),
        "nTSecurityDescriptor": [b"\x01\x00\x04\x80"],
        "objectGUID": [guid_for(dn)],
        "objectSid": [sid_for(rid)],
    }


def ad_user(user: SampleUser, suffix: str, domain: str, rid: int) -> dict[str, list[bytes]]:
    control = NORMAL_ACCOUNT | (ACCOUNTDISABLE if user.disabled else 0)
    classes = ["top", "person", "organizationalPerson", "user", "extensibleObject"]
    if user.computer:
        control = WORKSTATION_TRUST_ACCOUNT
        classes.append("computer")
    attributes = {
        "objectClass": _text(*classes),
        "cn": _text(user.cn),
        "sn": _text(user.surname),
        "sAMAccountName": _text(user.uid),
        "userAccountControl": _text(str(control)),
        "name": _text(user.cn),
        **_ad_common(user.dn, suffix, "Computer" if user.computer else "Person", rid),
    }
    if not user.computer:
        attributes["givenName"] = _text(user.given_name)
        attributes["displayName"] = _text(user.display_name)
        attributes["mail"] = _text(user.mail)
        attributes["userPrincipalName"] = _text(f"{user.uid}@{domain}")
    return attributes


def ad_group(group: SampleGroup, suffix: str, rid: int) -> dict[str, list[bytes]]:
    attributes = {
        "objectClass": _text("top", "group", "extensibleObject"),
        "cn": _text(group.cn),
        "name": _text(group.cn),
        "sAMAccountName": _text(group.cn[:20]),
        "groupType": _text("-2147483646"),
        "member": _text(*group.members),
        **_ad_common(group.dn, suffix, "Group", rid),
    }
    if group.system:
        attributes["isCriticalSystemObject"] = _text("TRUE")
    return attributes
