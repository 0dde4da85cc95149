"""Every bad connection or search setting gives one clear error naming the value and the fix."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from testkit.slapd import Slapd, free_port

from ldap2ts.directory import read_directory
from ldap2ts.errors import DirectoryError, ExitCode, Ldap2tsError, UsageError
from ldap2ts.settings import Secret, Settings
from tests.fixtures.slapd import EDGE_BASE, Company, make_settings

Case = Callable[[Slapd], Settings]
CLOSED_PORT = free_port()
"""A loopback port that nothing listens on."""


def with_scope(server: Slapd, scope: object) -> Settings:
    settings = make_settings(server, EDGE_BASE)
    settings.directory.scope = scope  # type: ignore[assignment]
    return settings


CASES: dict[str, tuple[Case, type[Ldap2tsError], str]] = {
    "malformed URL": (
        lambda s: make_settings(s, EDGE_BASE, ldap={"url": "127.0.0.1:389"}),
        UsageError,
        "invalid LDAP URL '127.0.0.1:389': missing scheme; "
        "expected ldap://HOST:389 or ldaps://HOST:636",
    ),
    "unknown scheme": (
        lambda s: make_settings(s, EDGE_BASE, ldap={"url": "https://127.0.0.1"}),
        UsageError,
        "unsupported LDAP URL scheme 'https' in 'https://127.0.0.1': expected "
        "ldap://HOST:389 or ldaps://HOST:636 (use start_tls with ldap:// to encrypt on port 389)",
    ),
    "wrong password": (
        lambda s: make_settings(
            s, EDGE_BASE, ldap={"password": Secret("wrong-pw", "env LDAP2TS_LDAP_PASSWORD")}
        ),
        DirectoryError,
        "invalid credentials for bind DN 'cn=reader,dc=example,dc=com' on {url} "
        "(password from env LDAP2TS_LDAP_PASSWORD): check the bind DN and the password",
    ),
    "unknown bind DN": (
        lambda s: make_settings(s, EDGE_BASE, ldap={"bind_dn": "cn=nobody,dc=example,dc=com"}),
        DirectoryError,
        "invalid credentials for bind DN 'cn=nobody,dc=example,dc=com' on {url} "
        "(password from test fixture): check the bind DN and the password",
    ),
    "invalid base DN": (
        lambda s: make_settings(s, "People,ou=Edge"),
        UsageError,
        "invalid base DN 'People,ou=Edge': cannot parse 'People' at the start: an RDN is "
        "attribute=value, and a comma or other special character (, + \" \\ < > ; =) inside "
        "a value must be escaped with a backslash, such as \\, for a comma",
    ),
    "missing base DN": (
        lambda s: make_settings(s, ""),
        UsageError,
        "missing base DN: expected a DN such as 'dc=example,dc=com'",
    ),
    "base DN not found": (
        lambda s: make_settings(s, f"ou=Nope,{EDGE_BASE}"),
        DirectoryError,
        f"base DN 'ou=Nope,{EDGE_BASE}' not found on the server; the deepest existing "
        f"entry is '{EDGE_BASE}': check the base DN",
    ),
    "invalid filter": (
        lambda s: make_settings(s, EDGE_BASE, filter="(cn=a"),
        UsageError,
        "invalid filter '(cn=a': missing ')' at position 6; expected RFC 4515 syntax such as "
        "'(&(objectClass=person)(cn=a*))', with '*', '(', ')' and '\\' in values written as "
        "\\2a, \\28, \\29 and \\5c",
    ),
    "invalid user filter": (
        lambda s: make_settings(s, EDGE_BASE, user_filter="(objectClass=person))"),
        UsageError,
        "invalid user filter '(objectClass=person))': unexpected text after the end of the "
        "filter at position 21; expected RFC 4515 syntax such as "
        "'(&(objectClass=person)(cn=a*))', with '*', '(', ')' and '\\' in values written as "
        "\\2a, \\28, \\29 and \\5c",
    ),
    "unknown scope": (
        lambda s: with_scope(s, 7),
        UsageError,
        "unknown scope 7: expected base, one or sub (0, 1 or 2)",
    ),
    "invalid member attribute": (
        lambda s: make_settings(s, EDGE_BASE, member_attribute="member)"),
        UsageError,
        "invalid member attribute 'member)' (directory.member_attribute): expected "
        "member, uniqueMember or memberUid",
    ),
    "closed port": (
        lambda s: make_settings(s, EDGE_BASE, ldap={"url": f"ldap://127.0.0.1:{CLOSED_PORT}"}),
        DirectoryError,
        "cannot reach LDAP server ldap://127.0.0.1:{closed}: Can't contact LDAP server "
        "(Transport endpoint is not connected); check the host name and port (default 389 "
        "for ldap://) and that the server is running",
    ),
    "unreachable host": (
        lambda s: make_settings(s, EDGE_BASE, ldap={"url": f"ldap://127.0.0.2:{s.port}"}),
        DirectoryError,
        "cannot reach LDAP server ldap://127.0.0.2:{port}: Can't contact LDAP server "
        "(Transport endpoint is not connected); check the host name and port (default 389 "
        "for ldap://) and that the server is running",
    ),
    "ldap on the ldaps port": (
        lambda s: make_settings(s, EDGE_BASE, ldap={"url": f"ldap://127.0.0.1:{s.ldaps_port}"}),
        DirectoryError,
        "cannot talk LDAP to ldap://127.0.0.1:{ldaps_port}: Can't contact LDAP server; "
        "check that the port is the server's ldap:// port (usually 389)",
    ),
    "ldaps on the ldap port": (
        lambda s: make_settings(
            s, EDGE_BASE, ldap={"url": f"ldaps://127.0.0.1:{s.port}", "ca_file": s.ca_file}
        ),
        DirectoryError,
        "TLS handshake with ldaps://127.0.0.1:{port} failed: UNEXPECTED_EOF_WHILE_READING; "
        "the server at that port may speak plain LDAP: use ldap://127.0.0.1:{port} with "
        "start_tls, or the server's ldaps:// port (usually 636)",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_message(case: str, slapd_company: Company) -> None:
    server = slapd_company.server
    build, error_type, template = CASES[case]
    expected = template.format(
        url=server.url, port=server.port, ldaps_port=server.ldaps_port, closed=CLOSED_PORT
    )

    with pytest.raises(Ldap2tsError) as raised:
        read_directory(build(server))

    assert type(raised.value) is error_type
    assert str(raised.value) == expected
    assert raised.value.__cause__ is None


def test_usage_and_directory_exit_codes() -> None:
    assert UsageError.exit_code is ExitCode.USAGE
    assert DirectoryError.exit_code is ExitCode.FAILED


def test_timeout_on_frozen_server(slapd_throwaway: Slapd) -> None:
    settings = make_settings(slapd_throwaway, "ou=Bulk,dc=example,dc=com", ldap={"timeout": 0.5})
    slapd_throwaway.pause()
    try:
        with pytest.raises(DirectoryError) as raised:
            read_directory(settings)
    finally:
        slapd_throwaway.resume()

    assert str(raised.value) == (
        f"LDAP bind timed out after 0.5 s on {slapd_throwaway.url}: check that the host and "
        "port are those of an LDAP server, or raise the timeout"
    )


def test_debug_log_has_ldapsearch_without_password(
    slapd_company: Company, caplog: pytest.LogCaptureFixture
) -> None:
    server = slapd_company.server
    settings = make_settings(server, EDGE_BASE, ldap={"start_tls": True, "ca_file": server.ca_file})

    with caplog.at_level(logging.DEBUG, logger="ldap2ts"):
        read_directory(settings)

    assert server.reader_password not in caplog.text
    commands = [r.getMessage() for r in caplog.records if "ldapsearch" in r.getMessage()]
    assert commands[0] == (
        f"searching users: LDAPTLS_CACERT={server.ca_file} ldapsearch -H {server.url} -x -ZZ "
        f"-D cn=reader,dc=example,dc=com -W -b {EDGE_BASE} -s sub -E pr=500/noprompt "
        "'(objectClass=inetOrgPerson)' cn uid mail displayName name userPrincipalName entryUUID "
        "sAMAccountName"
    )
