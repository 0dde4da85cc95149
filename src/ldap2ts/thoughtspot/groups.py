"""The groups endpoints: search, create, update (members too), delete, import."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ldap2ts.model import TSGroup
from ldap2ts.thoughtspot.bodies import GroupSpec, Operation, update_body
from ldap2ts.thoughtspot.endpoints import EndpointBase
from ldap2ts.thoughtspot.parsing import ImportResult, parse_group, parse_import
from ldap2ts.thoughtspot.urls import api_path, principal_path


class GroupsEndpoints(EndpointBase):
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
