"""Typed reads of request body fields, for when no spec validates the body first.

Each helper returns None for a missing or null field and raises BadRequest
naming the field when the value has the wrong type.
"""

from __future__ import annotations

from typing import Any

from tsemulator.errors import BadRequest

ACCOUNT_TYPES = ("LOCAL_USER", "LDAP_USER", "SAML_USER", "OIDC_USER", "REMOTE_USER")
ACCOUNT_STATUSES = ("ACTIVE", "INACTIVE", "EXPIRED", "LOCKED", "PENDING", "SUSPENDED")
VISIBILITIES = ("SHARABLE", "NON_SHARABLE")
GROUP_TYPES = ("LOCAL_GROUP", "LDAP_GROUP", "TEAM_GROUP", "TENANT_GROUP")
OPERATIONS = ("ADD", "REMOVE", "REPLACE")
SORT_FIELDS = ("NAME", "DISPLAY_NAME", "AUTHOR", "CREATED", "MODIFIED")
SORT_ORDERS = ("ASC", "DESC")

Body = dict[str, Any]


def get_str(body: Body, key: str, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise BadRequest(f"Missing required field '{key}'.")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"Field '{key}' must be a string, got {value!r}.")
    if required and not value.strip():
        raise BadRequest(f"Field '{key}' must not be empty.")
    return value


def require_str(body: Body, key: str) -> str:
    """Return a string field that must be present and not blank."""
    value = get_str(body, key, required=True)
    assert value is not None
    return value


def get_bool(body: Body, key: str) -> bool | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise BadRequest(f"Field '{key}' must be a boolean, got {value!r}.")
    return value


def get_int(body: Body, key: str) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"Field '{key}' must be an integer, got {value!r}.")
    return value


def get_enum(body: Body, key: str, allowed: tuple[str, ...]) -> str | None:
    value = get_str(body, key)
    if value is not None and value not in allowed:
        raise BadRequest(
            f"Field '{key}' has invalid value {value!r}; expected one of {', '.join(allowed)}."
        )
    return value


def get_str_list(body: Body, key: str) -> list[str] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise BadRequest(f"Field '{key}' must be a list of strings, got {value!r}.")
    return value


def get_object(body: Body, key: str) -> dict[str, Any] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRequest(f"Field '{key}' must be an object, got {value!r}.")
    return value


def get_object_list(body: Body, key: str) -> list[dict[str, Any]] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise BadRequest(f"Field '{key}' must be a list of objects, got {value!r}.")
    return value
