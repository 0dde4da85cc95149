"""The ThoughtSpot REST API v2.0 client: session, users, groups, system, orgs."""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable
from importlib import metadata
from types import TracebackType
from typing import Any

import httpx

from ldap2ts.cafile import ca_file_problem
from ldap2ts.errors import ConfigError, ThoughtSpotError
from ldap2ts.settings import ThoughtSpotSettings
from ldap2ts.thoughtspot.auth import Token, TokenProvider, parse_token, token_request
from ldap2ts.thoughtspot.groups import GroupsEndpoints
from ldap2ts.thoughtspot.parsing import (
    MalformedRecord,
    Org,
    SessionUser,
    SystemInfo,
    parse_orgs,
    parse_session_user,
    parse_system,
)
from ldap2ts.thoughtspot.retry import RetryPolicy
from ldap2ts.thoughtspot.transport import RequestStats, Sender
from ldap2ts.thoughtspot.urls import api_path, parse_base_url
from ldap2ts.thoughtspot.users import UsersEndpoints

logger = logging.getLogger(__name__)


def user_agent() -> str:
    try:
        version = metadata.version("ldap2ts")
    except metadata.PackageNotFoundError:
        version = "0+unknown"
    return f"ldap2ts/{version}"


def _tls_verify(settings: ThoughtSpotSettings) -> ssl.SSLContext | bool:
    if not settings.verify_tls:
        logger.warning(
            "TLS certificate verification is off for ThoughtSpot at %s; "
            "anyone on the network path can read the password and tokens",
            settings.url,
        )
        return False
    if settings.ca_file is not None:
        problem = ca_file_problem(settings.ca_file)
        if problem is not None:
            raise ConfigError(
                f"cannot read CA file {settings.ca_file!r}: {problem}", key="thoughtspot.ca_file"
            )
    try:
        return ssl.create_default_context(cafile=settings.ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"cannot read CA file {settings.ca_file!r} ({exc}); "
            "point it at a PEM bundle of CA certificates",
            key="thoughtspot.ca_file",
        ) from exc


class ThoughtSpotClient(UsersEndpoints, GroupsEndpoints):
    """A logged-in ThoughtSpot session; use it as a context manager.

    ``__enter__`` logs in and checks that the account may manage users and
    groups, so a wrong password or a non-admin account fails before any
    write. Every method may be called from several threads at once.
    """

    def __init__(
        self,
        settings: ThoughtSpotSettings,
        *,
        transport: httpx.BaseTransport | None = None,
        retry_policy: RetryPolicy | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.base_url = parse_base_url(settings.url)
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("httpcore").setLevel(logging.WARNING)
        verify = _tls_verify(settings)
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            verify=verify,
            timeout=httpx.Timeout(settings.timeout, connect=min(settings.timeout, 20.0)),
            limits=httpx.Limits(max_connections=max(1, settings.concurrency) + 2),
            headers={"User-Agent": user_agent(), "Accept": "application/json"},
            follow_redirects=False,
        )
        policy = retry_policy or RetryPolicy(max_retries=settings.max_retries)
        self._sender = Sender(
            self._http,
            policy,
            base_url=str(self.base_url),
            username=settings.username,
            org_id=settings.org_id,
        )
        self._clock = clock
        self._tokens = TokenProvider(self._mint_token, clock)
        self._sender.tokens = self._tokens
        self.system_info: SystemInfo | None = None
        self.session_user: SessionUser | None = None

    # --- session -------------------------------------------------------------

    def __enter__(self) -> ThoughtSpotClient:
        try:
            self.connect()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    @property
    def stats(self) -> RequestStats:
        """Counts of requests, retries, token renewals and reconciled writes."""
        return self._sender.stats

    def connect(self) -> None:
        """Log in, check the account's privileges, and read the built-in ids."""
        self._tokens.current()
        user = self.current_user()
        if user.is_admin() is False:
            raise ThoughtSpotError(
                f"ThoughtSpot user {user.name!r} lacks the ADMINISTRATION privilege, so it "
                "cannot manage users and groups; set thoughtspot.username to an administrator",
                status=403,
                endpoint=api_path("auth", "session", "user"),
            )
        self.session_user = user
        self.system_info = self.system()
        logger.info(
            "Logged in to ThoughtSpot %s as %s (release %s)",
            self.base_url,
            user.name,
            self.system_info.release_version or "unknown",
        )

    def _mint_token(self) -> Token:
        body = token_request(self.settings)
        path = api_path("auth", "token", "full")
        reply = self._sender.call("POST", path, body=body, authenticate=False)
        try:
            return parse_token(reply, self._clock)
        except ValueError as exc:
            raise ThoughtSpotError(f"ThoughtSpot {path}: {exc}", endpoint=path) from exc

    def current_user(self) -> SessionUser:
        reply = self._sender.call("GET", api_path("auth", "session", "user"))
        try:
            return parse_session_user(reply)
        except MalformedRecord as exc:
            raise ThoughtSpotError(f"ThoughtSpot auth/session/user: {exc}") from exc

    def system(self) -> SystemInfo:
        return parse_system(self._sender.call("GET", api_path("system")))

    def search_orgs(self, **filters: Any) -> list[Org]:
        return parse_orgs(self._sender.call("POST", api_path("orgs", "search"), body=filters))
