"""``python -m testkit.slapd``: the printed accounts and example command work as shown."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def slapd_command(tmp_path: Path) -> Iterator[list[str]]:
    """Run the command with a small company; yield the lines printed before "Press Ctrl-C"."""
    process = subprocess.Popen(
        [sys.executable, "-m", "testkit.slapd", "--users", "40", "--workdir", str(tmp_path / "s")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    lines = []
    for line in process.stdout:
        if line.startswith("Press Ctrl-C"):
            break
        lines.append(line.rstrip("\n"))
    try:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        yield lines
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()


def field(lines: list[str], name: str) -> str:
    matches = [line.split(":", 1)[1].strip() for line in lines if line.startswith(f"{name}:")]
    assert len(matches) == 1, lines
    return matches[0]


def test_prints_reader_and_admin_accounts(slapd_command: list[str]) -> None:
    assert field(slapd_command, "bind_dn").startswith("cn=reader,")
    assert field(slapd_command, "bind_dn").endswith(", read-only)")
    assert field(slapd_command, "admin_dn").startswith("cn=admin,")
    assert "(password admin-secret, read-write)" in field(slapd_command, "admin_dn")


def test_example_ldapmodify_command_works(slapd_command: list[str]) -> None:
    start = next(i for i, line in enumerate(slapd_command) if line.startswith("ldapmodify "))
    example = "\n".join(slapd_command[start:]) + "\n"
    user_dn = slapd_command[start + 1].removeprefix("dn: ")
    url = field(slapd_command, "url").split()[0]

    changed = subprocess.run(
        ["bash", "-c", example], capture_output=True, text=True, timeout=30, check=False
    )
    found = subprocess.run(
        ["ldapsearch", "-x", "-LLL", "-H", url, "-b", user_dn, "-s", "base", "displayName"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert changed.returncode == 0, changed.stderr
    assert found.returncode == 0, found.stderr
    assert "displayName: Renamed By Hand" in found.stdout.splitlines()
