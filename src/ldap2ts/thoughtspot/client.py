"""The ThoughtSpot REST API v2.0 client: session, users, groups, system, orgs."""

from __future__ import annotations

import logging
import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from types import TracebackType
from typing import Any

import httpx

from ldap2ts.errors import ConfigError, ThoughtSpotError
from ldap2ts.model import TSGroup, TSUser, name_key
from ldap2ts.settings import ThoughtSpotSettings
from ldap2ts.thoughtspot.auth import Token, TokenProvider, parse_token, token_request
from ldap2ts.thoughtspot.bodies import GroupSpec, Operation, UserSpec, update_body
from ldap2ts.thoughtspot.paging import fetch_all
from ldap2ts.thoughtspot.parsing import (
    ImportResult,
    MalformedRecord,
    Org,
    SessionUser,
    SystemInfo,
    parse_group,
    parse_import,
    parse_orgs,
    parse_session_user,
    parse_system,
    parse_user,
)
from ldap2ts.thoughtspot.retry import RetryPolicy
from ldap2ts.thoughtspot.transport import Applied, Reconcile, RequestStats, Sender
from ldap2ts.thoughtspot.urls import api_path, parse_base_url, principal_path

logger = logging.getLogger(__name__)

SORT_BY_NAME = {"field_name": "NAME", "order": "ASC"}
"""A fixed order keeps offset paging stable while we read."""


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
    try:
        return ssl.create_default_context(cafile=settings.ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(
            f"cannot read CA file {settings.ca_file!r} ({exc}); "
            "point it at a PEM bundle of CA certificates",
            key="thoughtspot.ca_file",
        ) from exc


class ThoughtSpotClient:
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
            self._http, policy, base_url=str(self.base_url), username=settings.username
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

    # --- users ---------------------------------------------------------------

    def search_users(self, **filters: Any) -> list[TSUser]:
        """Return every user matching ``filters`` (SearchUsersRequest fields)."""
        path = api_path("users", "search")
        return [parse_user(record, self.system_info) for record in self._search(path, filters)]

    def find_user(self, identifier: str) -> TSUser | None:
        """Return the user with this GUID or name, or None when there is none."""
        path = api_path("users", "search")
        record = self._find(path, {"user_identifier": identifier}, identifier)
        return parse_user(record, self.system_info) if record is not None else None

    def create_user(self, spec: UserSpec) -> TSUser:
        path = api_path("users", "create")
        reply = self._sender.call(
            "POST",
            path,
            body=spec.create_body(),
            idempotent=False,
            reconcile=self._exists(lambda: self.find_user(spec.name)),
        )
        return reply if isinstance(reply, TSUser) else parse_user(reply, self.system_info)

    def update_user(
        self,
        identifier: str,
        *,
        operation: Operation | None = None,
        group_identifiers: Iterable[str] = (),
        display_name: str | None = None,
        email: str | None = None,
        account_status: str | None = None,
        visibility: str | None = None,
    ) -> None:
        """Update the fields that are not None, or add and remove groups with ``operation``."""
        body = update_body(
            operation=operation,
            lists={"group_identifiers": group_identifiers},
            display_name=display_name,
            email=email,
            account_status=account_status,
            visibility=visibility,
        )
        self._sender.call("POST", principal_path("users", identifier, "update"), body=body)

    def delete_user(self, identifier: str) -> None:
        """Delete a user; a user already gone after an ambiguous failure counts as deleted."""
        self._sender.call(
            "POST",
            principal_path("users", identifier, "delete"),
            idempotent=False,
            reconcile=self._gone(lambda: self.find_user(identifier)),
        )

    def import_users(self, specs: Sequence[UserSpec]) -> ImportResult:
        """Create or update users in one call; never deletes unlisted users."""
        body = {
            "users": [spec.import_body() for spec in specs],
            "dry_run": False,
            "delete_unspecified_users": False,
        }
        reply = self._sender.call("POST", api_path("users", "import"), body=body)
        return parse_import(reply, "users")

    # --- groups --------------------------------------------------------------

    def search_groups(self, **filters: Any) -> list[TSGroup]:
        """Return every group matching ``filters`` (SearchUserGroupsRequest fields)."""
        path = api_path("groups", "search")
        return [parse_group(record, self.system_info) for record in self._search(path, filters)]

    def find_group(self, identifier: str) -> TSGroup | None:
        path = api_path("groups", "search")
        record = self._find(path, {"group_identifier": identifier}, identifier)
        return parse_group(record, self.system_info) if record is not None else None

    def create_group(self, spec: GroupSpec) -> TSGroup:
        path = api_path("groups", "create")
        reply = self._sender.call(
            "POST",
            path,
            body=spec.create_body(),
            idempotent=False,
            reconcile=self._exists(lambda: self.find_group(spec.name)),
        )
        return reply if isinstance(reply, TSGroup) else parse_group(reply, self.system_info)

    def update_group(
        self,
        identifier: str,
        *,
        operation: Operation | None = None,
        user_identifiers: Iterable[str] = (),
        sub_group_identifiers: Iterable[str] = (),
        display_name: str | None = None,
        description: str | None = None,
        visibility: str | None = None,
    ) -> None:
        """Update the fields that are not None, or add and remove members with ``operation``."""
        lists = {
            "user_identifiers": user_identifiers,
            "sub_group_identifiers": sub_group_identifiers,
        }
        body = update_body(
            operation=operation,
            lists=lists,
            display_name=display_name,
            description=description,
            visibility=visibility,
        )
        reconcile = None
        if operation in ("ADD", "REMOVE"):
            users, groups = frozenset(user_identifiers), frozenset(sub_group_identifiers)
            reconcile = self._exists(
                lambda: self._members_done(identifier, operation, users, groups)
            )
        self._sender.call(
            "POST",
            principal_path("groups", identifier, "update"),
            body=body,
            idempotent=reconcile is None,
            reconcile=reconcile,
        )

    def _members_done(
        self, identifier: str, operation: str, users: frozenset[str], groups: frozenset[str]
    ) -> bool | None:
        """Return True when an ADD or REMOVE of these member ids is already in effect.

        Whether the server accepts a REMOVE of a member that is already gone is
        not documented, so a membership update that may have been applied is
        checked before it is sent again.
        """
        group = self.find_group(identifier)
        if group is None:
            return None
        if operation == "ADD":
            done = users <= group.user_ids and groups <= group.sub_group_ids
        else:
            done = not (users & group.user_ids) and not (groups & group.sub_group_ids)
        return True if done else None

    def delete_group(self, identifier: str) -> None:
        """Delete a group; a group already gone after an ambiguous failure counts as deleted."""
        self._sender.call(
            "POST",
            principal_path("groups", identifier, "delete"),
            idempotent=False,
            reconcile=self._gone(lambda: self.find_group(identifier)),
        )

    def import_groups(self, specs: Sequence[GroupSpec]) -> ImportResult:
        """Create or update groups in one call; never deletes unlisted groups."""
        body = {
            "groups": [spec.import_body() for spec in specs],
            "dry_run": False,
            "delete_unspecified_groups": False,
        }
        reply = self._sender.call("POST", api_path("groups", "import"), body=body)
        return parse_import(reply, "groups")

    # --- helpers -------------------------------------------------------------

    def _search(self, path: str, filters: dict[str, Any]) -> Iterable[Any]:
        size = self.settings.page_size

        def fetch_page(offset: int, record_size: int) -> list[Any]:
            body = {
                **filters,
                "record_offset": offset,
                "record_size": record_size,
                "sort_options": SORT_BY_NAME,
            }
            reply = self._sender.call("POST", path, body=body)
            if not isinstance(reply, list):
                raise ThoughtSpotError(
                    f"ThoughtSpot {path} returned {type(reply).__name__}, expected a list",
                    endpoint=path,
                )
            return reply

        for record in fetch_all(fetch_page, size, endpoint=path):
            if isinstance(record, dict) and record.get("id") and record.get("name"):
                yield record
            else:
                logger.warning("Ignoring a record without id or name from ThoughtSpot %s", path)

    def _find(self, path: str, filters: dict[str, Any], identifier: str) -> Any:
        """Return the one record whose id or name is ``identifier``, or None.

        A search for an identifier that does not exist is rejected with 400 by
        some releases and returns an empty list on others; both mean "none".
        """
        try:
            reply = self._sender.call("POST", path, body={**filters, "record_size": 10})
        except ThoughtSpotError as exc:
            if exc.status == 400:
                return None
            raise
        expected_key = name_key(identifier)
        for record in reply if isinstance(reply, list) else []:
            if not isinstance(record, dict):
                continue
            if (
                record.get("id") == identifier
                or name_key(str(record.get("name", ""))) == expected_key
            ):
                return record
        return None

    @staticmethod
    def _exists(find: Callable[[], object | None]) -> Reconcile:
        def reconcile() -> Applied | None:
            found = find()
            return Applied(found) if found is not None else None

        return reconcile

    @staticmethod
    def _gone(find: Callable[[], object | None]) -> Reconcile:
        def reconcile() -> Applied | None:
            return Applied(None) if find() is None else None

        return reconcile
