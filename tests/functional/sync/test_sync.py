"""The real ldap2ts command against a real slapd and the ThoughtSpot emulator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from testkit.emulator import EmulatorServer

from ldap2ts.errors import ExitCode
from tests.functional.sync import directory
from tests.functional.sync.conftest import write_requests
from tests.functional.sync.thoughtspot import Admin, ldap_groups, ldap_users


@pytest.fixture
def admin(ts_server: EmulatorServer) -> Iterator[Admin]:
    client = Admin(ts_server)
    yield client
    client.close()


def apply(ldap2ts: Any, config: Path, *extra: str) -> Any:
    run = ldap2ts("apply", "--yes", "-c", str(config), *extra)
    assert run.error_lines == [], run.stderr
    assert run.code == ExitCode.OK, run.stderr
    return run


def test_first_sync_creates_expected_principals(
    ldap2ts: Any, write_config: Any, ts_server: EmulatorServer
) -> None:
    run = apply(ldap2ts, write_config())

    users = ldap_users(ts_server)
    assert {name: (user["display_name"], user["email"]) for name, user in users.items()} == (
        directory.expected_users()
    )
    assert {user["account_status"] for user in users.values()} == {"ACTIVE"}
    groups = ldap_groups(ts_server)
    assert {
        name: (set(group["users"]), set(group["sub_groups"])) for name, group in groups.items()
    } == directory.expected_groups()
    assert (
        '  create user name=alice@example.com display_name="Alice Ng" email=alice@example.com'
        in run.stdout.splitlines()
    )
    assert '  add member group="R&D, Europe" sub_group=engineering' in run.stdout.splitlines()
    assert run.stderr.splitlines()[-1] == (
        "ThoughtSpot was changed; the summary above lists what was done."
    )


def test_first_sync_output_counts(ldap2ts: Any, write_config: Any) -> None:
    run = apply(ldap2ts, write_config())
    lines = run.stdout.splitlines()
    assert "create group (4):" in lines
    assert "create user (5):" in lines
    assert f"add member ({directory.expected_membership_count()}):" in lines
    summary = [line for line in lines if line.startswith("Applied: ")]
    assert len(summary) == 1
    assert summary[0].endswith("; 0 changes failed, 0 changes not started.")
    # The result summary is printed once, on stdout; stderr has diagnostics only.
    assert not any(line.startswith(("Applied:", "Interrupted:"))
                   for line in run.stderr.splitlines())


def test_apply_counts_changes_as_plan(ldap2ts: Any, write_config: Any) -> None:
    run = apply(ldap2ts, write_config())
    members = directory.expected_membership_count()
    total = len(directory.GROUPS) + len(directory.USERS) + members

    assert f"Plan: create 4 groups, create 5 users, add {members} members, " \
        f"{total} changes in all." in run.stdout.splitlines()
    assert f"Applying {total} changes to ThoughtSpot, counted as in the plan" \
        in run.stderr.splitlines()


def test_second_run_writes_nothing(
    ldap2ts: Any, write_config: Any, ts_server: EmulatorServer
) -> None:
    config = write_config()
    apply(ldap2ts, config)
    ts_server.reset_counters()

    run = apply(ldap2ts, config)

    assert write_requests(ts_server) == {}
    assert ts_server.counters()["writes"] == 0
    assert "Plan: nothing to change." in run.stdout.splitlines()
    assert run.stderr.splitlines()[-1] == "Nothing was changed in ThoughtSpot."


def test_plan_changes_nothing(ldap2ts: Any, write_config: Any, ts_server: EmulatorServer) -> None:
    run = ldap2ts("plan", "-c", str(write_config()))

    assert run.code == ExitCode.OK, run.stderr
    assert write_requests(ts_server) == {}
    assert ldap_users(ts_server) == {}
    change_lines = [line for line in run.stdout.splitlines() if line.startswith("  ")]
    assert change_lines
    assert all(line.startswith("  would ") for line in change_lines)
    assert run.stderr.splitlines()[1] == "plan: nothing will be changed"
    assert run.stderr.splitlines()[-1] == "Nothing was changed in ThoughtSpot."


def test_default_command_is_plan(
    ldap2ts: Any, write_config: Any, ts_server: EmulatorServer
) -> None:
    run = ldap2ts("-c", str(write_config()))
    assert run.code == ExitCode.OK, run.stderr
    assert write_requests(ts_server) == {}
    assert any(line.startswith("  would create user name=alice@example.com ")
               for line in run.stdout.splitlines())


def test_check_exit_codes(ldap2ts: Any, write_config: Any, ts_server: EmulatorServer) -> None:
    config = write_config()
    pending = ldap2ts("check", "-c", str(config))
    assert pending.code == ExitCode.CHANGES_PENDING, pending.stderr
    apply(ldap2ts, config)
    ts_server.reset_counters()

    clean = ldap2ts("check", "-c", str(config))

    assert clean.code == ExitCode.OK, clean.stderr
    assert write_requests(ts_server) == {}


def test_drift_made_by_hand_is_repaired(
    ldap2ts: Any, write_config: Any, ts_server: EmulatorServer, admin: Admin
) -> None:
    config = write_config()
    apply(ldap2ts, config)
    admin.remove_member("engineering", "alice@example.com")
    admin.update_user("bob@example.com", display_name="Robert")
    admin.create_user("mallory@example.com", account_type="LDAP_USER")

    check = ldap2ts("check", "-c", str(config))
    assert check.code == ExitCode.CHANGES_PENDING, check.stderr
    run = apply(ldap2ts, config)

    lines = run.stdout.splitlines()
    assert "  add member group=engineering user=alice@example.com" in lines
    assert '  update user name=bob@example.com display_name="Bob Stone"' in lines
    assert "  deactivate user name=mallory@example.com" in lines
    assert "alice@example.com" in admin.group("engineering")["users"]
    assert admin.user("bob@example.com")["display_name"] == "Bob Stone"
    assert admin.user("mallory@example.com")["account_status"] == "INACTIVE"
    assert ldap2ts("check", "-c", str(config)).code == ExitCode.OK


def test_local_user_and_builtins_untouched(
    ldap2ts: Any, write_config: Any, ts_server: EmulatorServer, admin: Admin
) -> None:
    config = write_config()
    apply(ldap2ts, config)
    admin.create_user("localuser", account_type="LOCAL_USER")
    admin.add_member("engineering", "localuser")
    admin.create_group("local-team")
    before = {
        principal["name"]: principal
        for principal in ts_server.state()["users"] + ts_server.state()["groups"]
        if principal.get("builtin") or principal["name"] in ("localuser", "local-team")
    }

    apply(ldap2ts, config, "--purge-action", "delete")

    after = {
        principal["name"]: principal
        for principal in ts_server.state()["users"] + ts_server.state()["groups"]
        if principal["name"] in before
    }
    assert after == before
    assert "localuser" in admin.group("engineering")["users"]


def test_report_file_holds_result(
    ldap2ts: Any, write_config: Any, config_dir: Path
) -> None:
    report_path = config_dir / "report.json"
    apply(ldap2ts, write_config(), "--report", str(report_path))

    report = json.loads(report_path.read_text())
    assert report["mode"] == "apply"
    assert report["exit_code"] == 0
    assert report["changed"] is True
    assert report["directory"]["users"] == len(directory.USERS)
    assert report["directory"]["complete"] is True
    assert report["apply"]["created"] == len(directory.USERS) + len(directory.GROUPS)
    assert report["apply"]["failed"] == 0
    names = {change["name"] for change in report["plan"]["changes"]}
    assert "alice@example.com" in names
    assert report["plan"]["counts"]["create user"] == len(directory.USERS)


def test_apply_writes_journal(ldap2ts: Any, write_config: Any, config_dir: Path) -> None:
    apply(ldap2ts, write_config())

    journals = list((config_dir / "state").glob("journal-*.jsonl"))
    assert len(journals) == 1
    entries = [json.loads(line) for line in journals[0].read_text().splitlines()]
    assert {entry["outcome"] for entry in entries} == {"applied"}
    assert "alice@example.com" in {entry["name"] for entry in entries}
    assert {entry["action"] for entry in entries} >= {"create user", "create group"}
