"""Encrypted LDAP connections and a configuration given only by environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from testkit.emulator import EmulatorServer
from testkit.slapd import Slapd

from ldap2ts.errors import ExitCode
from tests.functional.sync import directory
from tests.functional.sync.conftest import LDAP_PASSWORD, TS_PASSWORD

PLAN_SUMMARY = (
    f"Plan: create {len(directory.GROUPS)} groups, create {len(directory.USERS)} users, "
    f"add {directory.expected_membership_count()} members, "
    f"{len(directory.GROUPS) + len(directory.USERS) + directory.expected_membership_count()} "
    "changes in all."
)


def test_ldaps_with_ca_file(ldap2ts: Any, write_config: Any, sync_slapd: Slapd) -> None:
    run = ldap2ts("plan", "-c", str(write_config()), "--ldap-url", sync_slapd.ldaps_url,
                  "--ldap-ca-file", sync_slapd.ca_file)

    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout.splitlines()[-1] == PLAN_SUMMARY


def test_start_tls_with_ca_file(ldap2ts: Any, write_config: Any, sync_slapd: Slapd) -> None:
    run = ldap2ts("plan", "-c", str(write_config()), "--start-tls",
                  "--ldap-ca-file", sync_slapd.ca_file)

    assert run.code == ExitCode.OK, run.stderr
    assert run.stdout.splitlines()[-1] == PLAN_SUMMARY


def test_environment_only_configuration(
    ldap2ts: Any, config_dir: Path, sync_slapd: Slapd, ts_server: EmulatorServer
) -> None:
    environ = {
        "LDAP2TS_LDAP_URL": sync_slapd.url,
        "LDAP2TS_LDAP_BIND_DN": sync_slapd.reader_dn,
        "LDAP2TS_LDAP_PASSWORD": LDAP_PASSWORD,
        "LDAP2TS_DIRECTORY_FLAVOUR": "openldap",
        "LDAP2TS_DIRECTORY_BASE_DN": directory.SUFFIX,
        "LDAP2TS_NAMING_USER_NAME_TEMPLATE": "{uid}@example.com",
        "LDAP2TS_NAMING_GROUP_NAME_TEMPLATE": "{cn}",
        "LDAP2TS_TS_URL": ts_server.url,
        "LDAP2TS_TS_USERNAME": "tsadmin",
        "LDAP2TS_TS_PASSWORD": TS_PASSWORD,
        "LDAP2TS_SYNC_STATE_DIR": str(config_dir / "state"),
    }

    run = ldap2ts("check", env=environ)

    assert run.code == ExitCode.CHANGES_PENDING, run.stderr
    assert run.stderr.splitlines()[0].endswith(
        "configuration from the environment and flags (no file)"
    )
    assert "ldap.password from env LDAP2TS_LDAP_PASSWORD" in run.stderr


def test_unverified_thoughtspot_warns(
    ldap2ts: Any, write_config: Any, ts_server: EmulatorServer
) -> None:
    run = ldap2ts("plan", "-c", str(write_config()), "--set", "thoughtspot.verify_tls=false")

    assert run.code == ExitCode.OK, run.stderr
    assert (
        f"Warning: TLS certificate verification is off for ThoughtSpot at {ts_server.url}; "
        "anyone on the network path can read the password and tokens"
    ) in run.stderr.splitlines()
