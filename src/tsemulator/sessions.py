"""Bearer tokens and session cookies, kept in memory (a restart logs everyone out)."""

from __future__ import annotations

import dataclasses
import secrets
import threading
import time
from collections.abc import Callable

from tsemulator.knobs import Knobs

SESSION_COOKIE = "JSESSIONID"
SESSION_VALIDITY = 1800
"""Seconds a session cookie lives without remember_me."""
REMEMBER_ME_VALIDITY = 7 * 24 * 3600
PURGE_THRESHOLD = 10_000
"""Number of stored sessions above which expired ones are dropped when a new one is issued."""


@dataclasses.dataclass
class Session:
    """One bearer token or session cookie value."""

    token: str
    user_id: str
    kind: str
    created: float
    expires: float
    uses: int = 0


class SessionStore:
    """Issued tokens and sessions; ``lookup`` enforces expiry and the use limit."""

    def __init__(self, knobs: Knobs) -> None:
        self._knobs = knobs
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self.clock: Callable[[], float] = time.time
        """Wall clock of expiry times; tests replace it to move time without sleeping."""

    def issue(self, user_id: str, kind: str, validity: int) -> Session:
        forced = self._knobs.token_validity
        now = self.clock()
        session = Session(
            token=secrets.token_urlsafe(32),
            user_id=user_id,
            kind=kind,
            created=now,
            expires=now + (forced if forced is not None else validity),
        )
        with self._lock:
            if len(self._sessions) >= PURGE_THRESHOLD:
                self._sessions = {
                    token: kept for token, kept in self._sessions.items() if kept.expires > now
                }
            self._sessions[session.token] = session
        return session

    def lookup(self, token: str) -> Session | None:
        """Return the live session for a token and count one use, or None when expired."""
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            limit = self._knobs.token_max_uses
            if self.clock() >= session.expires or (limit is not None and session.uses >= limit):
                del self._sessions[token]
                return None
            session.uses += 1
            return session

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def owner(self, token: str) -> str | None:
        """Return the id of the user a token was issued to, without counting a use."""
        with self._lock:
            session = self._sessions.get(token)
            return None if session is None else session.user_id

    def revoke(self, token: str) -> Session | None:
        with self._lock:
            return self._sessions.pop(token, None)

    def revoke_user(self, user_id: str) -> int:
        with self._lock:
            tokens = [
                token for token, session in self._sessions.items() if session.user_id == user_id
            ]
            for token in tokens:
                del self._sessions[token]
            return len(tokens)

    def expire_all(self) -> int:
        with self._lock:
            count = len(self._sessions)
            self._sessions.clear()
            return count
