"""One ThoughtSpot request: bearer token, retries with backoff, token renewal.

Requests that change something and may have reached the server before a
failure (connection dropped after sending, read timeout, a 5xx) are
*ambiguous*: the server may have applied them. Those requests carry a
``reconcile`` callback that checks, before the next attempt, whether the
change is already there, so a create is never repeated after it succeeded.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from ldap2ts.errors import ThoughtSpotError
from ldap2ts.thoughtspot.auth import Token, TokenProvider
from ldap2ts.thoughtspot.errors import error_from_response, error_from_transport
from ldap2ts.thoughtspot.retry import (
    RETRY_STATUSES,
    RetryPolicy,
    is_retryable_error,
    may_have_reached_server,
    parse_retry_after,
)

logger = logging.getLogger(__name__)

_SECRET_PATHS = ("/auth/token/full",)


@dataclass(frozen=True, slots=True)
class Applied:
    """A reconcile result: the request had taken effect, and ``value`` stands for its response."""

    value: Any


Reconcile = Callable[[], Applied | None]


@dataclass(slots=True)
class RequestStats:
    requests: int = 0
    retries: int = 0
    token_renewals: int = 0
    reconciled: int = 0


class Sender:
    """Sends requests through one ``httpx.Client``; safe to share between threads."""

    def __init__(
        self,
        http: httpx.Client,
        policy: RetryPolicy,
        *,
        base_url: str,
        username: str,
        org_id: int | None = None,
    ) -> None:
        self._http = http
        self._policy = policy
        self._base_url = base_url
        self._username = username
        self._org_id = org_id
        self._stats_lock = threading.Lock()
        self.stats = RequestStats()
        self.tokens: TokenProvider | None = None
        self._reached = False
        """True once the server has sent any response."""

    def call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        authenticate: bool = True,
        idempotent: bool = True,
        reconcile: Reconcile | None = None,
    ) -> Any:
        """Send one request and return its decoded JSON body (None for an empty body).

        Raises ThoughtSpotError once the retries are spent or on a status
        that retrying cannot fix.
        """
        retry = 0
        renewed = False
        ambiguous = False
        while True:
            if ambiguous and reconcile is not None:
                applied = reconcile()
                if applied is not None:
                    self._count("reconciled")
                    logger.info("ThoughtSpot %s %s had taken effect; not sent again", method, path)
                    return applied.value

            token = self._token() if authenticate else None
            try:
                response = self._send(method, path, body, token)
            except httpx.TransportError as exc:
                if not idempotent and may_have_reached_server(exc):
                    ambiguous = True
                if not is_retryable_error(exc) or retry >= self._transport_retries():
                    applied = self._last_check(ambiguous, reconcile)
                    if applied is not None:
                        return applied.value
                    raise error_from_transport(exc, self._base_url, path) from exc
                self._wait(method, path, f"{type(exc).__name__}: {exc}", retry, None)
                retry += 1
                continue

            status = response.status_code
            if status == 401 and token is not None and not renewed and self.tokens is not None:
                logger.info("ThoughtSpot rejected the token on %s %s; renewing it", method, path)
                self.tokens.invalidate(token)
                self._count("token_renewals")
                renewed = True
                continue
            if not idempotent and status in RETRY_STATUSES and status != 429:
                ambiguous = True
            if status in RETRY_STATUSES and retry < self._policy.max_retries:
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                self._wait(method, path, f"HTTP {status}", retry, retry_after)
                retry += 1
                continue
            if status >= 400:
                applied = self._last_check(ambiguous and status in RETRY_STATUSES, reconcile)
                if applied is not None:
                    return applied.value
                raise error_from_response(response, path, self._username, self._org_id)
            return _decode(response, path)

    def _transport_retries(self) -> int:
        """Return how many times a request without any response may be retried.

        Until the server has sent one response, a connection failure or timeout
        is far likelier a wrong URL than a passing outage, so it is retried
        once, not ``max_retries`` times with growing waits.
        """
        if self._reached:
            return self._policy.max_retries
        return min(1, self._policy.max_retries)

    def _last_check(self, ambiguous: bool, reconcile: Reconcile | None) -> Applied | None:
        """Check once more, after the last failed attempt, whether the write took effect."""
        if not ambiguous or reconcile is None:
            return None
        applied = reconcile()
        if applied is not None:
            self._count("reconciled")
        return applied

    def _token(self) -> Token:
        if self.tokens is None:
            raise RuntimeError("the client is not logged in")
        return self.tokens.current()

    def _send(self, method: str, path: str, body: Any, token: Token | None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token.value}"} if token is not None else {}
        self._count("requests")
        if logger.isEnabledFor(logging.DEBUG):
            logged_body = "(hidden)" if path.endswith(_SECRET_PATHS) else json.dumps(body)
            logger.debug("ThoughtSpot %s %s %s", method, path, logged_body)
        response = self._http.request(
            method, path, json=body if body is not None else None, headers=headers
        )
        logger.debug("ThoughtSpot %s %s -> HTTP %d", method, path, response.status_code)
        self._reached = True
        return response

    def _wait(
        self, method: str, path: str, reason: str, retry: int, retry_after: float | None
    ) -> None:
        delay = self._policy.delay(retry, retry_after)
        level = logging.INFO if reason == "HTTP 429" else logging.WARNING
        logger.log(
            level,
            "ThoughtSpot %s %s failed (%s); retry %d of %d in %.1f s",
            method,
            path,
            reason,
            retry + 1,
            self._policy.max_retries,
            delay,
        )
        self._count("retries")
        self._policy.sleep(delay)

    def _count(self, name: str) -> None:
        with self._stats_lock:
            setattr(self.stats, name, getattr(self.stats, name) + 1)


def _decode(response: httpx.Response, path: str) -> Any:
    if not response.content:
        return None
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        content_type = response.headers.get("content-type", "no content type")
        raise ThoughtSpotError(
            f"ThoughtSpot {path} returned a body that is not JSON "
            f"(HTTP {response.status_code}, {content_type}); "
            "check that thoughtspot.url points at ThoughtSpot",
            status=response.status_code,
            endpoint=path,
        ) from exc
