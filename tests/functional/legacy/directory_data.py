"""Small directories for the legacy tests, with the names the legacy rules give them.

``ad_ldif()`` is Active Directory shaped, for slapd with OpenLDAP's msuser
schema: ``user`` and ``group`` entries with sAMAccountName,
userPrincipalName and userAccountControl, plus the entries that ldap2ts
leaves out on purpose (a disabled account, a computer account, a critical
system group). ``openldap_ldif()`` is plain OpenLDAP: inetOrgPerson users and
groupOfNames groups.
"""

from __future__ import annotations

import hashlib
import io

import ldif

SUFFIX = "DC=example,DC=com"
PEOPLE = f"OU=People,{SUFFIX}"
GROUPS = f"OU=Groups,{SUFFIX}"
PARTNERS = f"OU=Partners,{SUFFIX}"

NORMAL_ACCOUNT = 512
DISABLED_ACCOUNT = 514
WORKSTATION_ACCOUNT = 4096

JOHN = f"CN=John Doe,{PEOPLE}"
MARY = f"CN=Mary Major,{PEOPLE}"
LENA = f"CN=Lena Nowak,{PEOPLE}"
DAN = f"CN=Dan Disabled,{PEOPLE}"
BACKSLASH = f"CN=Back\\\\Slash,{PEOPLE}"
WORKSTATION = f"CN=WS01,{PEOPLE}"
PAT = f"CN=Pat Partner,{PARTNERS}"

SALES = f"CN=Sales,{GROUPS}"
SALES_EU = f"CN=Sales EU,{GROUPS}"
RND = f"CN=R&D\\, Europe,{GROUPS}"
DOMAIN_ADMINS = f"CN=Domain Admins,{GROUPS}"

# Names by the legacy rules for a sync of the whole domain (base DN DC=example,DC=com).
# Group names keep the attribute types in the case the server returns them:
# slapd returns the schema's names (cn, ou), Active Directory returns CN and OU.
# ThoughtSpot compares names ignoring case, so both spellings are one group.
GROUP_NAMES = {
    SALES: "cn=Sales.ou=Groups@example.com",
    SALES_EU: "cn=Sales EU.ou=Groups@example.com",
    RND: "cn=R&D\\, Europe.ou=Groups@example.com",
}
AD_SPELLING = {
    SALES: "CN=Sales.OU=Groups@example.com",
    SALES_EU: "CN=Sales EU.OU=Groups@example.com",
    RND: "CN=R&D\\, Europe.OU=Groups@example.com",
}
UPN_NAMES = {
    JOHN: "jdoe@example.com",
    MARY: "mary.major@example.com",
    LENA: "lnowak@example.com",
    BACKSLASH: "bslash@example.com",
    PAT: "ppartner@example.com",
}
SAM_NAMES = {
    JOHN: "jdoe@example.com",
    MARY: "mmajor@example.com",
    LENA: "lnowak@example.com",
    BACKSLASH: "bslash@example.com",
    PAT: "ppartner@example.com",
}
LEFT_OUT = ("ddan", "WS01$", "Domain Admins")
"""Parts of names that must never reach ThoughtSpot: disabled, computer, system group."""


def _text(*values: str) -> list[bytes]:
    return [value.encode("utf-8") for value in values]


def _ad_common(dn: str, category: str) -> dict[str, list[bytes]]:
    return {
        "objectCategory": _text(f"CN={category},CN=Schema,CN=Configuration,{SUFFIX}"),
        "instanceType": _text("4"),
        "nTSecurityDescriptor": [b"\x01\x00\x04\x80"],
        "objectGUID": [hashlib.sha256(dn.lower().encode()).digest()[:16]],
    }


def _ad_user(dn: str, cn: str, sam: str, *, upn: str | None, control: int = NORMAL_ACCOUNT,
             computer: bool = False) -> tuple[str, dict[str, list[bytes]]]:  # fmt: skip
    classes = ["top", "person", "organizationalPerson", "user", "extensibleObject"]
    if computer:
        classes.append("computer")
    attributes = {
        "objectClass": _text(*classes),
        "cn": _text(cn),
        "sn": _text(cn.split()[-1]),
        "name": _text(cn),
        "sAMAccountName": _text(sam),
        "userAccountControl": _text(str(control)),
        **_ad_common(dn, "Computer" if computer else "Person"),
    }
    if not computer:
        attributes["displayName"] = _text(cn)
        attributes["mail"] = _text(f"{sam}@mail.example.com")
    if upn:
        attributes["userPrincipalName"] = _text(upn)
    return dn, attributes


