"""Figures of measured child processes, taken with GNU time."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from bench.measure import CommandFailed, run_measured

ALLOCATE_64_MIB = "x = bytearray(64 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096])"


def test_measured_peak_rss_is_child_own() -> None:
    # Ballast makes this process much larger than the child, whose peak must not include it.
    ballast = bytearray(256 * 1024 * 1024)
    ballast[::4096] = b"1" * len(ballast[::4096])

    figures = run_measured(["true"])

    assert figures.max_rss_mib < 64
    assert figures.exit_code == 0
    del ballast


def test_measured_peak_rss_counts_allocation() -> None:
    figures = run_measured([sys.executable, "-c", ALLOCATE_64_MIB])

    assert figures.max_rss_mib > 64
    assert figures.cpu_seconds > 0
    assert figures.wall_seconds >= figures.cpu_seconds * 0.5


def test_measured_unexpected_exit_raises(tmp_path: Path) -> None:
    with pytest.raises(CommandFailed, match="exited with status 3"):
        run_measured(["sh", "-c", "exit 3"], stdout=tmp_path / "out.log")


def test_measured_expected_exit_code() -> None:
    figures = run_measured(["sh", "-c", "exit 1"], expected_codes=(0, 1))

    assert figures.exit_code == 1


def _is_running(pid: int) -> bool:
    """Tell whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_measured_timeout_kills_command(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"

    with pytest.raises(CommandFailed, match="timed out"):
        run_measured(["sh", "-c", f"echo $$ > {pid_file}; exec sleep 30"], timeout=0.5)

    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _is_running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _is_running(pid)


def test_measured_output_goes_to_file(tmp_path: Path) -> None:
    output = tmp_path / "out.log"

    run_measured(["sh", "-c", "echo out; echo err >&2"], stdout=output)

    assert output.read_text().split() == ["out", "err"]
