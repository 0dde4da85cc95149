"""The users endpoints: search, create, update, delete, import."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ldap2ts.model import TSUser
from ldap2ts.thoughtspot.bodies import Operation, UserSpec, update_body
from ldap2ts.thoughtspot.endpoints import EndpointBase
from ldap2ts.thoughtspot.parsing import ImportResult, parse_import, parse_user
from ldap2ts.thoughtspot.urls import api_path, principal_path


class UsersEndpoints(EndpointBase):
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
