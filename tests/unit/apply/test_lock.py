"""The run lock: one run per configuration, stale locks taken over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ldap2ts.errors import ExitCode, LockedError
from ldap2ts.lock import RunLock, lock_path_for, pid_alive, run_lock
from tests.unit.apply.conftest import make_full_settings


def test_second_lock_in_same_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state" / "journal-abc.lock"

    with RunLock(path):
        with pytest.raises(LockedError) as caught:
            RunLock(path).acquire()

    message = str(caught.value)
    assert f"another ldap2ts run of this configuration holds the lock '{path}'" in message
    assert f"(pid {os.getpid()} on " in message
    assert "wait for it to finish, or stop that process" in message
    assert caught.value.exit_code is ExitCode.LOCKED


def test_lock_is_free_after_release(tmp_path: Path) -> None:
    path = tmp_path / "journal.lock"

    with RunLock(path):
        assert path.exists()
    assert not path.exists()

    with RunLock(path):
        pass


def test_lock_held_by_other_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "journal.lock"
    script = (
        "import sys, time\n"
        "from ldap2ts.lock import RunLock\n"
        "with RunLock(sys.argv[1]):\n"
        "    print('locked', flush=True)\n"
        "    sys.stdin.readline()\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", script, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdin is not None
        assert holder.stdout.readline().strip() == "locked"

        with pytest.raises(LockedError, match=f"pid {holder.pid} on"):
            RunLock(path).acquire()

        holder.stdin.close()
        holder.wait(timeout=30)

    with RunLock(path):
        pass


def test_stale_lock_of_dead_process_is_taken_over(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "journal.lock"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    path.write_text(json.dumps({"pid": dead.pid, "host": "old-host", "since": 0}))

    with RunLock(path):
        assert json.loads(path.read_text())["pid"] == os.getpid()

    assert not pid_alive(dead.pid)
    assert f"Taking over the stale lock {path} left by pid {dead.pid} on old-host" in caplog.text
    assert "that process is gone" in caplog.text


def test_killed_holder_leaves_lock_free(tmp_path: Path) -> None:
    path = tmp_path / "journal.lock"
    script = (
        "import os, sys\n"
        "from ldap2ts.lock import RunLock\n"
        "RunLock(sys.argv[1]).acquire()\n"
        "os._exit(9)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(path)], check=False, timeout=30)

    assert path.exists()
    with RunLock(path):
        pass


def test_unwritable_folder_names_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")

    with pytest.raises(Exception) as caught:
        RunLock(blocker / "journal.lock").acquire()

    assert "set sync.state_dir to a folder this user may write" in str(caught.value)


def test_lock_path_sits_next_to_journal() -> None:
    assert lock_path_for("/var/lib/ldap2ts/journal-abc.jsonl") == Path(
        "/var/lib/ldap2ts/journal-abc.lock"
    )


def test_run_lock_follows_configuration(tmp_path: Path) -> None:
    settings = make_full_settings()
    settings.sync.state_dir = str(tmp_path)
    other = make_full_settings(url="https://other.example.test")
    other.sync.state_dir = str(tmp_path)

    with run_lock(settings) as lock:
        assert lock.path.parent == tmp_path
        with pytest.raises(LockedError):
            with run_lock(settings):
                pass
        with run_lock(other):
            pass


def refuse_flock(descriptor: int, operation: int) -> None:
    raise OSError(37, "No locks available")


def test_without_flock_live_pid_holds_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "journal.lock"
    parent = os.getppid()
    path.write_text(json.dumps({"pid": parent, "host": "this-host"}))
    monkeypatch.setattr("ldap2ts.lock.fcntl.flock", refuse_flock)

    with pytest.raises(LockedError, match=f"pid {parent} on this-host"):
        RunLock(path).acquire()


def test_without_flock_dead_pid_is_taken_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "journal.lock"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait(timeout=30)
    path.write_text(json.dumps({"pid": dead.pid}))
    monkeypatch.setattr("ldap2ts.lock.fcntl.flock", refuse_flock)

    with RunLock(path):
        assert json.loads(path.read_text())["pid"] == os.getpid()
