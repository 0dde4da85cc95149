"""Names to ThoughtSpot ids, for principals read before the run and those it creates."""

from __future__ import annotations

import threading

from ldap2ts.model import ThoughtSpotSnapshot, name_key


class IdIndex:
    """Maps ``name_key(name)`` to ids of users and groups; safe to share between threads.

    Principals whose create failed are remembered with the reason, so a later
    change that needs them can report why it cannot run.
    """

    def __init__(self, snapshot: ThoughtSpotSnapshot) -> None:
        self._lock = threading.Lock()
        self._users = {name_key(user.name): user.id for user in snapshot.users.values()}
        self._groups = {name_key(group.name): group.id for group in snapshot.groups.values()}
        self._failed_users: dict[str, str] = {}
        self._failed_groups: dict[str, str] = {}

    def user_id(self, name: str) -> str | None:
        with self._lock:
            return self._users.get(name_key(name))

    def group_id(self, name: str) -> str | None:
        with self._lock:
            return self._groups.get(name_key(name))

    def add_user(self, name: str, user_id: str) -> None:
        with self._lock:
            self._users[name_key(name)] = user_id

    def add_group(self, name: str, group_id: str) -> None:
        with self._lock:
            self._groups[name_key(name)] = group_id

    def user_failed(self, name: str, reason: str) -> None:
        with self._lock:
            self._failed_users[name_key(name)] = reason

    def group_failed(self, name: str, reason: str) -> None:
        with self._lock:
            self._failed_groups[name_key(name)] = reason

    def missing_user(self, name: str) -> str:
        """Return why a user has no id: its create failed, or it was never there."""
        with self._lock:
            reason = self._failed_users.get(name_key(name))
        if reason is not None:
            return f"user {name} was not created ({reason})"
        return f"user {name} does not exist in ThoughtSpot"

    def missing_group(self, name: str) -> str:
        with self._lock:
            reason = self._failed_groups.get(name_key(name))
        if reason is not None:
            return f"group {name} was not created ({reason})"
        return f"group {name} does not exist in ThoughtSpot"
