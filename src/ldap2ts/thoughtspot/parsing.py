"""Lenient readers for ThoughtSpot response bodies.

Unknown fields are ignored and unknown enum values are kept as strings, so a
server release that adds an account status or a group type does not break a
whole search page. A record without ``id`` or ``name`` is skipped by the
caller, with a warning.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ldap2ts.model import TSGroup, TSUser, name_key

BUILTIN_USER_NAMES = frozenset({"tsadmin", "guest", "system", "su"})
BUILTIN_GROUP_NAMES = frozenset({name_key("All"), name_key("Administrator")})
ALL_GROUP_NAME = "All"

ADMIN_PRIVILEGES = frozenset({"ADMINISTRATION"})
"""Privilege that lets an account manage every user and group."""

RBAC_ADMIN_PRIVILEGES = frozenset({"USER_ADMINISTRATION", "GROUP_ADMINISTRATION"})
"""Privileges that together do the same when role-based access control is on."""


class MalformedRecord(ValueError):
    """A response record without the fields every principal has."""


@dataclass(frozen=True, slots=True)
class NamedId:
    id: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class SystemInfo:
    """The ids of built-in principals from ``GET /system``; any may be missing."""

    release_version: str | None = None
    api_version: str | None = None
    all_user_group_id: str | None = None
    admin_group_id: str | None = None
    system_group_id: str | None = None
    system_user_id: str | None = None
    super_user_id: str | None = None
    tsadmin_user_id: str | None = None

    @property
    def builtin_user_ids(self) -> frozenset[str]:
        ids = (self.system_user_id, self.super_user_id, self.tsadmin_user_id)
        return frozenset(value for value in ids if value)

    @property
    def builtin_group_ids(self) -> frozenset[str]:
        ids = (self.all_user_group_id, self.admin_group_id, self.system_group_id)
        return frozenset(value for value in ids if value)


@dataclass(frozen=True, slots=True)
class SessionUser:
    """The account ldap2ts is logged in as (``GET auth/session/user``)."""

    id: str
    name: str
    privileges: frozenset[str] | None
    """None when the server did not list privileges."""

    def is_admin(self) -> bool | None:
        """Return whether the account may manage users and groups; None when unknown."""
        if self.privileges is None:
            return None
        return bool(ADMIN_PRIVILEGES & self.privileges) or RBAC_ADMIN_PRIVILEGES <= self.privileges


@dataclass(frozen=True, slots=True)
class ImportResult:
    added: tuple[NamedId, ...]
    updated: tuple[NamedId, ...]
    deleted: tuple[NamedId, ...]


@dataclass(frozen=True, slots=True)
class Org:
    id: int | None
    name: str | None
    status: str | None


def _text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    return value if isinstance(value, str) else None


def _required(record: Any, kind: str) -> tuple[dict[str, Any], str, str]:
    if not isinstance(record, dict):
        raise MalformedRecord(f"{kind} record is not an object: {type(record).__name__}")
    principal_id = _text(record, "id")
    name = _text(record, "name")
    if not principal_id or not name:
        raise MalformedRecord(f"{kind} record without id or name: {sorted(record)[:10]}")
    return record, principal_id, name


def _ids(items: Any) -> frozenset[str]:
    if not isinstance(items, list):
        return frozenset()
    return frozenset(
        item["id"] for item in items if isinstance(item, dict) and isinstance(item.get("id"), str)
    )


def named_ids(items: Any) -> tuple[NamedId, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(
        NamedId(id=_text(item, "id"), name=_text(item, "name"))
        for item in items
        if isinstance(item, dict)
    )


def parse_user(raw: Any, system: SystemInfo | None = None) -> TSUser:
    """Build a TSUser from a ``User`` record; raises MalformedRecord without id or name."""
    record, user_id, name = _required(raw, "user")
    builtin_ids = system.builtin_user_ids if system else frozenset()
    all_group = system.all_user_group_id if system else None
    groups = _ids(record.get("user_groups"))
    if all_group:
        groups -= {all_group}
    builtin = (
        record.get("system_user") is True
        or record.get("super_user") is True
        or name_key(name) in BUILTIN_USER_NAMES
        or user_id in builtin_ids
    )
    return TSUser(
        id=user_id,
        name=name,
        display_name=_text(record, "display_name") or name,
        email=_text(record, "email"),
        account_type=_text(record, "account_type") or "",
        # A record without a status is an active account on every release we know.
        account_status=_text(record, "account_status") or "ACTIVE",
        group_ids=groups,
        builtin=builtin,
    )


def parse_group(raw: Any, system: SystemInfo | None = None) -> TSGroup:
    """Build a TSGroup from a group record; raises MalformedRecord without id or name."""
    record, group_id, name = _required(raw, "group")
    builtin_ids = system.builtin_group_ids if system else frozenset()
    builtin = (
        record.get("system_group") is True
        or name_key(name) in BUILTIN_GROUP_NAMES
        or group_id in builtin_ids
    )
    return TSGroup(
        id=group_id,
        name=name,
        display_name=_text(record, "display_name") or name,
        group_type=_text(record, "type") or "",
        user_ids=_ids(record.get("users")),
        sub_group_ids=_ids(record.get("sub_groups")),
        builtin=builtin,
    )


def parse_system(raw: Any) -> SystemInfo:
    record = raw if isinstance(raw, dict) else {}
    return SystemInfo(
        release_version=_text(record, "release_version"),
        api_version=_text(record, "api_version"),
        all_user_group_id=_text(record, "all_user_group_id"),
        admin_group_id=_text(record, "admin_group_id"),
        system_group_id=_text(record, "system_group_id"),
        system_user_id=_text(record, "system_user_id"),
        super_user_id=_text(record, "super_user_id"),
        tsadmin_user_id=_text(record, "tsadmin_user_id"),
    )


def parse_session_user(raw: Any) -> SessionUser:
    record, user_id, name = _required(raw, "session user")
    privileges = record.get("privileges")
    return SessionUser(
        id=user_id,
        name=name,
        privileges=(
            frozenset(item for item in privileges if isinstance(item, str))
            if isinstance(privileges, list)
            else None
        ),
    )


def parse_import(raw: Any, kind: str) -> ImportResult:
    """Read an import response; ``kind`` is "users" or "groups"."""
    record = raw if isinstance(raw, dict) else {}
    return ImportResult(
        added=named_ids(record.get(f"{kind}_added")),
        updated=named_ids(record.get(f"{kind}_updated")),
        deleted=named_ids(record.get(f"{kind}_deleted")),
    )


def parse_orgs(raw: Any) -> list[Org]:
    items: Iterable[Any] = raw if isinstance(raw, list) else []
    orgs = []
    for item in items:
        if not isinstance(item, dict):
            continue
        org_id = item.get("id")
        orgs.append(
            Org(
                id=org_id if isinstance(org_id, int) and not isinstance(org_id, bool) else None,
                name=_text(item, "name"),
                status=_text(item, "status"),
            )
        )
    return orgs
