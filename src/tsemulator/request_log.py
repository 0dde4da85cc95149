"""The last API requests served, with their bodies, so tests can check what a client sent."""

from __future__ import annotations

import collections
import threading
import time
from typing import Any

MAX_ENTRIES = 1000
"""Requests kept; older ones are dropped first."""

SECRET_FIELDS = frozenset({"password", "default_password", "secret_key", "token", "new_password"})


class RequestLog:
    """A bounded, thread-safe record of recent requests; secrets are replaced by ``"***"``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: collections.deque[dict[str, Any]] = collections.deque(maxlen=MAX_ENTRIES)

    def record(self, endpoint: str, path: str, status: int, body: Any) -> None:
        entry = {
            "time_in_millis": int(time.time() * 1000),
            "endpoint": endpoint,
            "path": path,
            "status": status,
            "body": redact(body),
        }
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def redact(value: Any) -> Any:
    """Return a copy of a JSON value with every secret field's value replaced."""
    if isinstance(value, dict):
        return {
            key: "***" if key in SECRET_FIELDS and item is not None else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value
