"""Connection checks that interactive mode runs right after the connection answers.

Each check logs in the way the sync will, reports what it found, and
raises the same ``Ldap2tsError`` the sync would raise, so the user sees the
exact failure while the answers are still on screen.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import ldap

from ldap2ts.directory.connection import connect
from ldap2ts.directory.failures import describe
from ldap2ts.errors import DirectoryError
from ldap2ts.settings import Flavour, LdapSettings, ThoughtSpotSettings
from ldap2ts.thoughtspot import ThoughtSpotClient
from ldap2ts.thoughtspot import client as client_module

logger = logging.getLogger(__name__)

# rootDSE attributes that only Active Directory publishes.
_AD_MARKERS = ("forestfunctionality", "domainfunctionality", "rootdomainnamingcontext")


@dataclass(frozen=True, slots=True)
class LdapServerInfo:
    """Facts from the LDAP server's rootDSE: its flavour and its naming contexts."""

    flavour: Flavour
    naming_contexts: tuple[str, ...]
    default_naming_context: str | None

    def suggested_base_dn(self) -> str | None:
        """Return the base DN to offer as default: AD's default context, or the only context."""
        if self.default_naming_context:
            return self.default_naming_context
        if len(self.naming_contexts) == 1:
            return self.naming_contexts[0]
        return None


def check_thoughtspot(settings: ThoughtSpotSettings) -> str:
    """Log in to ThoughtSpot, check the administrator privilege, and describe the session.

    The returned text reports the login, so the client's own INFO record of
    it is not shown during the check.
    """
    with _without_info_records(client_module.logger), ThoughtSpotClient(settings) as client:
        user = client.session_user.name if client.session_user else settings.username
        release = client.system_info.release_version if client.system_info else None
    return f"logged in to {settings.url} as {user} (ThoughtSpot {release or 'release unknown'})"


class _DropInfo(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno != logging.INFO


@contextmanager
def _without_info_records(target: logging.Logger) -> Iterator[None]:
    """Drop the INFO records of ``target`` in the block; DEBUG and WARNING records pass."""
    drop = _DropInfo()
    target.addFilter(drop)
    try:
        yield
    finally:
        target.removeFilter(drop)


def check_ldap(settings: LdapSettings) -> LdapServerInfo:
    """Bind to the LDAP server and read its rootDSE."""
    with connect(settings) as connection:
        try:
            results = connection.search_s(
                "",
                ldap.SCOPE_BASE,
                "(objectClass=*)",
                ["*", "+", "namingContexts", "defaultNamingContext"],
            )
        except ldap.LDAPError as error:
            raise DirectoryError(
                f"reading the rootDSE of {settings.url} failed: {describe(error)}"
            ) from error
    attributes = {
        name.lower(): values for _, found in results if found for name, values in found.items()
    }
    contexts = tuple(
        value.decode("utf-8", "replace") for value in attributes.get("namingcontexts", [])
    )
    default = attributes.get("defaultnamingcontext", [b""])[0].decode("utf-8", "replace") or None
    is_ad = any(marker in attributes for marker in _AD_MARKERS)
    return LdapServerInfo(Flavour.AD if is_ad else Flavour.OPENLDAP, contexts, default)


def check_base_dn(settings: LdapSettings, base_dn: str) -> None:
    """Raise DirectoryError unless the base DN names an entry the bind account can read."""
    with connect(settings) as connection:
        try:
            connection.search_s(base_dn, ldap.SCOPE_BASE, "(objectClass=*)", ["1.1"])
        except ldap.NO_SUCH_OBJECT as error:
            raise DirectoryError(f"base DN {base_dn!r} not found on {settings.url}") from error
        except ldap.LDAPError as error:
            raise DirectoryError(
                f"reading base DN {base_dn!r} failed: {describe(error)}"
            ) from error
