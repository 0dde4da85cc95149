"""Consent, thresholds, the lock and signals around a real apply."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import pexpect
import pytest
from testkit.emulator import EmulatorServer

from ldap2ts.config import load_settings
from ldap2ts.errors import ExitCode
from ldap2ts.lock import run_lock
from tests.functional.sync import directory
from tests.functional.sync.conftest import LDAP2TS, clean_environment, write_requests
from tests.functional.sync.thoughtspot import Admin, ldap_users


def spawn(config_dir: Path, *arguments: str) -> pexpect.spawn:
    """Run ldap2ts on a pseudo-terminal, as a person at a shell would."""
    return pexpect.spawn(str(LDAP2TS), list(arguments), cwd=str(config_dir),
                         env=clean_environment(config_dir), encoding="utf-8", timeout=30)


def test_declined_confirmation_changes_nothing(
    config_dir: Path, write_config: Any, ts_server: EmulatorServer
) -> None:
    child = spawn(config_dir, "apply", "-c", str(write_config()))
    # One change per plan line: every group, every user, every member.
    total = len(directory.GROUPS) + len(directory.USERS) + directory.expected_membership_count()
    child.expect_exact(f"Apply these {total} changes to ThoughtSpot? [y/N] ")
    child.sendline("n")
    child.expect("Apply cancelled.")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == ExitCode.CHANGES_PENDING
    assert write_requests(ts_server) == {}
    assert ldap_users(ts_server) == {}


def test_accepted_confirmation_applies(
    config_dir: Path, write_config: Any, ts_server: EmulatorServer
) -> None:
    child = spawn(config_dir, "apply", "-c", str(write_config()))
    child.expect(r"\[y/N\] ")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == ExitCode.OK
    assert "alice@example.com" in ldap_users(ts_server)


def test_password_prompt_on_terminal(
    config_dir: Path, write_config: Any, ts_server: EmulatorServer
) -> None:
    config = write_config()
    config.write_text(config.read_text().replace('password_file = "ts.pw"\n', ""))
    child = spawn(config_dir, "plan", "-c", str(config))
    child.expect("ThoughtSpot password for tsadmin: ")
    child.sendline("admin")
    child.expect(pexpect.EOF)
    output = child.before
    child.close()

    assert child.exitstatus == ExitCode.OK, output
    assert "thoughtspot.password from prompt" in output


def test_refused_plan_writes_nothing(
    ldap2ts: Any, write_config: Any, config_dir: Path, ts_server: EmulatorServer
) -> None:
    config = write_config()
    assert ldap2ts("apply", "--yes", "-c", str(config)).code == ExitCode.OK
    admin = Admin(ts_server)
    for number in range(6):
        admin.create_user(f"gone{number}@example.com", account_type="LDAP_USER")
    admin.close()
    ts_server.reset_counters()

    report_path = config_dir / "refused.json"
    refused = ldap2ts("apply", "--yes", "-c", str(config), "--set", "sync.max_removal_ratio=0.1",
                      "--report", str(report_path))

    assert refused.code == ExitCode.REFUSED, refused.stderr
    assert len(refused.error_lines) == 1
    assert "--force" in refused.error_lines[0]
    assert "  deactivate user name=gone0@example.com" in refused.stdout.splitlines()
    assert write_requests(ts_server) == {}
    report = json.loads(report_path.read_text())
    assert report["exit_code"] == ExitCode.REFUSED
    assert report["error"] == refused.error_lines[0].removeprefix("Error: ")
    assert report["changed"] is False
    assert report["plan"]["counts"]["deactivate user"] == 6

    forced = ldap2ts("apply", "--yes", "--force", "-c", str(config),
                     "--set", "sync.max_removal_ratio=0.1")

    assert forced.code == ExitCode.OK, forced.stderr
    statuses = {name: user["account_status"] for name, user in ldap_users(ts_server).items()}
    assert statuses["gone0@example.com"] == "INACTIVE"
    assert statuses["alice@example.com"] == "ACTIVE"


def test_apply_waits_for_no_one_holding_lock(
    ldap2ts: Any, write_config: Any, config_dir: Path, ts_server: EmulatorServer
) -> None:
    config = write_config()
    settings = load_settings(config_file=str(config), flags={}, environ={})

    with run_lock(settings):
        locked = ldap2ts("apply", "--yes", "-c", str(config))
        planned = ldap2ts("plan", "-c", str(config))

    assert locked.code == ExitCode.LOCKED, locked.stderr
    assert len(locked.error_lines) == 1
    assert write_requests(ts_server) == {}
    assert planned.code == ExitCode.OK, planned.stderr


@pytest.mark.timeout(120)
def test_sigterm_during_apply_stops_then_converges(
    ldap2ts: Any, write_config: Any, config_dir: Path, ts_server: EmulatorServer
) -> None:
    config = write_config()
    ts_server.set_knobs(latency_ms=400)
    process = subprocess.Popen(
        [str(LDAP2TS), "apply", "--yes", "-c", str(config)], cwd=config_dir,
        env=clean_environment(config_dir), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("Journal of this run"):
            os.kill(process.pid, signal.SIGTERM)
            break
    stdout, rest = process.communicate(timeout=90)
    stderr = "".join(seen) + rest
    ts_server.set_knobs(latency_ms=0)

    assert process.returncode == ExitCode.INTERRUPTED, stderr
    assert "SIGTERM received" in stderr
    summaries = [line for line in stdout.splitlines() if line.startswith("Interrupted: ")]
    assert len(summaries) == 1, stdout
    assert summaries[0].endswith(" changes not started; run ldap2ts again to finish.")
    assert not any(line.startswith(("Applied:", "Interrupted:")) for line in stderr.splitlines())
    assert ldap2ts("apply", "--yes", "-c", str(config)).code == ExitCode.OK
    assert ldap2ts("check", "-c", str(config)).code == ExitCode.OK


@pytest.mark.timeout(120)
def test_signals_after_summary_keep_exit_6(
    write_config: Any, config_dir: Path, ts_server: EmulatorServer
) -> None:
    """SIGINT stops the apply; more SIGINTs while ldap2ts exits must not turn 6 into 130."""
    ts_server.set_knobs(latency_ms=300)
    environ = clean_environment(config_dir) | {"PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [str(LDAP2TS), "apply", "--yes", "-c", str(write_config()),
         "--set", "ts.import_batch_size=1", "--set", "ts.concurrency=1"],
        cwd=config_dir, env=environ, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    for line in process.stderr:
        if line.startswith("Journal of this run"):
            break
    os.kill(process.pid, signal.SIGINT)
    printed = []
    for line in process.stdout:
        printed.append(line)
        if line.startswith("Interrupted: "):
            break
    # Keep signalling until the process has exited, so that signals land in its exit path.
    for _ in range(20000):
        if process.poll() is not None:
            break
        try:
            os.kill(process.pid, signal.SIGINT)
        except ProcessLookupError:
            break
    rest, stderr = process.communicate(timeout=90)
    ts_server.set_knobs(latency_ms=0)
    stdout = "".join(printed) + rest

    assert process.returncode == ExitCode.INTERRUPTED, stderr
    assert [line for line in stdout.splitlines() if line.startswith("Interrupted: ")] != []
    # A signal that lands before the run has returned stops it at once, with one line.
    assert [line for line in stderr.splitlines() if line.startswith("Error:")] in (
        [], ["Error: interrupted; run ldap2ts again to finish the sync"]
    )


def test_unusable_state_dir_stops_before_writing(
    ldap2ts: Any, write_config: Any, config_dir: Path, ts_server: EmulatorServer
) -> None:
    blocker = config_dir / "not-a-folder"
    blocker.write_text("")

    run = ldap2ts("apply", "--yes", "-c", str(write_config()),
                  "--state-dir", str(blocker / "state"))

    assert run.code == ExitCode.USAGE, run.stderr
    assert len(run.error_lines) == 1
    assert str(blocker / "state") in run.error_lines[0]
    assert write_requests(ts_server) == {}
    assert run.stderr.splitlines()[-1] == "Nothing was changed in ThoughtSpot."


def test_filter_matching_nothing_is_refused(
    ldap2ts: Any, write_config: Any, ts_server: EmulatorServer
) -> None:
    config = write_config()
    assert ldap2ts("apply", "--yes", "-c", str(config)).code == ExitCode.OK
    ts_server.reset_counters()

    run = ldap2ts("apply", "--yes", "-c", str(config), "--filter", "(cn=nobody-has-this-name)",
                  "--purge-action", "delete")

    assert run.code == ExitCode.REFUSED, run.stderr
    assert len(run.error_lines) == 1
    assert "found no users and no groups" in run.error_lines[0]
    assert write_requests(ts_server) == {}
    assert len(ldap_users(ts_server)) == 5


def test_failed_change_makes_run_partial(
    ldap2ts: Any, write_config: Any, config_dir: Path, ts_server: EmulatorServer
) -> None:
    config = write_config()
    assert ldap2ts("apply", "--yes", "-c", str(config)).code == ExitCode.OK
    admin = Admin(ts_server)
    admin.update_user("bob@example.com", display_name="Robert")
    admin.update_user("carol@example.com", display_name="Caroline")
    admin.close()
    ts_server.set_knobs(fault_paths=["/update"], fail_next=1)

    run = ldap2ts("apply", "--yes", "-c", str(config), "--report",
                  str(config_dir / "partial.json"))

    assert run.code == ExitCode.PARTIAL, run.stderr
    assert run.error_lines == []
    lines = run.stdout.splitlines()
    assert "failed (1):" in lines
    summary = [line for line in lines if line.startswith("Applied: ")]
    assert len(summary) == 1
    assert " 1 updated, " in summary[0]
    assert "; 1 change failed, " in summary[0]
    report = json.loads((config_dir / "partial.json").read_text())
    assert report["exit_code"] == ExitCode.PARTIAL
    assert report["apply"]["failed"] == 1
    assert report["apply"]["failures"][0]["change"]["action"] == "update user"

    assert ldap2ts("apply", "--yes", "-c", str(config)).code == ExitCode.OK
    assert ldap2ts("check", "-c", str(config)).code == ExitCode.OK


@pytest.mark.timeout(120)
def test_second_signal_stops_at_once_and_reports(
    write_config: Any, config_dir: Path, ts_server: EmulatorServer
) -> None:
    """A second SIGINT stops the apply at once; report, metrics and JSON log still say so."""
    report_path, metrics_path = config_dir / "report.json", config_dir / "ldap2ts.prom"
    ts_server.set_knobs(latency_ms=300)
    environ = clean_environment(config_dir) | {"PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [str(LDAP2TS), "apply", "--yes", "-c", str(write_config()),
         "--set", "ts.import_batch_size=2", "--set", "ts.concurrency=1",
         "--report", str(report_path), "--metrics-file", str(metrics_path),
         "--log-format", "json", "-v"],
        cwd=config_dir, env=environ, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    assert process.stderr is not None
    seen = []
    signalled = False
    for line in process.stderr:
        seen.append(line)
        message = json.loads(line)["message"]
        if message.startswith("Applied: ") and not signalled:
            os.kill(process.pid, signal.SIGINT)
            signalled = True
        elif message.startswith("SIGINT received"):
            # The first signal is handled; the next import takes 300 ms.
            os.kill(process.pid, signal.SIGINT)
            break
    stdout, rest = process.communicate(timeout=90)
    ts_server.set_knobs(latency_ms=0)
    records = [json.loads(line) for line in "".join(seen + [rest]).splitlines()]

    assert process.returncode == ExitCode.INTERRUPTED, records
    errors = [record for record in records if record["level"] == "error"]
    assert [record["message"] for record in errors] == [
        "Error: interrupted; run ldap2ts again to finish the sync"
    ]
    assert errors[0]["exit_code"] == ExitCode.INTERRUPTED
    outcome = [record for record in records if record["level"] == "info"][-1]
    assert outcome["message"] == (
        "ThoughtSpot was changed; the summary above lists what was done, "
        "and the next run finishes the rest."
    )
    summaries = [line for line in stdout.splitlines() if line.startswith("Interrupted: ")]
    assert len(summaries) == 1, stdout

    written = json.loads(report_path.read_text())
    assert written["exit_status"] == "interrupted"
    assert written["changed"] is True
    applied = written["apply"]
    assert applied["summary"] == summaries[0]
    done = sum(applied[kind] for kind in ("created", "added", "updated", "reactivated",
                                          "removed", "deactivated", "deleted"))
    assert applied["skipped"] > 0
    assert done + applied["failed"] + applied["skipped"] == sum(written["plan"]["counts"].values())

    metrics = metrics_path.read_text().splitlines()
    assert "ldap2ts_last_run_exit_code 6" in metrics
    assert 'ldap2ts_last_run_result{result="interrupted"} 1' in metrics
    assert f"ldap2ts_apply_not_started {applied['skipped']}" in metrics
