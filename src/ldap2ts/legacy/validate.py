"""Checks of the legacy answers, shared by the ``script`` flags and the ``interactive`` prompts.

Each ``check_*`` function returns the value to use (stripped or normalised)
or raises ``ValueError`` with a message that names what was expected. The
callers add the flag or the question, so the user sees one line such as
``Error: --ldap_hostport 'ldap//dc1': expected ldap://host:port or ldaps://host:port``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import ldap.dn

from ldap2ts.config import ldap_filter
from ldap2ts.settings import Flavour, Scope

_SCOPE_WORDS = {
    "0": Scope.BASE,
    "base": Scope.BASE,
    "1": Scope.ONE,
    "one": Scope.ONE,
    "onelevel": Scope.ONE,
    "level": Scope.ONE,
    "2": Scope.SUB,
    "sub": Scope.SUB,
    "subtree": Scope.SUB,
}


def check_url(text: str, schemes: tuple[str, ...]) -> str:
    """Check a ``scheme://host[:port]`` URL and return it without surrounding blanks."""
    url = text.strip()
    expected = " or ".join(f"{scheme}://host:port" for scheme in schemes)
    parts = urlsplit(url)
    if parts.scheme.lower() not in schemes or not parts.netloc:
        raise ValueError(f"expected {expected}")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"invalid port: expected a number from 1 to 65535 in {expected}") from None
    if port == 0:
        raise ValueError(f"invalid port 0: expected a number from 1 to 65535 in {expected}")
    if not parts.hostname:
        raise ValueError(f"missing host name: expected {expected}")
    if parts.username is not None or parts.password is not None:
        # A password in the URL would show in every log line that names the server.
        raise ValueError("a user name or password in the URL is not allowed: "
                         "give them with their own flags")  # fmt: skip
    if parts.query or parts.fragment or parts.path.strip("/"):
        raise ValueError(f"unexpected path or query after the host: expected {expected}")
    return url


def check_ts_url(text: str) -> str:
    return check_url(text, ("http", "https"))


def check_ldap_url(text: str) -> str:
    return check_url(text, ("ldap", "ldaps"))


def check_dn(text: str) -> str:
    """Check the syntax of a distinguished name (RFC 4514) and return it stripped."""
    dn = text.strip()
    if not dn:
        raise ValueError("expected a DN such as DC=example,DC=com")
    try:
        rdns = ldap.dn.str2dn(dn)
    except ldap.DECODING_ERROR:
        rdns = []
    if not rdns:
        raise ValueError(
            "invalid DN syntax: expected attribute=value pairs separated by commas, "
            "such as OU=Groups,DC=example,DC=com (escape a comma in a value as \\,)"
        )
    return dn


def check_filter(text: str) -> str:
    """Check an RFC 4515 filter; return it stripped, with outer parentheses added if missing."""
    candidate = text.strip()
    if not candidate:
        raise ValueError("expected a filter such as (objectClass=*)")
    ldap_filter.check_filter(candidate)
    return candidate if candidate.startswith("(") else f"({candidate})"


def check_bind_name(text: str) -> str:
    """Check an LDAP bind name: a DN, or an AD logon name such as admin@example.com."""
    name = text.strip()
    if not name:
        raise ValueError("expected a bind DN or, for AD, a user principal name")
    if "=" in name:
        return check_dn(name)
    return name


def check_attribute(text: str) -> str:
    """Check an LDAP attribute name (RFC 4512 descr or numeric OID)."""
    name = text.strip()
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)+", name):
        raise ValueError("expected an LDAP attribute name such as sAMAccountName or uid")
    return name


def check_domain(text: str) -> str | None:
    """Check an auth domain such as corp.example.com; blank means none."""
    domain = text.strip()
    if not domain:
        return None
    if not re.fullmatch(r"[^\s@]+", domain):
        raise ValueError("expected a domain such as corp.example.com, without @ or spaces")
    return domain


def parse_scope(text: str) -> Scope:
    """Parse 0/1/2 (the legacy values) or base/one/sub, case-insensitively."""
    try:
        return _SCOPE_WORDS[text.strip().lower()]
    except KeyError:
        raise ValueError("expected 0 (base), 1 (one level) or 2 (subtree)") from None


def parse_flavour(text: str) -> Flavour:
    """Parse the legacy ``--ldap_type``: AD or OpenLdap in any case."""
    try:
        return Flavour.parse(text)
    except ValueError:
        raise ValueError("expected AD or OpenLdap (any case)") from None
