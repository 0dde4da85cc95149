"""Distinguished names: parsing, normalised comparison keys and filter escaping.

Two strings name the same entry when they differ only in the case of
attribute types and values, in escaping (``\\2C`` or ``\\,``), in spaces
around separators, or in the order of a multi-valued RDN. ``normalize``
maps all of them to one key, so every comparison of DNs in ldap2ts compares
keys, never the strings a server returned.

The key is itself a valid RFC 4514 DN string. Attribute types are
lower-cased, with well-known OIDs replaced by their names. Values are
case-folded with runs of spaces collapsed, as in RFC 4518. Every special
character is hex-escaped (``\\2c``), so a bare ``,`` in a key always
separates RDNs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

import ldap.dn
import ldap.filter

from ldap2ts.errors import UsageError

RDN = list[tuple[str, str, int]]

_OID_NAMES = {
    "2.5.4.3": "cn",
    "2.5.4.6": "c",
    "2.5.4.7": "l",
    "2.5.4.8": "st",
    "2.5.4.10": "o",
    "2.5.4.11": "ou",
    "0.9.2342.19200300.100.1.1": "uid",
    "0.9.2342.19200300.100.1.25": "dc",
}
"""Attribute type OIDs that servers and people write in DNs, by short name (RFC 4519)."""

_ESCAPES = str.maketrans({char: f"\\{ord(char):02x}" for char in ',+"\\<>;=\x00'})
"""Characters that are hex-escaped in a key, so that a bare ``,`` or ``+`` is always a separator."""


def parse(dn: str, *, label: str = "DN") -> list[RDN]:
    """Parse an RFC 4514 DN into RDNs of (type, value, flags) tuples.

    ``label`` names the value in messages ("base DN", "bind DN").
    Raises UsageError naming ``label`` and the value when the syntax is invalid.
    """
    try:
        rdns: list[RDN] = ldap.dn.str2dn(dn)
    except ldap.DECODING_ERROR:
        raise UsageError(f"invalid {label} {dn!r}: {describe_syntax_error(dn)}") from None
    return rdns


_SPECIALS = ', + " \\ < > ; ='


def describe_syntax_error(dn: str) -> str:
    """Describe why a DN does not parse, naming the first RDN that fails and the fix.

    A value with a bare comma (``ou=R&D, Europe``) is the usual cause, so
    when the failing part has no ``=``, the message shows the DN with the
    comma before it escaped.
    """
    rdns, commas = _split_at_commas(dn)
    for index, rdn in enumerate(rdns):
        if _parses(rdn):
            continue
        where = " at the start" if index == 0 else f" after '{dn[: commas[index - 1] + 1]}'"
        if not rdn.strip():
            return f"empty RDN{where}; remove the extra comma"
        message = (
            f"cannot parse '{rdn}'{where}: an RDN is attribute=value, and a comma or other "
            f"special character ({_SPECIALS}) inside a value must be escaped with a "
            "backslash, such as \\, for a comma"
        )
        if "=" not in rdn and index > 0:
            comma = commas[index - 1]
            escaped = dn[:comma] + "\\," + dn[comma + 1 :]
            message += f"; if the comma before it belongs to the value, write '{escaped}'"
        return message
    return (
        "expected an RFC 4514 DN such as 'ou=People,dc=example,dc=com', with a comma or "
        f"other special character ({_SPECIALS}) inside a value escaped by a backslash"
    )


def _split_at_commas(dn: str) -> tuple[list[str], list[int]]:
    """Split a DN at the commas that no backslash escapes; return the parts and comma offsets."""
    parts: list[str] = []
    commas: list[int] = []
    start = 0
    escaped = False
    for offset, char in enumerate(dn):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == ",":
            parts.append(dn[start:offset])
            commas.append(offset)
            start = offset + 1
    parts.append(dn[start:])
    return parts, commas


def _parses(rdn: str) -> bool:
    if not rdn.strip():
        return False
    try:
        ldap.dn.str2dn(rdn)
    except ldap.DECODING_ERROR:
        return False
    return True


def validate(dn: str, *, label: str = "DN", allow_empty: bool = False) -> str:
    """Return ``dn`` unchanged when it parses; raise UsageError naming ``label`` otherwise."""
    if not dn.strip() and not allow_empty:
        raise UsageError(f"missing {label}: expected a DN such as 'dc=example,dc=com'")
    parse(dn, label=label)
    return dn


@functools.lru_cache(maxsize=262_144)
def normalize(dn: str) -> str:
    """Return the comparison key of a DN.

    Group member values repeat across groups, so results are cached.
    Raises UsageError for an invalid DN.
    """
    rdns = parse(dn)
    if not rdns:
        return ""
    # The first RDN is nearly always unique, so only the parents go through
    # the cache of attribute-value pairs.
    parts = [_normalize_rdn(rdns[0], _normalize_pair)]
    parts += [_normalize_rdn(rdn, _normalize_repeated_pair) for rdn in rdns[1:]]
    return ",".join(parts)


def try_normalize(dn: str) -> str | None:
    """Return the key of a DN, or None when it is not a valid DN."""
    try:
        return normalize(dn)
    except UsageError:
        return None


def _normalize_rdn(rdn: RDN, normalize_pair: Callable[[str, str, int], str]) -> str:
    if len(rdn) == 1:
        attribute, value, flags = rdn[0]
        return normalize_pair(attribute, value, flags)
    return "+".join(
        sorted(normalize_pair(attribute, value, flags) for attribute, value, flags in rdn)
    )


def _normalize_pair(attribute: str, value: str, flags: int) -> str:
    """Return one attribute-value pair as ``type=value``, normalised."""
    return f"{_normalize_type(attribute)}={_normalize_value(value, flags)}"


_normalize_repeated_pair = functools.lru_cache(maxsize=4096)(_normalize_pair)
"""``_normalize_pair`` for the parent RDNs, which repeat in every DN below them."""


def _normalize_type(attribute: str) -> str:
    attribute = attribute.strip().lower()
    if attribute.startswith("oid."):
        attribute = attribute[4:]
    return _OID_NAMES.get(attribute, attribute)


def _normalize_value(value: str, flags: int) -> str:
    if flags & ldap.AVA_BINARY:
        return "#" + value.encode("latin-1", errors="replace").hex()
    if not value.isascii():
        value = unicodedata.normalize("NFKC", value)
    text = " ".join(value.casefold().split())
    escaped = text.translate(_ESCAPES)
    if escaped.startswith("#"):
        escaped = "\\23" + escaped[1:]
    return escaped


def parent_key(dn_key: str) -> str:
    """Return the key of the parent entry ('' for a one-RDN key)."""
    _, _, parent = dn_key.partition(",")
    return parent


def is_under(dn_key: str, base_key: str) -> bool:
    """Tell whether ``dn_key`` is ``base_key`` itself or an entry below it (both normalised)."""
    if not base_key:
        return True
    return dn_key == base_key or dn_key.endswith("," + base_key)


def domain_of(dn: str) -> str:
    """Return the DC values of a DN joined by dots, as the server wrote them.

    ``CN=Sales,OU=Groups,DC=lab,DC=example,DC=com`` gives ``lab.example.com``;
    a DN without DC components gives ''.
    """
    return ".".join(
        value
        for rdn in parse(dn)
        for attribute, value, _flags in rdn
        if _normalize_type(attribute) == "dc"
    )


_UNIQUE_ID = re.compile(r"(\\*)#'[01]*'B$")


def strip_unique_id(value: str) -> str:
    """Return the DN of a uniqueMember value, without its optional ``#'0101'B`` unique id.

    RFC 4517 (Name and Optional UID) appends the id after an unescaped
    ``#``; a ``\\#`` belongs to the last RDN value and is kept.
    """
    match = _UNIQUE_ID.search(value)
    if match is None or len(match.group(1)) % 2 == 1:
        return value
    return value[: match.start() + len(match.group(1))]


def escape_filter_value(value: str) -> str:
    """Escape a value for an RFC 4515 filter assertion: ``*``, ``(``, ``)``, ``\\`` and NUL."""
    escaped: str = ldap.filter.escape_filter_chars(value)
    return escaped


def escape_rdn_value(value: str) -> str:
    """Escape a value for use in a DN string (RFC 4514)."""
    escaped: str = ldap.dn.escape_dn_chars(value)
    return escaped
