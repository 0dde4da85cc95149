"""Principals that every ThoughtSpot cluster has from the start.

Their ids are fixed (derived from their names) so that a reset, a restart or
a second emulator gives the same ids to tests.
"""

from __future__ import annotations

import dataclasses
import uuid

_NAMESPACE = uuid.UUID("5b0f4a8e-5d1e-4c43-9a57-5f2d3c9e7a10")


def builtin_id(kind: str, name: str) -> str:
    """Return the fixed GUID of a built-in principal."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}:{name}"))


@dataclasses.dataclass(frozen=True)
class BuiltinUser:
    name: str
    display_name: str
    system_user: bool = False
    super_user: bool = False
    hidden: bool = False
    groups: tuple[str, ...] = ()
    id: str = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", builtin_id("user", self.name))


@dataclasses.dataclass(frozen=True)
class BuiltinGroup:
    name: str
    display_name: str
    privileges: tuple[str, ...] = ()
    hidden: bool = False
    id: str = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", builtin_id("group", self.name))


ALL_GROUP = BuiltinGroup("All", "All", privileges=("AUTHORING",))
ADMIN_GROUP = BuiltinGroup(
    "Administrator",
    "Administrator",
    privileges=("ADMINISTRATION", "AUTHORING", "DATADOWNLOADING", "USERDATAUPLOADING"),
)
SYSTEM_GROUP = BuiltinGroup("System", "System", hidden=True)
GROUPS = (ALL_GROUP, ADMIN_GROUP, SYSTEM_GROUP)

TSADMIN = BuiltinUser("tsadmin", "Administrator", groups=("Administrator",))
GUEST = BuiltinUser("guest", "Guest")
SYSTEM_USER = BuiltinUser("system", "System", system_user=True, hidden=True, groups=("System",))
SUPER_USER = BuiltinUser(
    "su", "Super User", super_user=True, hidden=True, groups=("Administrator",)
)
USERS = (TSADMIN, GUEST, SYSTEM_USER, SUPER_USER)

DEFAULT_ORG_ID = 0
DEFAULT_ORG_NAME = "Primary"
TENANT_ID = builtin_id("tenant", "default")
CLUSTER_ID = builtin_id("cluster", "tsemulator")
