"""The rules that turn a directory entry into a ThoughtSpot name.

Two rule sets exist. The legacy rules reproduce what ThoughtSpot's
``syncUsersAndGroups.py`` produced, because clusters synced by it hold those
names and a rename would orphan every principal's content:

- user name: the value of ``user_identifier``; ``@authdomain`` is appended
  whenever an auth domain is set, even to a userPrincipalName that already
  contains ``@``. Without an auth domain, ``@<domain>`` (the ``DC=`` values
  of the user's own DN joined by dots) is appended only when the identifier
  is sAMAccountName. A user without the identifier attribute falls back to
  sAMAccountName with the same suffix rule.
- group name: the non-DC RDNs of the group's DN, each rendered as
  ``ldap.dn.dn2str`` renders it (attribute type in the server's case,
  special characters escaped), joined by ``.``, then ``@<domain>``:
  ``CN=Sales,OU=Groups,DC=example,DC=com`` gives
  ``CN=Sales.OU=Groups@example.com``.

Templates (``"{uid}@example.com"``, ``"{cn}"``) replace the legacy rules
for new deployments. Placeholders are attribute names, matched
case-insensitively; an entry without one of them gets no name.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

import ldap.dn

from ldap2ts import dn as dn_module
from ldap2ts.errors import ConfigError, UsageError
from ldap2ts.model import DirectoryEntry

SAM_ACCOUNT_NAME = "sAMAccountName"
DISPLAY_NAME_FALLBACKS = ("displayName", "name", "cn")

_ATTRIBUTE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*\Z")


class NamingFailure(Exception):
    """An entry that gets no name; ``reason`` groups similar failures in one warning."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- DN helpers -----------------------------------------------------------------


def _split_dn(dn: str) -> list[dn_module.RDN]:
    try:
        return dn_module.parse(dn)
    except UsageError as error:
        raise NamingFailure("the DN is not valid (RFC 4514)") from error


def _is_domain_component(rdn: dn_module.RDN) -> bool:
    return len(rdn) == 1 and rdn[0][0].lower() == "dc"


def domain_of(dn: str) -> str:
    """Return the ``DC=`` values of a DN joined by dots (empty when it has none)."""
    try:
        return dn_module.domain_of(dn)
    except UsageError as error:
        raise NamingFailure("the DN is not valid (RFC 4514)") from error


def legacy_group_name(dn: str) -> str:
    """Return the legacy DN-path name of a group.

    A DN without ``DC=`` components still gets the ``@``, with nothing after
    it (``cn=Sales.o=Example@``), because the legacy script named such groups
    that way.
    """
    path, domain = dn_path_and_domain(dn)
    return f"{path}@{domain}"


def dn_path_and_domain(dn: str) -> tuple[str, str]:
    """Split a DN into its non-DC RDNs, rendered and joined by dots, and its DC domain."""
    rdns = _split_dn(dn)
    path = ".".join(ldap.dn.dn2str([rdn]) for rdn in rdns if not _is_domain_component(rdn))
    return path, domain_of(dn)


# --- Templates --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameTemplate:
    """A parsed naming template: literal text and attribute placeholders, in order."""

    text: str
    parts: tuple[tuple[str, str | None], ...]
    """(literal text, attribute name or None) pairs, as ``string.Formatter.parse`` splits them."""

    @property
    def attributes(self) -> tuple[str, ...]:
        return tuple(attribute for _, attribute in self.parts if attribute is not None)

    def render(self, entry: DirectoryEntry) -> str:
        """Fill the placeholders from the entry's first values; raise NamingFailure on a gap."""
        pieces: list[str] = []
        for literal, attribute in self.parts:
            pieces.append(literal)
            if attribute is None:
                continue
            value = entry.first(attribute)
            if not value:
                raise NamingFailure(f"no {attribute} attribute for the template {self.text!r}")
            pieces.append(value)
        return "".join(pieces)

    def as_glob(self) -> str:
        """Return a glob (``fnmatch`` syntax) that matches every name this template can produce."""
        return "".join(
            glob_escape(literal) + ("*" if attribute else "") for literal, attribute in self.parts
        )


def glob_escape(text: str) -> str:
    """Escape ``*``, ``?`` and ``[`` so that ``fnmatch`` matches the text literally."""
    return "".join(f"[{char}]" if char in "*?[" else char for char in text)


def parse_template(text: str, key: str) -> NameTemplate:
    """Parse a naming template; raise ConfigError naming ``key`` and the template when invalid."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as error:
        raise ConfigError(
            f"invalid template {text!r}: {error}; write attributes in braces, "
            'for example "{uid}@example.com", and double literal braces',
            key=key,
        ) from error

    parts: list[tuple[str, str | None]] = []
    for literal, field_name, format_spec, conversion in parsed:
        if field_name is None:
            parts.append((literal, None))
            continue
        if not _ATTRIBUTE_NAME.match(field_name) or format_spec or conversion:
            raise ConfigError(
                f"invalid template {text!r}: {{{field_name}}} is not an attribute name; "
                'placeholders are plain LDAP attribute names such as "{uid}" or "{cn}"',
                key=key,
            )
        parts.append((literal, field_name))

    template = NameTemplate(text, tuple(parts))
    if not template.attributes:
        raise ConfigError(
            f"invalid template {text!r}: it has no attribute placeholder, so every entry "
            'would get the same name; use one such as "{uid}@example.com"',
            key=key,
        )
    return template


# --- Attribute fallbacks -------------------------------------------------------------


def first_of(entry: DirectoryEntry, attributes: tuple[str, ...]) -> str | None:
    """Return the first non-empty first value among the attributes, in order."""
    for attribute in attributes:
        value = entry.first(attribute)
        if value:
            return value
    return None
