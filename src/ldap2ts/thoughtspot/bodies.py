"""Request bodies for user and group writes, with only the fields that are set.

The update endpoints default ``operation`` to REPLACE, which overwrites every
membership list sent. So callers pass ADD or REMOVE whenever a body carries
a list, and ``update_body`` raises ValueError when they do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

Operation = Literal["ADD", "REMOVE", "REPLACE"]

LDAP_USER = "LDAP_USER"
LDAP_GROUP = "LDAP_GROUP"
LOCAL_USER = "LOCAL_USER"
LOCAL_GROUP = "LOCAL_GROUP"


@dataclass(frozen=True, slots=True)
class UserSpec:
    """A user to create or import.

    ``account_type`` defaults to LOCAL_USER, as in ThoughtSpot. A user made by a
    custom script is then never a candidate for a sync's removals. The sync
    passes LDAP_USER itself.
    """

    name: str
    display_name: str
    email: str | None = None
    account_type: str = LOCAL_USER
    account_status: str | None = None
    group_identifiers: tuple[str, ...] = ()

    def create_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "display_name": self.display_name,
            # CreateUserRequest requires an email; an empty one is accepted.
            "email": self.email or "",
            "account_type": self.account_type,
        }
        if self.account_status:
            body["account_status"] = self.account_status
        if self.group_identifiers:
            body["group_identifiers"] = list(self.group_identifiers)
        return body

    def import_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "user_identifier": self.name,
            "display_name": self.display_name,
            "account_type": self.account_type,
        }
        if self.email:
            body["email"] = self.email
        if self.account_status:
            body["account_status"] = self.account_status
        if self.group_identifiers:
            body["group_identifiers"] = list(self.group_identifiers)
        return body


@dataclass(frozen=True, slots=True)
class GroupSpec:
    """A group to create or import.

    ``group_type`` defaults to LOCAL_GROUP, as in ThoughtSpot. A group made by a
    custom script is then never a candidate for a sync's removals. The sync
    passes LDAP_GROUP itself.
    """

    name: str
    display_name: str
    group_type: str = LOCAL_GROUP
    description: str | None = None
    user_identifiers: tuple[str, ...] = ()
    sub_group_identifiers: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def create_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": self.name,
            "display_name": self.display_name,
            "type": self.group_type,
        }
        self._add_optional(body)
        return body

    def import_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "group_identifier": self.name,
            "display_name": self.display_name,
            "type": self.group_type,
        }
        self._add_optional(body)
        return body

    def _add_optional(self, body: dict[str, Any]) -> None:
        if self.description:
            body["description"] = self.description
        if self.user_identifiers:
            body["user_identifiers"] = list(self.user_identifiers)
        if self.sub_group_identifiers:
            body["sub_group_identifiers"] = list(self.sub_group_identifiers)
        body.update(self.extra)


def update_body(
    *,
    operation: Operation | None = None,
    lists: dict[str, Iterable[str]] | None = None,
    **scalars: str | None,
) -> dict[str, Any]:
    """Build an update body from scalar fields and identifier lists.

    Raises ValueError when a list is sent without an explicit operation, because
    the server would REPLACE the whole list.
    """
    body: dict[str, Any] = {key: value for key, value in scalars.items() if value is not None}
    for key, values in (lists or {}).items():
        items = list(values)
        if items:
            body[key] = items
    if not body:
        raise ValueError("an update needs at least one field or member")
    has_lists = any(isinstance(value, list) for value in body.values())
    if has_lists and operation is None:
        raise ValueError("an update with membership lists needs an explicit operation")
    if operation is not None:
        body["operation"] = operation
    return body
