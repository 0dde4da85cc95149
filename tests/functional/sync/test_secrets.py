"""Secrets never reach the output, the logs, the report or the state files of a debug run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from testkit.emulator import EmulatorServer

from ldap2ts.errors import ExitCode
from tests.functional.sync.conftest import LDAP_PASSWORD
from tests.functional.sync.thoughtspot import Admin

TS_SECRET = "Ts9-admin-pw-2741"


def files_text(folder: Path) -> str:
    return "\n".join(
        path.read_text(errors="replace") for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.endswith(".pw")
    )


def test_debug_run_shows_no_secret(
    ldap2ts: Any, write_config: Any, config_dir: Path, ts_server: EmulatorServer
) -> None:
    admin = Admin(ts_server)
    admin.create_user("syncadmin", groups=("Administrator",), password=TS_SECRET)
    admin.close()
    (config_dir / "ts.pw").write_text(TS_SECRET + "\n")
    config = write_config()
    report = config_dir / "report.json"

    run = ldap2ts("apply", "--yes", "-v", "-c", str(config), "--ts-username", "syncadmin",
                  "--report", str(report), env={"LDAP2TS_LDAP_PASSWORD": LDAP_PASSWORD})

    assert run.code == ExitCode.OK, run.stderr
    assert "ldap.password from env LDAP2TS_LDAP_PASSWORD" in run.stderr
    assert f"thoughtspot.password from file {config_dir / 'ts.pw'}" in run.stderr
    everything = run.stdout + run.stderr + files_text(config_dir)
    assert report.exists()
    assert LDAP_PASSWORD not in everything
    assert TS_SECRET not in everything


def test_failed_login_shows_no_secret(
    ldap2ts: Any, write_config: Any, config_dir: Path
) -> None:
    (config_dir / "ts.pw").write_text(TS_SECRET + "\n")

    run = ldap2ts("plan", "-v", "-c", str(write_config()))

    assert run.code == ExitCode.FAILED, run.stderr
    assert len(run.error_lines) == 1
    assert TS_SECRET not in run.stdout + run.stderr
