"""Turn python-ldap exceptions into messages a user can act on."""

from __future__ import annotations

from typing import Any

import ldap


def describe(error: ldap.LDAPError) -> str:
    """Return the server's or libldap's description of an error, with its diagnostic message."""
    details: dict[str, Any] = {}
    if error.args and isinstance(error.args[0], dict):
        details = error.args[0]
    description = str(details.get("desc") or type(error).__name__)
    info = details.get("info")
    if info and info != "(unknown error code)":
        return f"{description} ({info})"
    return description


def matched_dn(error: ldap.LDAPError) -> str | None:
    """Return the ``matched`` DN of a noSuchObject result: the deepest existing ancestor."""
    if error.args and isinstance(error.args[0], dict):
        matched = error.args[0].get("matched")
        if isinstance(matched, str) and matched:
            return matched
    return None


CONNECTION_LOST = (ldap.SERVER_DOWN, ldap.CONNECT_ERROR, ldap.TIMEOUT)
"""Errors after which the connection cannot be used for more searches."""

LIMIT_REACHED = (
    ldap.SIZELIMIT_EXCEEDED,
    ldap.TIMELIMIT_EXCEEDED,
    ldap.ADMINLIMIT_EXCEEDED,
    ldap.UNAVAILABLE,
    ldap.BUSY,
)
"""Errors that end one search early while the connection stays usable."""
