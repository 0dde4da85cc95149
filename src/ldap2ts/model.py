"""Snapshots and changes shared by every pipeline stage.

The pipeline is: config -> directory (LDAP read into a DirectorySnapshot) ->
naming (DirectorySnapshot to DesiredState) -> thoughtspot (read into a
ThoughtSpotSnapshot) -> diff (DesiredState + ThoughtSpotSnapshot to a Plan) ->
apply -> report. Every type here is plain data with no I/O, so the diff can
be tested with objects built by hand.

Names of ThoughtSpot principals are compared case-insensitively, as
ThoughtSpot does, so every mapping keyed by a name uses ``name_key(name)``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


def name_key(name: str) -> str:
    """Return the key under which ThoughtSpot treats two names as equal."""
    return name.casefold()


# --- Directory side ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """One LDAP entry as read, with only the attributes the sync asked for.

    ``dn`` is the DN as the server returned it; ``dn_key`` is its normalised
    form (see ``ldap2ts.dn.normalize``) used for every comparison.
    Attribute names in ``attributes`` are lower-cased; values are decoded
    text, except binary attributes (objectGUID, objectSid), which the reader
    decodes to their string forms before building the entry.
    """

    dn: str
    dn_key: str
    attributes: Mapping[str, tuple[str, ...]]
    anchor: str | None = None
    """Stable id of the entry (objectGUID on AD, entryUUID on OpenLDAP)."""

    def first(self, attribute: str) -> str | None:
        """Return the first value of an attribute, or None when it is absent or empty."""
        values = self.attributes.get(attribute.lower())
        if not values:
            return None
        return values[0]


@dataclass(frozen=True, slots=True)
class DirectoryUser:
    entry: DirectoryEntry
    disabled: bool = False
    """True for AD accounts with the ACCOUNTDISABLE bit of userAccountControl."""


@dataclass(frozen=True, slots=True)
class DirectoryGroup:
    entry: DirectoryEntry
    member_keys: frozenset[str]
    """Normalised DNs of the direct members (users and groups) inside the read."""


@dataclass(slots=True)
class DirectorySnapshot:
    """The result of one directory read.

    ``complete`` is False when any search ended early: a size or time limit,
    an error, an unread page or range. ``incomplete_reasons`` lists the
    causes. An incomplete snapshot must never lead to a removal.
    """

    users: dict[str, DirectoryUser] = field(default_factory=dict)
    groups: dict[str, DirectoryGroup] = field(default_factory=dict)
    complete: bool = True
    incomplete_reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    searches: int = 0

    def mark_incomplete(self, reason: str) -> None:
        self.complete = False
        self.incomplete_reasons.append(reason)


# --- Desired ThoughtSpot state (directory after naming) ----------------------


@dataclass(frozen=True, slots=True)
class DesiredUser:
    name: str
    display_name: str
    email: str | None
    source_dn: str
    anchor: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class DesiredGroup:
    name: str
    display_name: str
    source_dn: str
    users: frozenset[str]
    """name_key() of member users."""
    sub_groups: frozenset[str]
    """name_key() of member groups."""
    anchor: str | None = None


@dataclass(slots=True)
class DesiredState:
    """The target ThoughtSpot state of the principals this configuration manages.

    Keys are ``name_key(name)``.
    """

    users: dict[str, DesiredUser] = field(default_factory=dict)
    groups: dict[str, DesiredGroup] = field(default_factory=dict)
    complete: bool = True
    incomplete_reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    colliding_users: set[str] = field(default_factory=set)
    """name_key() of user names that several entries map to: never created nor removed."""
    colliding_groups: set[str] = field(default_factory=set)
    """name_key() of group names that several entries map to: never created nor removed."""


# --- ThoughtSpot side --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TSUser:
    id: str
    name: str
    display_name: str
    email: str | None
    account_type: str
    account_status: str
    group_ids: frozenset[str]
    """Direct groups (``user_groups``), without the implicit All group."""
    builtin: bool = False
    """system_user, super_user, or one of tsadmin/guest/system/su."""


@dataclass(frozen=True, slots=True)
class TSGroup:
    id: str
    name: str
    display_name: str
    group_type: str
    user_ids: frozenset[str]
    sub_group_ids: frozenset[str]
    builtin: bool = False
    """system_group, All, or Administrator."""


@dataclass(slots=True)
class ThoughtSpotSnapshot:
    users: dict[str, TSUser] = field(default_factory=dict)
    """By id."""
    groups: dict[str, TSGroup] = field(default_factory=dict)
    """By id."""
    login_user_id: str | None = None
    all_group_id: str | None = None

    def user_by_name(self) -> dict[str, TSUser]:
        return {name_key(user.name): user for user in self.users.values()}

    def group_by_name(self) -> dict[str, TSGroup]:
        return {name_key(group.name): group for group in self.groups.values()}


# --- Plan ---------------------------------------------------------------------


class Action(enum.Enum):
    """Kinds of change, in the order the apply stage runs them."""

    CREATE_GROUP = "create group"
    CREATE_USER = "create user"
    ADD_MEMBERS = "add members"
    UPDATE_GROUP = "update group"
    UPDATE_USER = "update user"
    REACTIVATE_USER = "reactivate user"
    REMOVE_MEMBERS = "remove members"
    DEACTIVATE_USER = "deactivate user"
    DELETE_USER = "delete user"
    DELETE_GROUP = "delete group"

    @property
    def order(self) -> int:
        return list(Action).index(self)

    @property
    def removes(self) -> bool:
        """True for changes that take something away and need a complete read."""
        return self in (
            Action.REMOVE_MEMBERS,
            Action.DEACTIVATE_USER,
            Action.DELETE_USER,
            Action.DELETE_GROUP,
        )


@dataclass(frozen=True, slots=True)
class Change:
    """One change to ThoughtSpot.

    ``name`` is the principal the change is about (the group for membership
    changes). ``fields`` contains new attribute values for creates and
    updates. ``users`` and ``sub_groups`` contain member names for membership
    changes. ``target_id`` is the ThoughtSpot id when the principal exists.
    ``before`` is the principal's state before the change, for the journal.
    """

    action: Action
    name: str
    target_id: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    users: tuple[str, ...] = ()
    sub_groups: tuple[str, ...] = ()
    before: Mapping[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class Plan:
    changes: list[Change] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """Removals held back, with the reason (incomplete read, protected, ...)."""
    warnings: list[str] = field(default_factory=list)
    managed_users: int = 0
    managed_groups: int = 0
    """Existing ThoughtSpot principals this configuration manages, before the plan."""
    desired_users: int = 0
    desired_groups: int = 0
    """Principals the directory read produced, so that a guard can tell an empty read."""
    managed_memberships: int = 0
    """Members (users and sub-groups) of the managed groups in ThoughtSpot, before the plan."""

    def count(self, action: Action) -> int:
        return sum(1 for change in self.changes if change.action is action)
