"""SIGINT during ``syncUsersAndGroups.py script``: the exit code is 6 whatever the timing."""

from __future__ import annotations

import os
import signal
import subprocess
from typing import TYPE_CHECKING

import pytest

from ldap2ts.errors import ExitCode

from . import directory_data as data
from .conftest import PYTHON3, REPO_ROOT, Directory
from .test_script import thoughtspot

if TYPE_CHECKING:
    from testkit.emulator import EmulatorServer

pytestmark = pytest.mark.slapd


@pytest.mark.timeout(120)
def test_signals_after_summary_keep_exit_6(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    """SIGINT stops the sync; more SIGINTs while the process exits must not turn 6 into 130."""
    ts_server.set_knobs(latency_ms=300)
    # One change per request, one request at a time, so that the sync is still running
    # when the first signal arrives.
    environ = legacy_env | {"PYTHONUNBUFFERED": "1",
                            "LDAP2TS_THOUGHTSPOT_IMPORT_BATCH_SIZE": "1",
                            "LDAP2TS_THOUGHTSPOT_CONCURRENCY": "1"}  # fmt: skip
    process = subprocess.Popen(
        [PYTHON3, "syncUsersAndGroups.py", "script", *thoughtspot(ts_server),
         *ad_directory.bind, "--sync", "--basedn", data.SUFFIX],
        cwd=REPO_ROOT, env=environ, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
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
    # A signal that lands before the sync has returned stops it at once, with one line.
    assert [line for line in stderr.splitlines() if line.startswith("Error:")] in (
        [],
        ["Error: interrupted; run syncUsersAndGroups.py again to finish the sync"],
    )
