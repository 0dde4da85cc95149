"""Turn raw search results into DirectoryEntry objects, keeping only what the sync needs."""

from __future__ import annotations

import base64
import logging
import string
import sys
from collections.abc import Iterable

from ldap2ts import dn as dn_module
from ldap2ts.directory import ad
from ldap2ts.model import DirectoryEntry
from ldap2ts.settings import Flavour, Settings

logger = logging.getLogger(__name__)

RawAttributes = dict[str, list[bytes]]

COMMON_ATTRIBUTES = ("cn", "uid", "mail", "displayName", "name")
AD_ATTRIBUTES = ("sAMAccountName", "userPrincipalName", "objectGUID", "objectSid")
AD_USER_ATTRIBUTES = ("userAccountControl",)
AD_GROUP_ATTRIBUTES = ("isCriticalSystemObject",)
OPENLDAP_ATTRIBUTES = ("entryUUID",)
_BINARY = frozenset({"objectguid", "objectsid"})
"""Attributes whose values are binary and decoded to their text forms."""


def template_fields(template: str | None) -> list[str]:
    """Return the attribute names a naming template such as ``{uid}@example.com`` refers to."""
    if not template:
        return []
    fields = []
    for _, field_name, _, _ in string.Formatter().parse(template):
        if field_name:
            fields.append(field_name.split(".", 1)[0].split("[", 1)[0])
    return fields


def _unique(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        if name and name.lower() not in seen:
            seen[name.lower()] = name
    return list(seen.values())


def user_attributes(settings: Settings) -> list[str]:
    """Return the attributes to read for users: identifiers, names, mail, anchor, extras."""
    naming = settings.naming
    names = [
        *COMMON_ATTRIBUTES,
        naming.user_identifier,
        naming.email_attribute,
        naming.user_display_name_attribute,
        *template_fields(naming.user_name_template),
        *settings.directory.extra_attributes,
    ]
    if settings.directory.flavour is Flavour.AD:
        names += [*AD_ATTRIBUTES, *AD_USER_ATTRIBUTES]
        if settings.directory.primary_groups:
            names.append("primaryGroupID")
    else:
        names += [*OPENLDAP_ATTRIBUTES, "sAMAccountName", "userPrincipalName"]
    return _unique(names)


def group_attributes(settings: Settings) -> list[str]:
    """Return the attributes to read for groups, without the member attribute."""
    naming = settings.naming
    names = [
        *COMMON_ATTRIBUTES,
        naming.group_display_name_attribute,
        *template_fields(naming.group_name_template),
        *settings.directory.extra_attributes,
    ]
    if settings.directory.flavour is Flavour.AD:
        names += [*AD_ATTRIBUTES, *AD_GROUP_ATTRIBUTES]
    else:
        names += [*OPENLDAP_ATTRIBUTES]
    return _unique(names)


class EntryBuilder:
    """Decode raw attributes into a DirectoryEntry; binary AD attributes become their text forms."""

    def __init__(self, flavour: Flavour, skip: Iterable[str] = ()) -> None:
        self.flavour = flavour
        self.skip = {name.lower() for name in skip}
        self._undecodable: set[str] = set()
        self._names: dict[str, str] = {}

    def build(self, dn: str, raw: RawAttributes) -> DirectoryEntry:
        attributes: dict[str, tuple[str, ...]] = {}
        for description, values in raw.items():
            name = self._names.get(description)
            if name is None:
                # One shared lower-case string per attribute name, not one per entry.
                name = self._names.setdefault(description, sys.intern(description.lower()))
            if name in self.skip or ";range=" in name:
                continue
            if name in _BINARY:
                attributes[name] = tuple(self._decode_binary(dn, name, value) for value in values)
                continue
            try:
                attributes[name] = tuple(value.decode("utf-8") for value in values)
            except UnicodeDecodeError:
                attributes[name] = tuple(self._decode_text(name, value) for value in values)
        return DirectoryEntry(
            dn=dn,
            dn_key=dn_module.normalize(dn),
            attributes=attributes,
            anchor=self._anchor(attributes),
        )

    def _anchor(self, attributes: dict[str, tuple[str, ...]]) -> str | None:
        name = "objectguid" if self.flavour is Flavour.AD else "entryuuid"
        values = attributes.get(name)
        return values[0].lower() if values else None

    def _decode_binary(self, dn: str, name: str, value: bytes) -> str:
        try:
            if name == "objectguid":
                return ad.guid_to_string(value)
            return ad.sid_to_string(value)
        except ValueError as error:
            logger.warning("entry %s has an invalid %s: %s", dn, name, error)
            return value.hex()

    def _decode_text(self, name: str, value: bytes) -> str:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            if name not in self._undecodable:
                self._undecodable.add(name)
                logger.debug("attribute %s is not UTF-8 text; it is kept as base64", name)
            return base64.b64encode(value).decode("ascii")
