"""When to retry a ThoughtSpot request, and how long to wait first."""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from ldap2ts.thoughtspot.errors import is_plain_http_reply

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Statuses worth another attempt: rate limiting and transient server or proxy failures."""

NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
"""Transport failures raised before any byte of the request reached the server."""

RETRY_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


def is_retryable_error(exc: httpx.TransportError) -> bool:
    """Return True for transient failures; a certificate error or a plain HTTP reply is not."""
    if not isinstance(exc, RETRY_ERRORS) or is_plain_http_reply(exc):
        return False
    return "CERTIFICATE_VERIFY_FAILED" not in str(exc)


def may_have_reached_server(exc: httpx.TransportError) -> bool:
    """Return True when the server may have received, and applied, the request."""
    return not isinstance(exc, NOT_SENT_ERRORS)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Parse a Retry-After header (seconds or an HTTP date) into seconds from now."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


@dataclass(slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, bounded by a number of retries.

    The n-th retry (from 0) waits between half and all of
    ``min(max_delay, base_delay * 2**n)`` seconds, or the server's
    Retry-After when that is longer (capped at ``max_retry_after``).
    """

    max_retries: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0
    max_retry_after: float = 300.0
    sleep: Callable[[float], None] = time.sleep
    uniform: Callable[[], float] = field(default=random.random)
    """Source of jitter, a float in [0, 1)."""

    def delay(self, retry: int, retry_after: float | None = None) -> float:
        """Return the seconds to wait before retry number ``retry`` (0 for the first)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0**retry)
        backoff = ceiling / 2 + self.uniform() * ceiling / 2
        if retry_after is None:
            return backoff
        return max(backoff, min(retry_after, self.max_retry_after))
