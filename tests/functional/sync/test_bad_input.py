"""Bad input to ldap2ts: one Error: line naming the value, a documented exit code, no write.

Every case runs the real command against the real servers of the sync
tests; only loopback addresses are used (a closed port stands for an
unreachable host, a port that accepts connections and never responds for a timeout).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from testkit.emulator import EmulatorServer
from testkit.slapd import Slapd

from ldap2ts.errors import ExitCode
from tests.functional.sync import directory
from tests.functional.sync.conftest import closed_port, write_requests
from tests.functional.sync.thoughtspot import Admin


@pytest.fixture(scope="session")
def plain_slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slapd]:
    """A slapd without TLS, so StartTLS is refused."""
    with Slapd(tmp_path_factory.mktemp("plain-slapd"), suffix=directory.SUFFIX,
               tls=False) as server:
        yield server


@dataclass
class Context:
    """What a case needs to build its command line."""

    slapd: Slapd
    plain_slapd: Slapd
    emulator: EmulatorServer
    folder: Path
    config: Path
    silent_port: int

    def write(self, name: str, text: str, mode: int = 0o600) -> Path:
        path = self.folder / name
        path.write_text(text)
        path.chmod(mode)
        return path


Case = Callable[[Context], list[str]]


def flags(*arguments: str) -> Case:
    return lambda context: ["plan", "-c", str(context.config), *arguments]


def wrong_ldap_password(context: Context) -> list[str]:
    password_file = context.write("wrong-ldap.pw", "not-the-password\n")
    return ["plan", "-c", str(context.config), "--ldap-password-file", str(password_file)]


def wrong_ts_password(context: Context) -> list[str]:
    password_file = context.write("wrong-ts.pw", "not-the-password\n")
    return ["plan", "-c", str(context.config), "--ts-password-file", str(password_file)]


def non_admin_account(context: Context) -> list[str]:
    admin = Admin(context.emulator)
    try:
        admin.create_user("analyst", account_type="LOCAL_USER", password="Analyst-pass-1")
    finally:
        admin.close()
    password_file = context.write("analyst.pw", "Analyst-pass-1\n")
    return ["plan", "-c", str(context.config), "--ts-username", "analyst",
            "--ts-password-file", str(password_file)]


def invalid_config_file(context: Context) -> list[str]:
    path = context.write("broken.toml", '[ldap]\nurl = "ldap://127.0.0.1\n')
    return ["plan", "-c", str(path)]


def missing_setting(context: Context) -> list[str]:
    text = context.config.read_text().replace(f'base_dn = "{directory.SUFFIX}"\n', "")
    return ["plan", "-c", str(context.write("no-base.toml", text))]


def readable_secret(context: Context) -> list[str]:
    text = context.config.read_text().replace(
        'password_file = "ts.pw"', 'password = "admin"'
    )
    return ["plan", "-c", str(context.write("readable.toml", text, mode=0o644))]


@dataclass(frozen=True)
class BadInput:
    name: str
    arguments: Case
    exit_code: ExitCode
    message: Callable[[Context], str]
    """Text the Error: line must contain."""


CASES = [
    BadInput("unknown flag", flags("--ldap-ulr", "ldap://127.0.0.1"), ExitCode.USAGE,
             lambda c: "unknown flag --ldap-ulr; did you mean --ldap-url?"),
    BadInput("malformed URL", flags("--ldap-url", "ldap//127.0.0.1:389"), ExitCode.USAGE,
             lambda c: "ldap.url, flag --ldap-url: invalid value 'ldap//127.0.0.1:389': "
                       "not a URL"),
    BadInput("unknown scheme", flags("--ts-url", "htps://127.0.0.1"), ExitCode.USAGE,
             lambda c: "thoughtspot.url, flag --ts-url: invalid value 'htps://127.0.0.1': "
                       "unknown scheme 'htps'"),
    BadInput("port out of range", flags("--ldap-url", "ldap://127.0.0.1:70000"),
             ExitCode.USAGE, lambda c: "invalid port: expected a number from 1 to 65535"),
    BadInput("wrong LDAP port", lambda c: flags("--ldap-url", c.emulator.url.replace(
        "http://", "ldap://"), "--set", "ldap.timeout=1")(c), ExitCode.FAILED,
             lambda c: c.emulator.url.replace("http://", "ldap://")),
    BadInput("wrong ThoughtSpot port", lambda c: flags("--ts-url", c.slapd.url.replace(
        "ldap://", "http://"))(c), ExitCode.FAILED,
             lambda c: c.slapd.url.replace("ldap://", "http://")),
    BadInput("unreachable LDAP host", lambda c: flags(
        "--ldap-url", f"ldap://127.0.0.1:{closed_port()}")(c), ExitCode.FAILED,
             lambda c: "ldap://127.0.0.1:"),
    BadInput("unreachable ThoughtSpot", lambda c: flags(
        "--ts-url", f"http://127.0.0.1:{closed_port()}")(c), ExitCode.FAILED,
             lambda c: "http://127.0.0.1:"),
    BadInput("LDAP timeout", lambda c: flags(
        "--ldap-url", f"ldap://127.0.0.1:{c.silent_port}", "--set", "ldap.timeout=1")(c),
             ExitCode.FAILED, lambda c: f"ldap://127.0.0.1:{c.silent_port}"),
    BadInput("ThoughtSpot timeout", lambda c: flags(
        "--ts-url", f"http://127.0.0.1:{c.silent_port}", "--set", "thoughtspot.timeout=1")(c),
             ExitCode.FAILED, lambda c: f"http://127.0.0.1:{c.silent_port}"),
    BadInput("wrong LDAP password", wrong_ldap_password, ExitCode.FAILED,
             lambda c: c.slapd.reader_dn),
    BadInput("wrong ThoughtSpot password", wrong_ts_password, ExitCode.FAILED,
             lambda c: "tsadmin"),
    BadInput("non-admin ThoughtSpot account", non_admin_account, ExitCode.FAILED,
             lambda c: "analyst"),
    BadInput("invalid base DN", flags("--base-dn", "example.com"), ExitCode.USAGE,
             lambda c: "directory.base_dn, flag --base-dn: invalid value 'example.com': "
                       "invalid DN"),
    BadInput("base DN that does not exist", flags("--base-dn", "ou=Nowhere,dc=example,dc=com"),
             ExitCode.FAILED, lambda c: "ou=Nowhere,dc=example,dc=com"),
    BadInput("invalid filter", flags("--filter", "(objectClass=person"), ExitCode.USAGE,
             lambda c: "directory.filter, flag --filter: invalid value '(objectClass=person': "
                       "invalid LDAP filter (RFC 4515)"),
    BadInput("unknown scope", flags("--scope", "deep"), ExitCode.USAGE,
             lambda c: "directory.scope, flag --scope: invalid value 'deep': expected base, "
                       "one or sub (or 0, 1, 2)"),
    BadInput("certificate not trusted", lambda c: flags("--ldap-url", c.slapd.ldaps_url)(c),
             ExitCode.FAILED, lambda c: c.slapd.ldaps_url),
    BadInput("StartTLS refused", lambda c: flags("--ldap-url", c.plain_slapd.url,
                                                 "--start-tls")(c),
             ExitCode.FAILED, lambda c: c.plain_slapd.url),
    BadInput("invalid configuration file", invalid_config_file, ExitCode.USAGE,
             lambda c: "(at line 2, column 24)"),
    BadInput("missing setting", missing_setting, ExitCode.USAGE,
             lambda c: "directory.base_dn: missing setting: set base_dn in [directory] of the "
                       "configuration file, --base-dn or LDAP2TS_DIRECTORY_BASE_DN"),
    BadInput("secret in readable configuration", readable_secret, ExitCode.USAGE,
             lambda c: "contains a secret (thoughtspot.password) but its mode is 0644, so "
                       "group or others can read it; run chmod 600"),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input(
    case: BadInput,
    ldap2ts: Any,
    write_config: Any,
    config_dir: Path,
    sync_slapd: Slapd,
    plain_slapd: Slapd,
    ts_server: EmulatorServer,
    silent_port: int,
) -> None:
    context = Context(sync_slapd, plain_slapd, ts_server, config_dir, write_config(),
                      silent_port)
    arguments = case.arguments(context)
    ts_server.reset_counters()

    run = ldap2ts(*arguments)

    assert len(run.error_lines) == 1, run.stderr
    assert case.message(context) in run.error_lines[0]
    assert run.code == case.exit_code, run.stderr
    assert "Traceback" not in run.stderr
    assert write_requests(ts_server) == {}
    assert run.stderr.splitlines()[-1] in (
        run.error_lines[0], "Nothing was changed in ThoughtSpot."
    )
