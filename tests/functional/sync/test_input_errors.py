"""Values that must give one Error line naming the value and the fix, and write nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from testkit.emulator import EmulatorServer
from testkit.slapd import Slapd

from ldap2ts.errors import ExitCode
from tests.functional.sync.conftest import write_requests

PEM_HINT = "point it at a PEM bundle of CA certificates"


def url_flags(slapd: Slapd, transport: str) -> list[str]:
    if transport == "ldaps":
        return ["--ldap-url", slapd.ldaps_url]
    return ["--ldap-url", slapd.url, "--start-tls"]


@pytest.mark.parametrize("transport", ["ldaps", "start-tls"])
def test_ldap_ca_file_not_pem(
    ldap2ts: Any, write_config: Any, sync_slapd: Slapd, ts_server: EmulatorServer,
    transport: str,
) -> None:  # fmt: skip
    config = write_config()

    run = ldap2ts("check", "-q", "-c", str(config), *url_flags(sync_slapd, transport),
                  "--ldap-ca-file", str(config))  # fmt: skip

    assert run.code == ExitCode.USAGE, run.stderr
    assert "Traceback" not in run.stderr
    assert run.error_lines == [
        f"Error: ldap.ca_file, flag --ldap-ca-file: invalid value {str(config)!r}: no PEM "
        f"certificate in the file (no '-----BEGIN CERTIFICATE-----' line): {PEM_HINT}"
    ]
    assert write_requests(ts_server) == {}


@pytest.mark.parametrize(("flag", "key"), [
    ("--ldap-ca-file", "ldap.ca_file"),
    ("--ts-ca-file", "thoughtspot.ca_file"),
])  # fmt: skip
def test_ca_file_folder(
    ldap2ts: Any, write_config: Any, sync_slapd: Slapd, ts_server: EmulatorServer,
    tmp_path: Path, flag: str, key: str,
) -> None:  # fmt: skip
    run = ldap2ts("check", "-q", "-c", str(write_config()), *url_flags(sync_slapd, "ldaps"),
                  flag, str(tmp_path))  # fmt: skip

    assert run.code == ExitCode.USAGE, run.stderr
    assert run.error_lines == [
        f"Error: {key}, flag {flag}: invalid value {str(tmp_path)!r}: is a directory, not a "
        "file: give the path of a PEM file of CA certificates"
    ]
    assert write_requests(ts_server) == {}


def test_base_dn_with_bare_comma(
    ldap2ts: Any, write_config: Any, ts_server: EmulatorServer
) -> None:
    base = "ou=R&D, Ünïcödé,dc=example,dc=com"

    run = ldap2ts("plan", "-c", str(write_config()), "--base-dn", base)

    assert run.code == ExitCode.USAGE, run.stderr
    assert run.error_lines == [
        f"Error: directory.base_dn, flag --base-dn: invalid value {base!r}: invalid DN "
        "(RFC 4514): cannot parse ' Ünïcödé' after 'ou=R&D,': an RDN is attribute=value, and "
        'a comma or other special character (, + " \\ < > ; =) inside a value must be '
        "escaped with a backslash, such as \\, for a comma; if the comma before it belongs "
        "to the value, write 'ou=R&D\\, Ünïcödé,dc=example,dc=com'"
    ]
    assert write_requests(ts_server) == {}


def test_https_url_on_plain_http_port(
    ldap2ts: Any, write_config: Any, ts_server: EmulatorServer
) -> None:
    https_url = ts_server.url.replace("http://", "https://")

    run = ldap2ts("plan", "-c", str(write_config()), "--ts-url", https_url)

    assert run.code != ExitCode.OK, run.stderr
    assert "Traceback" not in run.stderr
    assert len(run.error_lines) == 1, run.stderr
    error = run.error_lines[0]
    assert error.startswith(f"Error: TLS handshake with ThoughtSpot at {https_url} failed (")
    assert error.endswith(
        f"); the server at that port may speak plain HTTP: use {ts_server.url} in "
        "thoughtspot.url, or the port of its HTTPS listener (usually 443)"
    )
    assert write_requests(ts_server) == {}
