"""The cron and systemd files under examples/ run as written, with only paths replaced."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.functional.api.conftest import (
    EXAMPLES,
    LDAP2TS,
    LDAP_PASSWORD,
    TS_PASSWORD,
    run_command,
)

CRON = EXAMPLES / "cron"
SYSTEMD = EXAMPLES / "systemd"
TIMESTAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"


def secretless_config(write_config: Any) -> Path:
    """Write the test configuration without its password_file lines."""
    path: Path = write_config()
    lines = [line for line in path.read_text().splitlines() if "password_file" not in line]
    path.write_text("\n".join(lines) + "\n")
    return path


def cron_environment(folder: Path, config: Path) -> dict[str, str]:
    return {
        "CRON_LDAP2TS": str(LDAP2TS),
        "CRON_CONFIG": str(config),
        "CRON_ENV_FILE": str(folder / "ldap2ts.env"),
        "CRON_LOG_FILE": str(folder / "log" / "ldap2ts.log"),
        "CRON_METRICS_FILE": str(folder / "ldap2ts.prom"),
        "CRON_REPORT_FILE": str(folder / "last-run.json"),
    }


def write_env_file(folder: Path, mode: int = 0o600, ts_password: str = TS_PASSWORD) -> None:
    path = folder / "ldap2ts.env"
    path.write_text(f"LDAP2TS_LDAP_PASSWORD='{LDAP_PASSWORD}'\nLDAP2TS_TS_PASSWORD='{ts_password}'\n")
    path.chmod(mode)


def test_cron_wrapper_applies_and_logs(folder: Path, write_config: Any) -> None:
    config = secretless_config(write_config)
    write_env_file(folder)
    run = run_command([str(CRON / "ldap2ts-cron")], folder, cron_environment(folder, config))
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    assert run.stderr == ""
    log = (folder / "log" / "ldap2ts.log").read_text().splitlines()
    assert re.fullmatch(rf"{TIMESTAMP} run started \(pid \d+\)", log[0])
    assert re.fullmatch(rf"{TIMESTAMP} Applied: .* ThoughtSpot was changed\. Exit code 0 \(ok\)\.",
                        log[1])
    assert re.fullmatch(rf"{TIMESTAMP} run finished with exit code 0", log[2])
    assert len(log) == 3
    assert "ldap2ts_last_run_exit_code 0" in (folder / "ldap2ts.prom").read_text()
    assert json.loads((folder / "last-run.json").read_text())["exit_code"] == 0
    for secret in (LDAP_PASSWORD, TS_PASSWORD):
        assert f"'{secret}'" not in "\n".join(log)


def test_cron_wrapper_rejects_readable_env_file(folder: Path, write_config: Any) -> None:
    config = secretless_config(write_config)
    write_env_file(folder, mode=0o644)
    run = run_command([str(CRON / "ldap2ts-cron")], folder, cron_environment(folder, config))
    assert run.code == 2
    env_file = folder / "ldap2ts.env"
    assert run.stderr.splitlines() == [
        f"Error: {env_file} has mode 644, so other users can read its secrets; "
        f"run chmod 600 {env_file}"
    ]


def test_cron_wrapper_reports_failure(folder: Path, write_config: Any) -> None:
    config = secretless_config(write_config)
    write_env_file(folder, ts_password="wrong-password")
    run = run_command([str(CRON / "ldap2ts-cron")], folder, cron_environment(folder, config))
    assert run.code == 5
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[0] == (f"ldap2ts exited with code 5; the last lines of "
                        f"{folder / 'log' / 'ldap2ts.log'}:")
    assert any("Error: " in line for line in lines[1:])
    assert re.fullmatch(rf"{TIMESTAMP} run finished with exit code 5", lines[-1])


def test_cron_file_runs_the_wrapper() -> None:
    jobs = [line.split() for line in (CRON / "ldap2ts.cron").read_text().splitlines()
            if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]
    assert jobs == [["0", "3", "*", "*", "*", "ldap2ts", "/usr/local/lib/ldap2ts/ldap2ts-cron"]]
    assert "/usr/local/lib/ldap2ts/ldap2ts-cron" in (CRON / "ldap2ts-cron").read_text()


def _unit_for_test(tmp_path: Path) -> Path:
    """Copy the units, pointing ExecStart at the ldap2ts of this virtual environment."""
    folder = tmp_path / "units"
    folder.mkdir()
    text = (SYSTEMD / "ldap2ts.service").read_text()
    (folder / "ldap2ts.service").write_text(text.replace("/usr/local/bin/ldap2ts", str(LDAP2TS)))
    shutil.copy(SYSTEMD / "ldap2ts.timer", folder / "ldap2ts.timer")
    return folder


@pytest.mark.skipif(shutil.which("systemd-analyze") is None,
                    reason="systemd-analyze not found; install systemd to verify the units")
def test_systemd_units_verify(tmp_path: Path) -> None:
    folder = _unit_for_test(tmp_path)
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", "ldap2ts.service", "ldap2ts.timer"],
        cwd=folder, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def _service_lines() -> list[str]:
    text = (SYSTEMD / "ldap2ts.service").read_text().replace("\\\n", " ")
    return [line.strip() for line in text.splitlines()]


def test_systemd_exec_start_runs(folder: Path, write_config: Any) -> None:
    config = secretless_config(write_config)
    credentials = folder / "credentials"
    credentials.mkdir()
    (credentials / "ldap-password").write_text(LDAP_PASSWORD)
    (credentials / "ts-password").write_text(TS_PASSWORD)
    for path in credentials.iterdir():
        path.chmod(0o600)
    state = folder / "var-lib"
    replacements = {
        "%d": str(credentials),
        "%S": str(state),
        "/usr/local/bin/ldap2ts": str(LDAP2TS),
        "/etc/ldap2ts/ldap2ts.toml": str(config),
        "/var/lib/prometheus/node-exporter/ldap2ts.prom": str(folder / "ldap2ts.prom"),
    }
    environment: dict[str, str] = {}
    command: list[str] = []
    for line in _service_lines():
        for old, new in replacements.items():
            line = line.replace(old, new)
        if line.startswith("Environment="):
            name, _, value = line.removeprefix("Environment=").partition("=")
            environment[name] = value
        elif line.startswith("ExecStart="):
            command = shlex.split(line.removeprefix("ExecStart="))
    (state / "ldap2ts").mkdir(parents=True)

    run = run_command(command, folder, environment)
    assert run.code == 0, run.stderr
    assert run.stdout == ""
    [summary] = [json.loads(line) for line in run.stderr.splitlines()]
    assert summary["exit_status"] == "ok"
    assert summary["changed"] is True
    assert "ldap2ts_last_run_changed 1" in (folder / "ldap2ts.prom").read_text()
    assert [path.name for path in (state / "ldap2ts").iterdir() if path.suffix == ".jsonl"]


DOCS = EXAMPLES.parent / "docs" / "unattended.md"


def test_systemd_comment_lists_every_apply_exit_code() -> None:
    from ldap2ts.errors import ExitCode

    comment = " ".join(line.lstrip("# ") for line in _service_lines() if line.startswith("#"))
    listed = comment[comment.index("Exit codes:"):]
    # apply --yes never asks, so it never exits 1 (declined at the prompt).
    for code in ExitCode:
        if code is not ExitCode.CHANGES_PENDING:
            assert re.search(rf"\b{int(code)} [a-z]", listed), code


def test_systemd_setup_lets_the_service_user_read_its_config() -> None:
    text = DOCS.read_text()
    section = text[text.index("## systemd"):text.index("## Overlapping runs")]
    service_user = re.search(r"^User=(\S+)$", (SYSTEMD / "ldap2ts.service").read_text(), re.M)
    assert service_user is not None
    folder = [line for line in section.splitlines() if line.startswith("install -d")]
    assert len(folder) == 1
    arguments = shlex.split(folder[0])
    group = arguments[arguments.index("-g") + 1]
    mode = int(arguments[arguments.index("-m") + 1], 8)
    assert group == service_user.group(1)
    assert mode & 0o050 == 0o050, oct(mode)
    config = [line for line in section.splitlines() if line.endswith("/etc/ldap2ts/ldap2ts.toml")]
    assert len(config) == 1 and f"-g {group} -m 640" in config[0]
