"""Classification of existing ThoughtSpot principals: managed, built-in, protected.

A principal is managed when it is LDAP-typed (``LDAP_USER``, ``LDAP_GROUP``),
its name is in the naming scope (``ldap2ts.scope``), and it is neither a
built-in nor the account ldap2ts logs in with. Built-ins and the login
account are never changed and never removed from a group. Names in
``sync.protect`` may be created, updated and given members, but are never
deactivated, deleted or removed from a group.
"""

from __future__ import annotations

import logging
from fnmatch import fnmatchcase

from ldap2ts.model import ThoughtSpotSnapshot, TSGroup, TSUser, name_key
from ldap2ts.scope import ManagedScope
from ldap2ts.settings import Settings

logger = logging.getLogger(__name__)

LDAP_USER = "LDAP_USER"
LDAP_GROUP = "LDAP_GROUP"
INACTIVE = "INACTIVE"

BUILTIN_USER_NAMES = frozenset({"tsadmin", "guest", "system", "su"})
"""Users that ThoughtSpot creates on every cluster (name keys)."""
BUILTIN_GROUP_NAMES = frozenset({"all", "administrator"})
"""Groups that ThoughtSpot creates on every cluster (name keys)."""


class Inventory:
    """The principals of a ThoughtSpot snapshot, classified for one configuration."""

    def __init__(
        self,
        current: ThoughtSpotSnapshot,
        settings: Settings,
        user_scope: ManagedScope,
        group_scope: ManagedScope,
    ) -> None:
        self.current = current
        self.user_scope = user_scope
        self.group_scope = group_scope
        self.users_by_key = current.user_by_name()
        self.groups_by_key = current.group_by_name()
        self._login_key = name_key(settings.thoughtspot.username)
        self._protect = tuple(name_key(name) for name in settings.sync.protect)
        self._managed_users = [
            user for user in current.users.values() if self.user_exclusion(user) is None
        ]
        self._managed_groups = [
            group for group in current.groups.values() if self.group_exclusion(group) is None
        ]

    def is_untouchable_user(self, user: TSUser) -> bool:
        """Tell whether the user is a built-in or the login account, never changed at all."""
        return (
            user.builtin
            or name_key(user.name) in BUILTIN_USER_NAMES
            or user.id == self.current.login_user_id
            or name_key(user.name) == self._login_key
        )

    def is_untouchable_group(self, group: TSGroup) -> bool:
        return (
            group.builtin
            or name_key(group.name) in BUILTIN_GROUP_NAMES
            or group.id == self.current.all_group_id
        )

    def is_protected(self, name: str) -> bool:
        """Tell whether ``sync.protect`` lists the name, exactly or as a glob, ignoring case."""
        key = name_key(name)
        return any(key == entry or fnmatchcase(key, entry) for entry in self._protect)

    def user_exclusion(self, user: TSUser) -> str | None:
        """Return why the user is not managed, or None when it is."""
        if user.builtin or name_key(user.name) in BUILTIN_USER_NAMES:
            return "it is a ThoughtSpot built-in user"
        if user.id == self.current.login_user_id or name_key(user.name) == self._login_key:
            return "it is the account ldap2ts logs in with"
        if user.account_type != LDAP_USER:
            return f"its account type is {user.account_type}, not {LDAP_USER}"
        if user.name not in self.user_scope:
            return f"its name is outside the managed scope ({self.user_scope.describe()})"
        return None

    def group_exclusion(self, group: TSGroup) -> str | None:
        """Return why the group is not managed, or None when it is."""
        if self.is_untouchable_group(group):
            return "it is a ThoughtSpot built-in group"
        if group.group_type != LDAP_GROUP:
            return f"its type is {group.group_type}, not {LDAP_GROUP}"
        if group.name not in self.group_scope:
            return f"its name is outside the managed scope ({self.group_scope.describe()})"
        return None

    def managed_users(self) -> list[TSUser]:
        return list(self._managed_users)

    def managed_groups(self) -> list[TSGroup]:
        return list(self._managed_groups)
