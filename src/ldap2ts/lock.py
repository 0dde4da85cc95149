"""A lock file that keeps two runs of one configuration from overlapping.

The lock is an ``flock`` on a file next to the journal, so the kernel
releases it when its process dies, however it dies. The file also records
the holder's pid, host and start time for the message shown to a second run.
A file left by a dead process (its pid no longer runs) is taken over with a
warning.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from ldap2ts.errors import ConfigError, LockedError
from ldap2ts.journal import default_journal_path
from ldap2ts.settings import Settings

logger = logging.getLogger(__name__)


def lock_path_for(journal_path: Path | str) -> Path:
    """Return the lock file that goes with a journal: ``journal-KEY.lock`` next to it."""
    journal = Path(journal_path)
    return journal.with_suffix(".lock")


@contextmanager
def run_lock(settings: Settings) -> Iterator[RunLock]:
    """Hold the lock of this configuration (next to its journal) while the block runs."""
    with RunLock(lock_path_for(default_journal_path(settings))) as lock:
        yield lock


def pid_alive(pid: int) -> bool:
    """Return True when a process with this pid exists on this host."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class RunLock:
    """Hold the lock for the duration of a ``with`` block; raises LockedError when held."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._descriptor: int | None = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise self._unwritable(exc) from exc
        # Another run may delete the file between our open() and flock(); the
        # inode check below notices that and starts over on the new file.
        for _ in range(10):
            descriptor = self._open()
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(descriptor)
                os.close(descriptor)
                raise LockedError(self._held_message(holder)) from None
            except OSError:
                # Some network file systems refuse flock; fall back to the pid check.
                holder = _read_holder(descriptor)
                pid = holder.get("pid")
                if pid is not None and pid != os.getpid() and pid_alive(pid):
                    os.close(descriptor)
                    raise LockedError(self._held_message(holder)) from None
            if self._same_file(descriptor):
                self._take(descriptor)
                return
            os.close(descriptor)
        raise LockedError(f"cannot take the lock {str(self.path)!r}: it keeps being replaced")

    def release(self) -> None:
        if self._descriptor is None:
            return
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(self._descriptor)
            self._descriptor = None

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise self._unwritable(exc) from exc

    def _same_file(self, descriptor: int) -> bool:
        try:
            on_disk = os.stat(self.path)
        except FileNotFoundError:
            return False
        opened = os.fstat(descriptor)
        return (on_disk.st_dev, on_disk.st_ino) == (opened.st_dev, opened.st_ino)

    def _take(self, descriptor: int) -> None:
        previous = _read_holder(descriptor)
        pid = previous.get("pid")
        if isinstance(pid, int) and pid != os.getpid():
            state = "still runs but holds no lock" if pid_alive(pid) else "is gone"
            logger.warning(
                "Taking over the stale lock %s left by pid %s on %s (that process %s)",
                self.path,
                pid,
                previous.get("host", "an unknown host"),
                state,
            )
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, json.dumps(holder).encode(), 0)
        self._descriptor = descriptor

    def _held_message(self, holder: dict[str, Any]) -> str:
        pid = holder.get("pid", "unknown")
        host = holder.get("host", "an unknown host")
        since = holder.get("since")
        started = (
            time.strftime(" since %Y-%m-%d %H:%M:%S UTC", time.gmtime(since))
            if isinstance(since, int | float)
            else ""
        )
        return (
            f"another ldap2ts run of this configuration holds the lock {str(self.path)!r} "
            f"(pid {pid} on {host}{started}); wait for it to finish, or stop that process"
        )

    def _unwritable(self, exc: OSError) -> ConfigError:
        return ConfigError(
            f"cannot create the lock file {str(self.path)!r} ({exc.strerror}); "
            "set sync.state_dir to a folder this user may write",
            key="sync.state_dir",
        )


def _read_holder(descriptor: int) -> dict[str, Any]:
    try:
        raw = os.pread(descriptor, 4096, 0)
        holder = json.loads(raw.decode() or "{}")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(holder, dict):
        return {}
    pid = holder.get("pid")
    if pid is not None and not isinstance(pid, int):
        holder.pop("pid")
    return holder
