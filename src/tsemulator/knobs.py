"""Run-time knobs for tests and benchmarks: latency, faults, rate limit, token life, counters."""

from __future__ import annotations

import collections
import math
import random
import threading
import time
from collections.abc import Callable
from typing import Any

from tsemulator.config import EmulatorConfig

FAULT_KINDS = ("before", "after")
FAULT_STATUSES = (500, 503)


class KnobError(ValueError):
    """An invalid knob value, from a flag or the control API."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.key = key


class Knobs:
    """Mutable knobs, shared by every request thread behind one lock."""

    def __init__(self, config: EmulatorConfig) -> None:
        self._lock = threading.Lock()
        self.latency_ms = config.latency_ms
        self.fault_rate = config.fault_rate
        self.fault_seed = config.fault_seed
        self.fault_kind = config.fault_kind
        self.fault_status = 500
        self.fault_paths: list[str] = []
        self.fail_next = 0
        self.rate_limit = config.rate_limit
        self.token_validity = config.token_validity
        self.token_max_uses = config.token_max_uses
        self._random = random.Random(config.fault_seed)
        self.clock: Callable[[], float] = time.monotonic
        """Clock of the rate limit; tests replace it to move time without sleeping."""
        self._bucket = 0.0
        self._bucket_time = self.clock()
        self._refill_bucket()
        check_knobs(self.to_json())

    def to_json(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "fault_rate": self.fault_rate,
            "fault_seed": self.fault_seed,
            "fault_kind": self.fault_kind,
            "fault_status": self.fault_status,
            "fault_paths": list(self.fault_paths),
            "fail_next": self.fail_next,
            "rate_limit": self.rate_limit,
            "token_validity": self.token_validity,
            "token_max_uses": self.token_max_uses,
        }

    def update(self, changes: dict[str, Any]) -> None:
        """Set the knobs named in ``changes``; a new ``fault_seed`` restarts the fault sequence."""
        unknown = set(changes) - set(self.to_json())
        if unknown:
            raise KnobError(f"unknown knob(s): {', '.join(sorted(unknown))}")
        merged = {**self.to_json(), **changes}
        check_knobs(merged)
        with self._lock:
            for key, value in changes.items():
                setattr(self, key, list(value) if key == "fault_paths" else value)
            if "fault_seed" in changes:
                self._random = random.Random(self.fault_seed)
            if "rate_limit" in changes:
                self._refill_bucket()

    def draw_fault(self, endpoint: str) -> str | None:
        """Decide whether this request fails; return the fault kind or None.

        ``fail_next`` forces the next N eligible requests to fail. Otherwise a
        seeded generator fails a ``fault_rate`` share of them, so two runs
        with the same seed and request order fail the same requests.
        """
        with self._lock:
            if self.fault_paths and not any(part in endpoint for part in self.fault_paths):
                return None
            if self.fail_next > 0:
                self.fail_next -= 1
                return self.fault_kind
            if self.fault_rate > 0 and self._random.random() < self.fault_rate:
                return self.fault_kind
            return None

    def take_rate_slot(self) -> int | None:
        """Consume one request from the rate limit; return Retry-After seconds when over it."""
        with self._lock:
            if self.rate_limit is None:
                return None
            now = self.clock()
            self._bucket = min(
                self.rate_limit, self._bucket + (now - self._bucket_time) * self.rate_limit
            )
            self._bucket_time = now
            if self._bucket >= 1.0:
                self._bucket -= 1.0
                return None
            return max(1, math.ceil((1.0 - self._bucket) / self.rate_limit))

    def _refill_bucket(self) -> None:
        self._bucket = self.rate_limit or 0.0
        self._bucket_time = self.clock()


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_CHECKS: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
    ("latency_ms", lambda v: _is_int(v) and v >= 0, "a non-negative integer"),
    ("fault_rate", lambda v: _is_number(v) and 0 <= v <= 1, "a number from 0 to 1"),
    ("fault_seed", _is_int, "an integer"),
    ("fault_kind", lambda v: v in FAULT_KINDS, "before or after"),
    ("fault_status", lambda v: v in FAULT_STATUSES, "500 or 503"),
    (
        "fault_paths",
        lambda v: isinstance(v, list) and all(isinstance(part, str) for part in v),
        "a list of strings",
    ),
    ("fail_next", lambda v: _is_int(v) and v >= 0, "a non-negative integer"),
    (
        "rate_limit",
        lambda v: v is None or (_is_number(v) and v > 0),
        "a positive number of requests per second, or null",
    ),
    ("token_validity", lambda v: v is None or (_is_int(v) and v > 0), "a positive integer or null"),
    ("token_max_uses", lambda v: v is None or (_is_int(v) and v > 0), "a positive integer or null"),
)


def check_knobs(values: dict[str, Any]) -> None:
    """Raise KnobError naming the first invalid knob value and what it should be."""
    for key, valid, expected in _CHECKS:
        if not valid(values[key]):
            raise KnobError(f"{key} must be {expected}, got {values[key]!r}", key)


class Counters:
    """Request counts per endpoint, per status, and of requests that changed the state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.by_endpoint: collections.Counter[str] = collections.Counter()
            self.by_status: collections.Counter[str] = collections.Counter()
            self.writes: collections.Counter[str] = collections.Counter()

    def record(self, endpoint: str, status: int, *, wrote: bool) -> None:
        with self._lock:
            self.by_endpoint[endpoint] += 1
            self.by_status[str(status)] += 1
            if wrote:
                self.writes[endpoint] += 1

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total": sum(self.by_endpoint.values()),
                "writes": sum(self.writes.values()),
                "requests": dict(sorted(self.by_endpoint.items())),
                "statuses": dict(sorted(self.by_status.items())),
                "writes_by_endpoint": dict(sorted(self.writes.items())),
            }
