"""Open, secure and bind an LDAP connection, translating every failure into an Error line.

Certificate verification is on unless ``verify_tls`` is off. StartTLS never
falls back to plaintext: when the upgrade fails, the connection is closed
and DirectoryError is raised.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import ldap
from ldap.ldapobject import LDAPObject

from ldap2ts import dn as dn_module
from ldap2ts.cafile import ca_file_problem
from ldap2ts.directory import ad, diagnose
from ldap2ts.directory.failures import describe
from ldap2ts.errors import DirectoryError, UsageError
from ldap2ts.settings import LdapSettings

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"ldap": 389, "ldaps": 636}


@dataclass(frozen=True, slots=True)
class ServerAddress:
    scheme: str
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"


def parse_url(url: str) -> ServerAddress:
    """Check an LDAP URL and return its parts; raise UsageError naming the URL otherwise."""
    example = "expected ldap://HOST:389 or ldaps://HOST:636"
    if "@" in url.partition("://")[2].partition("/")[0]:
        # Never repeat a URL that may hold a password.
        raise UsageError(
            "invalid LDAP URL: credentials do not belong in the URL; give the bind DN and "
            f"password as their own settings; {example}"
        )
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise UsageError(f"invalid LDAP URL {url!r}: {error}; {example}") from None
    scheme = parts.scheme.lower()
    if not parts.scheme or "://" not in url:
        raise UsageError(f"invalid LDAP URL {url!r}: missing scheme; {example}")
    if scheme not in DEFAULT_PORTS:
        raise UsageError(
            f"unsupported LDAP URL scheme {parts.scheme!r} in {url!r}: {example} "
            "(use start_tls with ldap:// to encrypt on port 389)"
        )
    if not parts.hostname:
        raise UsageError(f"invalid LDAP URL {url!r}: missing host name; {example}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise UsageError(
            f"invalid LDAP URL {url!r}: a base DN, filter or other part after the host is "
            f"not supported here; give the base DN as its own setting; {example}"
        )
    if port == 0:
        raise UsageError(f"invalid LDAP URL {url!r}: port 0; {example}")
    return ServerAddress(scheme, parts.hostname, port or DEFAULT_PORTS[scheme])


def check_settings(settings: LdapSettings) -> ServerAddress:
    """Check the connection settings that can be checked without a server."""
    address = parse_url(settings.url)
    if address.scheme == "ldaps" and settings.start_tls:
        raise UsageError(
            f"start_tls is set but {settings.url!r} is already ldaps://; "
            "use ldap:// with start_tls, or ldaps:// without it"
        )
    if settings.ca_file is not None:
        problem = ca_file_problem(settings.ca_file)
        if problem is not None:
            raise UsageError(f"invalid LDAP CA file {settings.ca_file!r}: {problem}")
    if settings.bind_dn:
        if not ad.is_logon_name(settings.bind_dn):
            dn_module.validate(settings.bind_dn, label="bind DN")
        if settings.password is None or not settings.password.reveal():
            raise UsageError(
                f"missing password for bind DN {settings.bind_dn!r}: give it in "
                "LDAP2TS_LDAP_PASSWORD or a password file, or leave the bind DN "
                "empty for an anonymous bind"
            )
    if settings.timeout <= 0:
        raise UsageError(f"invalid LDAP timeout {settings.timeout!r}: expected seconds > 0")
    if settings.page_size < 1:
        raise UsageError(f"invalid LDAP page size {settings.page_size!r}: expected 1 or more")
    if settings.range_step is not None and settings.range_step < 1:
        raise UsageError(f"invalid range step {settings.range_step!r}: expected 1 or more")
    return address


@contextmanager
def connect(settings: LdapSettings) -> Iterator[LDAPObject]:
    """Yield a bound connection and unbind it afterwards."""
    address = check_settings(settings)
    connection = _initialize(settings, address)
    try:
        if settings.start_tls:
            _start_tls(connection, settings, address)
        _bind(connection, settings, address)
        yield connection
    finally:
        try:
            connection.unbind_s()
        except ldap.LDAPError:
            logger.debug("unbind from %s failed; the connection was already closed", address.url)


def _initialize(settings: LdapSettings, address: ServerAddress) -> LDAPObject:
    try:
        connection: LDAPObject = ldap.initialize(address.url)
    except ldap.LDAPError as error:
        raise UsageError(f"invalid LDAP URL {settings.url!r}: {describe(error)}") from None
    connection.set_option(ldap.OPT_PROTOCOL_VERSION, ldap.VERSION3)
    connection.set_option(ldap.OPT_REFERRALS, 0)
    connection.set_option(ldap.OPT_NETWORK_TIMEOUT, settings.timeout)
    connection.set_option(ldap.OPT_TIMEOUT, settings.timeout)
    if settings.ca_file:
        connection.set_option(ldap.OPT_X_TLS_CACERTFILE, settings.ca_file)
    if settings.verify_tls:
        connection.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
    else:
        logger.warning(
            "TLS certificate verification is off for %s: a server that impersonates it "
            "would receive the bind password",
            address.url,
        )
        connection.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_NEVER)
    # libldap applies TLS options only to a TLS context created after them.
    connection.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
    return connection


def _start_tls(connection: LDAPObject, settings: LdapSettings, address: ServerAddress) -> None:
    logger.debug("starting TLS on %s", address.url)
    try:
        connection.start_tls_s()
    except ldap.PROTOCOL_ERROR as error:
        raise DirectoryError(
            f"StartTLS refused by {address.url}: {describe(error)}; enable TLS on the server, "
            "or use ldaps:// if it listens for it (ldap2ts never falls back to plaintext)"
        ) from None
    except ldap.TIMEOUT:
        raise _timeout(settings, address, "StartTLS") from None
    except (ldap.CONNECT_ERROR, ldap.SERVER_DOWN) as error:
        raise _connection_failure(error, settings, address, start_tls=True) from None
    except ldap.LDAPError as error:
        raise DirectoryError(
            f"StartTLS failed on {address.url}: {describe(error)} "
            "(ldap2ts never falls back to plaintext)"
        ) from None


def _bind(connection: LDAPObject, settings: LdapSettings, address: ServerAddress) -> None:
    bind_dn = settings.bind_dn or ""
    password = settings.password.reveal() if settings.password and bind_dn else ""
    logger.debug("binding to %s as %s", address.url, bind_dn or "anonymous")
    try:
        connection.simple_bind_s(bind_dn, password)
    except ldap.INVALID_CREDENTIALS:
        source = settings.password.source if settings.password else "no password"
        raise DirectoryError(
            f"invalid credentials for bind DN {bind_dn!r} on {address.url} (password from "
            f"{source}): check the bind DN and the password"
        ) from None
    except ldap.INVALID_DN_SYNTAX:
        raise UsageError(
            f"invalid bind DN {bind_dn!r}: the server rejected its syntax; "
            "expected a DN such as 'cn=reader,dc=example,dc=com'"
        ) from None
    except ldap.TIMEOUT:
        raise _timeout(settings, address, "bind") from None
    except (ldap.SERVER_DOWN, ldap.CONNECT_ERROR) as error:
        raise _connection_failure(error, settings, address, start_tls=False) from None
    except ldap.LDAPError as error:
        raise DirectoryError(
            f"bind as {bind_dn or 'anonymous'!r} to {address.url} failed: {describe(error)}"
        ) from None


def _timeout(settings: LdapSettings, address: ServerAddress, step: str) -> DirectoryError:
    return DirectoryError(
        f"LDAP {step} timed out after {settings.timeout:g} s on {address.url}: check that the "
        "host and port are those of an LDAP server, or raise the timeout"
    )


def _connection_failure(
    error: ldap.LDAPError, settings: LdapSettings, address: ServerAddress, *, start_tls: bool
) -> DirectoryError:
    """Say whether the server is unreachable or its certificate is not trusted."""
    tls_problem = diagnose.tls_problem(address, settings, start_tls=start_tls)
    if tls_problem is not None:
        return DirectoryError(tls_problem)
    if start_tls:
        return DirectoryError(f"StartTLS failed on {address.url}: {describe(error)}")
    reachable = diagnose.accepts_tcp(address, settings.timeout)
    if reachable and address.scheme == "ldaps":
        return DirectoryError(
            f"cannot talk LDAP over TLS to {address.url}: {describe(error)}; check that the port "
            "is the server's ldaps:// port (usually 636), or use ldap:// with start_tls"
        )
    if reachable:
        return DirectoryError(
            f"cannot talk LDAP to {address.url}: {describe(error)}; check that the port is the "
            "server's ldap:// port (usually 389)"
        )
    return DirectoryError(
        f"cannot reach LDAP server {address.url}: {describe(error)}; check the host name and "
        f"port (default {DEFAULT_PORTS[address.scheme]} for {address.scheme}://) and that the "
        "server is running"
    )
