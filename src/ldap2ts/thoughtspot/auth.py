"""Bearer tokens from ``auth/token/full``, minted again shortly before they expire."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ldap2ts.errors import ConfigError, ThoughtSpotError
from ldap2ts.settings import ThoughtSpotSettings

logger = logging.getLogger(__name__)

TOKEN_VALIDITY_SECONDS = 3600
"""Lifetime asked for each token; ThoughtSpot's default is 300 seconds."""

MAX_RENEWAL_MARGIN = 60.0
"""Seconds before expiry at which a token is minted again, at most."""


@dataclass(frozen=True, slots=True)
class Token:
    """A bearer token; ``repr`` never shows its value."""

    value: str = field(repr=False)
    created_at: float
    """Epoch seconds."""
    expires_at: float
    """Epoch seconds."""
    user_id: str | None = None
    username: str | None = None

    def renewal_time(self) -> float:
        """Return when to mint again: a tenth of the lifetime before expiry, at most 60 s."""
        lifetime = max(0.0, self.expires_at - self.created_at)
        return self.expires_at - min(MAX_RENEWAL_MARGIN, lifetime / 10)


def token_request(settings: ThoughtSpotSettings) -> dict[str, Any]:
    """Build the ``auth/token/full`` body; ``secret_key`` wins over the password."""
    body: dict[str, Any] = {
        "username": settings.username,
        "validity_time_in_sec": TOKEN_VALIDITY_SECONDS,
    }
    if settings.secret_key is not None:
        body["secret_key"] = settings.secret_key.reveal()
    elif settings.password is not None:
        body["password"] = settings.password.reveal()
    else:
        raise ConfigError(
            "missing ThoughtSpot password or secret key: set LDAP2TS_TS_PASSWORD, "
            "thoughtspot.password_file, LDAP2TS_TS_SECRET_KEY or thoughtspot.secret_key_file",
            key="thoughtspot.password",
        )
    if settings.org_id is not None:
        body["org_id"] = settings.org_id
    return body


def parse_token(body: Any, clock: Callable[[], float]) -> Token:
    """Read a ``Token`` response leniently: times may be floats, user fields may be missing.

    Only the lifetime (expiration minus creation) is taken from the server and
    counted from our own clock, so a server clock that is off does not make
    every token look expired.
    """
    if not isinstance(body, dict) or not isinstance(body.get("token"), str):
        raise ValueError("the auth/token/full response has no token")
    server_created = _millis_to_seconds(body.get("creation_time_in_millis"))
    server_expires = _millis_to_seconds(body.get("expiration_time_in_millis"))
    lifetime = float(TOKEN_VALIDITY_SECONDS)
    if server_created is not None and server_expires is not None:
        lifetime = max(0.0, server_expires - server_created)
    created = clock()
    expires = created + lifetime
    user_id = body.get("valid_for_user_id")
    username = body.get("valid_for_username")
    return Token(
        value=body["token"],
        created_at=created,
        expires_at=expires,
        user_id=user_id if isinstance(user_id, str) else None,
        username=username if isinstance(username, str) else None,
    )


def _millis_to_seconds(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value) / 1000.0
    return None


class TokenProvider:
    """Hands out a valid bearer token to any number of threads.

    ``mint`` performs the login request. One thread mints while the others
    wait on the lock, so a token that expires under eight workers is renewed
    once, not eight times. A login that ThoughtSpot rejects (400, 401, 403)
    is never tried again by this provider: every later call raises the same
    error, so a password changed during a run cannot lock the account
    through hundreds of failed logins.
    """

    def __init__(self, mint: Callable[[], Token], clock: Callable[[], float] = time.time) -> None:
        self._mint = mint
        self._clock = clock
        self._lock = threading.Lock()
        self._token: Token | None = None
        self._rejected: ThoughtSpotError | None = None
        self.mint_count = 0

    def current(self) -> Token:
        """Return the token in use, minting a new one when none is valid."""
        with self._lock:
            if self._rejected is not None:
                raise self._rejected
            token = self._token
            if token is None or self._clock() >= token.renewal_time():
                if token is not None:
                    logger.info("ThoughtSpot token expires soon; requesting a new one")
                token = self._mint_once()
                self._token = token
            return token

    def _mint_once(self) -> Token:
        try:
            token = self._mint()
        except ThoughtSpotError as exc:
            if exc.status in (400, 401, 403):
                self._rejected = exc
            raise
        self.mint_count += 1
        return token

    def invalidate(self, stale: Token) -> None:
        """Forget ``stale`` after a 401 so the next call mints; a newer token is kept."""
        with self._lock:
            if self._token is stale:
                self._token = None
