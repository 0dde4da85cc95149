"""An append-only record of every change a run applied, as JSON lines.

Each line contains the time, the change, the principal's state before it and
the outcome, so an administrator can see what a run did and undo it by hand.
Lines are flushed as they are written, so a run that is killed keeps the
record of what it had done. No secret ever reaches a change, so none reaches
the journal.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

from ldap2ts.errors import ConfigError
from ldap2ts.model import Change
from ldap2ts.settings import Settings

logger = logging.getLogger(__name__)


def state_dir(settings: Settings) -> Path:
    """Return the folder for the journal and the lock (``sync.state_dir``, else XDG state)."""
    if settings.sync.state_dir:
        return Path(settings.sync.state_dir).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "ldap2ts"


def configuration_key(settings: Settings) -> str:
    """Return a short stable key for "the same configuration".

    Two runs share a key when they write to the same ThoughtSpot URL, org and
    user from the same directory base DN, so their journal and lock coincide.
    """
    parts = (
        settings.thoughtspot.url.strip().rstrip("/").lower(),
        str(settings.thoughtspot.org_id),
        settings.thoughtspot.username,
        settings.directory.base_dn.strip().lower(),
    )
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def default_journal_path(settings: Settings) -> Path:
    return state_dir(settings) / f"journal-{configuration_key(settings)}.jsonl"


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(item) for item in value)
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


class Journal:
    """Appends one JSON object per applied or failed change; safe to share between threads."""

    def __init__(self, path: Path | str, *, run_id: str | None = None) -> None:
        self.path = Path(path)
        self.run_id = run_id or uuid.uuid4().hex[:12]
        self._lock = threading.Lock()
        self._file: TextIO | None = None

    @classmethod
    def for_settings(cls, settings: Settings) -> Journal:
        """Open the journal of this configuration (``default_journal_path``) for appending."""
        return cls(default_journal_path(settings)).open()

    def open(self) -> Journal:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        except OSError as exc:
            raise ConfigError(
                f"cannot open the journal {str(self.path)!r} ({exc.strerror}); "
                "set sync.state_dir to a folder this user may write",
                key="sync.state_dir",
            ) from exc
        self._file = os.fdopen(descriptor, "a", encoding="utf-8")
        logger.debug("Journal: %s (run %s)", self.path, self.run_id)
        return self

    def __enter__(self) -> Journal:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.flush()
                os.fsync(self._file.fileno())
                self._file.close()
                self._file = None

    def record(
        self,
        change: Change,
        *,
        outcome: str,
        before: Mapping[str, object],
        error: str | None = None,
        result_id: str | None = None,
    ) -> None:
        """Append one line for ``change``; ``outcome`` is "applied" or "failed"."""
        entry: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "run": self.run_id,
            "outcome": outcome,
            "action": change.action.value,
            "name": change.name,
            "target_id": change.target_id,
        }
        if result_id is not None:
            entry["result_id"] = result_id
        if change.fields:
            entry["fields"] = dict(change.fields)
        if change.users:
            entry["users"] = list(change.users)
        if change.sub_groups:
            entry["sub_groups"] = list(change.sub_groups)
        entry["before"] = _jsonable(before)
        if error is not None:
            entry["error"] = error
        line = json.dumps(entry, ensure_ascii=False, sort_keys=False)
        with self._lock:
            if self._file is None:
                raise RuntimeError("the journal is not open")
            self._file.write(line + "\n")
            self._file.flush()


def read_journal(path: Path | str) -> Iterator[dict[str, Any]]:
    """Yield the entries of a journal, oldest first; a torn last line is skipped."""
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                logger.warning("Skipping a damaged line in the journal %s", path)
                continue
            if isinstance(entry, dict):
                yield entry
