"""Run a command as a child process and measure it with GNU time.

Wall time comes from ``time.perf_counter`` around the child. CPU time and
peak RSS come from GNU time (``/usr/bin/time``, Debian package ``time``),
which forks the command from its own small process.

``os.wait4`` straight from this process would overstate peak RSS: on
Linux a child keeps the RSS high-water mark of the process it was forked
from across exec. The benchmark process keeps the generated directory
in memory (about 340 MiB at full size), so every child would report at least that.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

GNU_TIME = "/usr/bin/time"
TIME_FORMAT = "%U %S %M"
"""User seconds, system seconds, and peak RSS in KiB of the measured command."""


@dataclass(frozen=True, slots=True)
class ProcessFigures:
    wall_seconds: float
    user_seconds: float
    system_seconds: float
    max_rss_kib: int
    """Peak resident set size of the command, in KiB."""
    exit_code: int

    @property
    def cpu_seconds(self) -> float:
        return self.user_seconds + self.system_seconds

    @property
    def max_rss_mib(self) -> float:
        return self.max_rss_kib / 1024


class CommandFailed(RuntimeError):
    """A measured command exited with an unexpected status or ran out of time."""


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
    descriptor, figures_path = tempfile.mkstemp(prefix="ldap2ts-bench-time-")
    os.close(descriptor)
    try:
        wall, exit_code = _run(argv, env, stdout, figures_path, timeout)
        user, system, max_rss = _read_figures(Path(figures_path), argv)
    finally:
        os.unlink(figures_path)
    if exit_code not in expected_codes:
        where = f"; output in {stdout}" if stdout is not None else ""
        raise CommandFailed(f"{argv[0]} exited with status {exit_code}{where}")
    return ProcessFigures(wall, user, system, max_rss, exit_code)


def _run(
    argv: Sequence[str], env: Mapping[str, str] | None, stdout: Path | None,
    figures_path: str, timeout: float | None,
) -> tuple[float, int]:
    """Run the command under GNU time in its own session; return wall seconds and exit code."""
    command = [GNU_TIME, "-f", TIME_FORMAT, "-o", figures_path, *argv]
    with open(stdout if stdout is not None else os.devnull, "ab") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, env=dict(env) if env is not None else None, stdout=sink,
            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            exit_code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            # GNU time and the command share the new session, so killing it stops both.
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            raise CommandFailed(f"{argv[0]} timed out after {timeout} s and was killed") from None
        return time.perf_counter() - started, exit_code


def _read_figures(path: Path, argv: Sequence[str]) -> tuple[float, float, int]:
    """Parse GNU time's last line; earlier lines report a non-zero status or a signal."""
    lines = path.read_text(encoding="utf-8").strip().splitlines()
    try:
        user, system, max_rss = lines[-1].split()
        return float(user), float(system), int(max_rss)
    except (IndexError, ValueError):
        raise CommandFailed(f"{GNU_TIME} wrote no figures for {argv[0]}: {lines!r}") from None