def _ad_group(dn: str, cn: str, members: list[str], *, system: bool = False,
              display_name: str | None = None) -> tuple[str, dict[str, list[bytes]]]:  # fmt: skip
    attributes = {
        "objectClass": _text("top", "group", "extensibleObject"),
        "cn": _text(cn),
        "name": _text(cn),
        "sAMAccountName": _text(cn),
        "groupType": _text("-2147483646"),
        "member": _text(*members),
        **_ad_common(dn, "Group"),
    }
    if display_name:
        attributes["displayName"] = _text(display_name)
    if system:
        attributes["isCriticalSystemObject"] = _text("TRUE")
    return dn, attributes


def _units(*names: str) -> list[tuple[str, dict[str, list[bytes]]]]:
    return [
        (f"OU={name},{SUFFIX}", {"objectClass": _text("organizationalUnit"), "ou": _text(name)})
        for name in names
    ]


def _render(entries: list[tuple[str, dict[str, list[bytes]]]]) -> str:
    out = io.StringIO()
    writer = ldif.LDIFWriter(out)
    for dn, attributes in entries:
        writer.unparse(dn, attributes)
    return out.getvalue()


def ad_ldif() -> str:
    """Return the Active Directory shaped LDIF (msuser schema) under DC=example,DC=com."""
    entries = [
        *_units("People", "Groups", "Partners"),
        _ad_user(JOHN, "John Doe", "jdoe", upn="jdoe@example.com"),
        _ad_user(MARY, "Mary Major", "mmajor", upn="mary.major@example.com"),
        _ad_user(LENA, "Lena Nowak", "lnowak", upn=None),
        _ad_user(DAN, "Dan Disabled", "ddan", upn="ddan@example.com", control=DISABLED_ACCOUNT),
        _ad_user(BACKSLASH, "Back\\Slash", "bslash", upn="bslash@example.com"),
        _ad_user(
            WORKSTATION, "WS01", "WS01$", upn=None, control=WORKSTATION_ACCOUNT, computer=True
        ),  # fmt: skip
        _ad_user(PAT, "Pat Partner", "ppartner", upn="ppartner@example.com"),
        _ad_group(SALES, "Sales", [JOHN, MARY, SALES_EU, PAT, WORKSTATION]),
        _ad_group(SALES_EU, "Sales EU", [LENA, DAN]),
        _ad_group(RND, "R&D, Europe", [BACKSLASH, JOHN], display_name="R&D Europe"),
        _ad_group(DOMAIN_ADMINS, "Domain Admins", [JOHN], system=True),
    ]
    return _render(entries)


# --- OpenLDAP ---------------------------------------------------------------

OPENLDAP_GROUP_NAMES = {
    f"cn=staff,ou=Groups,{SUFFIX.lower()}": "cn=staff.ou=Groups@example.com",
    f"cn=admins,ou=Groups,{SUFFIX.lower()}": "cn=admins.ou=Groups@example.com",
}
OPENLDAP_USERS = ("jjenkins", "kfrost", "lwu")


def openldap_ldif() -> str:
    """Return an OpenLDAP LDIF: inetOrgPerson users and groupOfNames groups (one nested)."""
    suffix = SUFFIX.lower()
    people, groups = f"ou=People,{suffix}", f"ou=Groups,{suffix}"
    entries: list[tuple[str, dict[str, list[bytes]]]] = [
        (people, {"objectClass": _text("organizationalUnit"), "ou": _text("People")}),
        (groups, {"objectClass": _text("organizationalUnit"), "ou": _text("Groups")}),
    ]
    for uid, full_name in zip(OPENLDAP_USERS, ("Jo Jenkins", "Kim Frost", "Li Wu"), strict=True):
        entries.append((f"uid={uid},{people}", {
            "objectClass": _text("inetOrgPerson"),
            "uid": _text(uid),
            "cn": _text(full_name),
            "sn": _text(full_name.split()[-1]),
            "displayName": _text(full_name),
            "mail": _text(f"{uid}@example.com"),
        }))  # fmt: skip
    entries.append((f"cn=admins,{groups}", {
        "objectClass": _text("groupOfNames"),
        "cn": _text("admins"),
        "member": _text(f"uid=lwu,{people}"),
    }))  # fmt: skip
    entries.append((f"cn=staff,{groups}", {
        "objectClass": _text("groupOfNames"),
        "cn": _text("staff"),
        "member": _text(f"uid=jjenkins,{people}", f"uid=kfrost,{people}", f"cn=admins,{groups}"),
    }))  # fmt: skip
    return _render(entries)
