"""Run a command as a child process and measure it with the kernel's own accounting.

Wall time comes from ``time.perf_counter`` around the child; CPU time and
peak RSS come from ``os.wait4``, which returns the rusage of that one child
(and of any grandchildren it waited for) rather than of every child this
process ever had.
"""

from __future__ import annotations

import logging
import os
import resource
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ProcessFigures:
    wall_seconds: float
    user_seconds: float
    system_seconds: float
    max_rss_kib: int
    """Peak resident set size of the largest process in the child's tree, in KiB (Linux)."""
    exit_code: int

    @property
    def cpu_seconds(self) -> float:
        return self.user_seconds + self.system_seconds

    @property
    def max_rss_mib(self) -> float:
        return self.max_rss_kib / 1024


class CommandFailed(RuntimeError):
    """A measured command exited with an unexpected status."""


def run_measured(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    stdout: Path | None = None,
    expected_codes: tuple[int, ...] = (0,),
    timeout: float | None = None,
) -> ProcessFigures:
    """Run ``argv`` to the end and return its figures; output goes to ``stdout`` or is dropped.

    Standard error goes to the same file as standard output. Raises
    CommandFailed when the exit status is not one of ``expected_codes``, or
    when the command runs longer than ``timeout`` seconds (it is killed).
    """
    log.debug("running %s", " ".join(argv))
    sink = stdout.open("ab") if stdout is not None else open(os.devnull, "wb")
    with sink:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(argv), env=dict(env) if env is not None else None, stdout=sink,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        status, usage = _wait(process, timeout)
        wall = time.perf_counter() - started
    exit_code = os.waitstatus_to_exitcode(status)
    figures = ProcessFigures(wall, usage.ru_utime, usage.ru_stime, usage.ru_maxrss, exit_code)
    if exit_code not in expected_codes:
        where = f"; output in {stdout}" if stdout is not None else ""
        raise CommandFailed(f"{argv[0]} exited with status {exit_code}{where}")
    return figures


def _wait(
    process: subprocess.Popen[bytes], timeout: float | None
) -> tuple[int, resource.struct_rusage]:
    """Reap the child with wait4, killing it once ``timeout`` seconds have passed."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG if deadline else 0)
        if pid == process.pid:
            process.returncode = os.waitstatus_to_exitcode(status)
            return status, usage
        if deadline is not None and time.monotonic() > deadline:
            process.kill()
            os.wait4(process.pid, 0)
            process.returncode = -9
            raise CommandFailed(f"{process.args!r} timed out after {timeout} s and was killed")
        time.sleep(0.01)
