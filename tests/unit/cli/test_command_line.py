"""The ldap2ts command line before it reaches any server: usage errors and exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ldap2ts import engine
from ldap2ts.apply import ApplyResult
from ldap2ts.cli import main
from ldap2ts.cli.parser import build_parser, flag_values
from ldap2ts.engine import ApplyStopped
from ldap2ts.errors import (
    DirectoryError,
    ExitCode,
    Ldap2tsError,
    LockedError,
    RefusedError,
    ThoughtSpotError,
)
from tests.unit.cli.conftest import WriteConfig


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


def test_version_prints_and_exits_ok(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == ExitCode.OK
    assert out.startswith("ldap2ts ")


def test_unknown_flag_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "plan", "--ldap-ulr", "ldap://127.0.0.1")
    assert code == ExitCode.USAGE
    assert out == ""
    assert error_lines(err) == [
        "Error: unknown flag --ldap-ulr; did you mean --ldap-url? "
        "Run ldap2ts --help for the list of flags"
    ]
    assert "Traceback" not in err


def test_unknown_command_lists_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "aply")
    assert code == ExitCode.USAGE
    assert err.splitlines() == [
        "Error: unknown command: 'aply' (expected one of 'plan', 'apply', 'check', 'explain')"
    ]


def test_flag_without_value_names_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--base-dn")
    assert code == ExitCode.USAGE
    assert err.splitlines() == [
        "Error: --base-dn: expected one argument; run ldap2ts --help for usage"
    ]


def test_set_refuses_secrets(capsys: pytest.CaptureFixture[str], write_config: WriteConfig) -> None:
    code, _, err = run(capsys, "-c", str(write_config()), "--set", "ldap.password=hunter2")
    assert code == ExitCode.USAGE
    assert error_lines(err) == [
        "Error: --set ldap.password: secrets are not accepted on the command line, where "
        "other users can see them; use LDAP2TS_LDAP_PASSWORD or a password file"
    ]
    assert "hunter2" not in err


def test_set_unknown_key_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--set", "ldap.timout=3")
    assert code == ExitCode.USAGE
    assert error_lines(err) == [
        "Error: --set 'ldap.timout=3': expected SECTION.KEY=VALUE with a known key; "
        "did you mean ldap.timeout?"
    ]


@pytest.mark.parametrize("section", ["ts", "TS"])
def test_set_accepts_ts_section(section: str) -> None:
    arguments = build_parser().parse_args(["--set", f"{section}.url=https://127.0.0.1:8443"])

    values = flag_values(arguments)

    assert list(values) == ["thoughtspot.url"]
    assert values["thoughtspot.url"].value == "https://127.0.0.1:8443"


def test_set_ts_alias_keeps_secret_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--set", "ts.password=hunter2")
    assert code == ExitCode.USAGE
    assert error_lines(err) == [
        "Error: --set thoughtspot.password: secrets are not accepted on the command line, "
        "where other users can see them; use LDAP2TS_TS_PASSWORD or a password file"
    ]


def test_set_unknown_section_lists_sections(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--set", "thoughtspt.url=x")
    assert code == ExitCode.USAGE
    assert error_lines(err) == [
        "Error: --set 'thoughtspt.url=x': unknown section 'thoughtspt', expected one of "
        "ldap, directory, naming, thoughtspot (or ts), sync; did you mean thoughtspot?"
    ]


def test_set_without_equals_shows_form(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--set", "ldap.timeout")
    assert code == ExitCode.USAGE
    assert error_lines(err) == [
        "Error: --set 'ldap.timeout': expected SECTION.KEY=VALUE, e.g. ldap.timeout=10"
    ]


def test_apply_without_terminal_needs_yes(
    capsys: pytest.CaptureFixture[str], write_config: WriteConfig
) -> None:
    code, out, err = run(capsys, "apply", "-c", str(write_config()))
    assert code == ExitCode.USAGE
    assert out == ""
    assert error_lines(err) == [
        "Error: apply needs --yes when standard input is not a terminal (cron, pipes); "
        "review the changes with ldap2ts plan first"
    ]
    assert err.splitlines()[-1] == "Nothing was changed in ThoughtSpot."


def test_first_lines_name_version_config_and_mode(
    capsys: pytest.CaptureFixture[str], write_config: WriteConfig
) -> None:
    path = write_config()
    code, _, err = run(capsys, "-c", str(path))
    assert code == ExitCode.USAGE
    lines = err.splitlines()
    assert lines[0].startswith("ldap2ts ")
    assert lines[0].endswith(f", configuration {path}")
    assert lines[1] == "plan: nothing will be changed"
    assert lines[-1] == "Nothing was changed in ThoughtSpot."


def test_config_error_exit_code_and_single_line(
    capsys: pytest.CaptureFixture[str], write_config: WriteConfig
) -> None:
    path = write_config("[ldap]\nurl = 5\n")
    code, _, err = run(capsys, "check", "-c", str(path))
    assert code == ExitCode.USAGE
    assert error_lines(err) == [
        f"Error: ldap.url, file {path} line 2: invalid value 5: expected a string, got a number"
    ]


def test_report_folder_must_exist(
    capsys: pytest.CaptureFixture[str], write_config: WriteConfig, tmp_path: Path
) -> None:
    report = tmp_path / "absent" / "report.json"
    code, _, err = run(capsys, "-c", str(write_config()), "--report", str(report))
    assert code == ExitCode.USAGE
    assert error_lines(err) == [
        f"Error: --report {report}: folder {report.parent} not found; create it or pick another"
    ]


@pytest.mark.parametrize(("flag", "example"), [("--report", "ldap2ts-report.json"),
                                                ("--metrics-file", "ldap2ts.prom")])
def test_output_path_that_is_a_folder_rejected(
    capsys: pytest.CaptureFixture[str], write_config: WriteConfig, tmp_path: Path,
    flag: str, example: str,
) -> None:
    folder = f"{tmp_path}/"
    code, _, err = run(capsys, "-c", str(write_config()), flag, folder)
    assert code == ExitCode.USAGE
    assert error_lines(err) == [
        f"Error: {flag} {folder}: is a directory; give the path of a file in it, "
        f"such as {tmp_path}/{example}"
    ]


def test_verbose_and_quiet_conflict(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "-v", "-q")
    assert code == ExitCode.USAGE
    assert error_lines(err) == [
        "Error: -v/--verbose and -q/--quiet cannot be used together; pick one"
    ]


def test_closed_stdout_is_one_error_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)
    with os.fdopen(write_end, "w", buffering=1) as closed_pipe:
        monkeypatch.setattr(sys, "stdout", closed_pipe)
        code = main(["--version"])

    assert code == ExitCode.FAILED
    assert error_lines(capsys.readouterr().err) == [
        "Error: standard output was closed before the output was complete"
    ]


@pytest.mark.parametrize(
    ("error", "code", "last_line"),
    [
        (RefusedError("the plan deletes too much"), ExitCode.REFUSED,
         "Nothing was changed in ThoughtSpot."),
        (LockedError("another run holds the lock"), ExitCode.LOCKED,
         "Nothing was changed in ThoughtSpot."),
        (DirectoryError("cannot reach LDAP server"), ExitCode.FAILED,
         "Nothing was changed in ThoughtSpot."),
        (ThoughtSpotError("login rejected", status=401), ExitCode.FAILED,
         "Nothing was changed in ThoughtSpot."),
        (ApplyStopped(ThoughtSpotError("connection lost")), ExitCode.FAILED,
         "The apply stopped after it began: changes made before the error stay; the "
         "journal lists them, and the next run finishes the rest."),
    ],
)
def test_engine_error_exit_codes(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    write_config: WriteConfig,
    error: Ldap2tsError,
    code: ExitCode,
    last_line: str,
) -> None:
    def fail(*arguments: object, **keywords: object) -> None:
        raise error

    monkeypatch.setattr(engine, "run", fail)
    monkeypatch.setenv("LDAP2TS_TS_PASSWORD", "ts-secret")

    exit_code, _, err = run(capsys, "plan", "-c", str(write_config()))

    assert exit_code == code
    assert error_lines(err) == [f"Error: {error}"]
    assert err.splitlines()[-1] == last_line


def test_quiet_stop_at_once_logs_summary(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], write_config: WriteConfig
) -> None:
    counts = ApplyResult(created=2, added=3, skipped=4, interrupted=True)

    def stopped(*arguments: object, **keywords: object) -> None:
        raise ApplyStopped(engine.InterruptedRun(engine.STOPPED_AT_ONCE), result=counts)

    monkeypatch.setattr(engine, "run", stopped)
    monkeypatch.setenv("LDAP2TS_TS_PASSWORD", "ts-secret")

    exit_code, out, err = run(capsys, "apply", "--yes", "--quiet", "-c", str(write_config()))

    assert exit_code == ExitCode.INTERRUPTED
    assert out == ""
    assert err.splitlines() == [
        "Interrupted: 2 created, 3 members added, 0 updated, 0 reactivated, 0 members removed, "
        "0 deactivated, 0 deleted; 0 changes failed, 4 changes not started; "
        "run ldap2ts again to finish.",
        "Error: interrupted; run ldap2ts again to finish the sync",
    ]
