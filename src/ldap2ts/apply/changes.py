"""Per-principal changes: memberships, attribute updates, status changes, deletions.

Memberships change with one ADD or one REMOVE call per group listing exactly
the differing members (one call per ``import_batch_size`` members for a large
change). REPLACE is never sent, so members added by hand survive and nothing
is rewritten that did not change.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Mapping

from ldap2ts.apply.names import IdIndex
from ldap2ts.apply.result import Recorder, describe
from ldap2ts.errors import ThoughtSpotError
from ldap2ts.model import Action, Change, ThoughtSpotSnapshot, TSGroup, TSUser, name_key
from ldap2ts.thoughtspot import ThoughtSpotClient
from ldap2ts.thoughtspot.bodies import Operation

logger = logging.getLogger(__name__)

USER_FIELDS = frozenset({"display_name", "email", "account_status", "visibility"})
GROUP_FIELDS = frozenset({"display_name", "description", "visibility"})


class ChangeFailed(Exception):
    """A change that cannot run, with the reason shown to the user."""


class ChangeRunner:
    """Applies one change at a time; safe to call from several workers at once."""

    def __init__(
        self,
        client: ThoughtSpotClient,
        current: ThoughtSpotSnapshot,
        index: IdIndex,
        recorder: Recorder,
        *,
        chunk_size: int,
    ) -> None:
        self._client = client
        self._chunk_size = max(1, chunk_size)
        self._current = current
        self._index = index
        self._recorder = recorder
        self._users_by_name = current.user_by_name()
        self._groups_by_name = current.group_by_name()
        self._handlers: dict[Action, Callable[[Change], None]] = {
            Action.ADD_MEMBERS: lambda change: self._members(change, "ADD", "added"),
            Action.REMOVE_MEMBERS: lambda change: self._members(change, "REMOVE", "removed"),
            Action.UPDATE_GROUP: self._update_group,
            Action.UPDATE_USER: self._update_user,
            Action.REACTIVATE_USER: lambda change: self._set_status(change, "ACTIVE"),
            Action.DEACTIVATE_USER: lambda change: self._set_status(change, "INACTIVE"),
            Action.DELETE_USER: self._delete_user,
            Action.DELETE_GROUP: self._delete_group,
        }

    def run(self, change: Change) -> None:
        """Apply ``change`` and record the outcome; never raises for a failed change."""
        try:
            self._handlers[change.action](change)
        except (ThoughtSpotError, ChangeFailed, ValueError) as exc:
            self._recorder.failed(change, str(exc), before=self._before(change))
        except Exception as exc:
            logger.exception("Unexpected error while applying: %s", describe(change))
            reason = f"unexpected error: {type(exc).__name__}: {exc}"
            self._recorder.failed(change, reason, before=self._before(change))

    # --- memberships -----------------------------------------------------------

    def _members(self, change: Change, operation: Operation, counter: str) -> None:
        """Add or remove exactly the listed members, ``chunk_size`` members per call."""
        group_id = self._group_id(change)
        before = self._before(change)
        members: list[tuple[str, str, str]] = []
        missing: list[str] = []
        for name in change.users:
            user_id = self._index.user_id(name)
            if user_id is None:
                missing.append(self._index.missing_user(name))
            else:
                members.append(("user", name, user_id))
        for name in change.sub_groups:
            child_id = self._index.group_id(name)
            if child_id is None:
                missing.append(self._index.missing_group(name))
            else:
                members.append(("group", name, child_id))

        for start in range(0, len(members), self._chunk_size):
            chunk = members[start : start + self._chunk_size]
            users = {name: member_id for kind, name, member_id in chunk if kind == "user"}
            groups = {name: member_id for kind, name, member_id in chunk if kind == "group"}
            part = dataclasses.replace(change, users=tuple(users), sub_groups=tuple(groups))
            try:
                self._client.update_group(
                    group_id,
                    operation=operation,
                    user_identifiers=users.values(),
                    sub_group_identifiers=groups.values(),
                )
            except ThoughtSpotError as exc:
                self._recorder.failed(part, str(exc), before=before, tick=False)
                continue
            self._recorder.applied(
                part, counter=counter, amount=len(chunk), before=before, tick=False
            )

        if missing:
            resolved = {name for _, name, _ in members}
            lost = dataclasses.replace(
                change,
                users=tuple(name for name in change.users if name not in resolved),
                sub_groups=tuple(name for name in change.sub_groups if name not in resolved),
            )
            self._recorder.failed(lost, "; ".join(missing), before=before, tick=False)
        self._recorder.tick(change)

    # --- attributes and status ---------------------------------------------------

    def _update_user(self, change: Change) -> None:
        fields = _checked_fields(change, USER_FIELDS)
        self._client.update_user(
            self._user_id(change),
            display_name=fields.get("display_name"),
            email=fields.get("email"),
            account_status=fields.get("account_status"),
            visibility=fields.get("visibility"),
        )
        self._recorder.applied(change, counter="updated", before=self._before(change))

    def _update_group(self, change: Change) -> None:
        fields = _checked_fields(change, GROUP_FIELDS)
        self._client.update_group(
            self._group_id(change),
            display_name=fields.get("display_name"),
            description=fields.get("description"),
            visibility=fields.get("visibility"),
        )
        self._recorder.applied(change, counter="updated", before=self._before(change))

    def _set_status(self, change: Change, status: str) -> None:
        user_id = self._user_id(change)
        if status == "INACTIVE":
            self._check_removable_user(user_id, change)
        self._client.update_user(user_id, account_status=status)
        counter = "reactivated" if status == "ACTIVE" else "deactivated"
        self._recorder.applied(change, counter=counter, before=self._before(change))

    # --- deletions ----------------------------------------------------------------

    def _delete_user(self, change: Change) -> None:
        user_id = self._user_id(change)
        self._check_removable_user(user_id, change)
        self._client.delete_user(user_id)
        self._recorder.applied(change, counter="deleted", before=self._before(change))

    def _delete_group(self, change: Change) -> None:
        group_id = self._group_id(change)
        group = self._current.groups.get(group_id)
        if (group is not None and group.builtin) or group_id == self._current.all_group_id:
            raise ChangeFailed(f"group {change.name} is built into ThoughtSpot; not deleting it")
        self._client.delete_group(group_id)
        self._recorder.applied(change, counter="deleted", before=self._before(change))

    def _check_removable_user(self, user_id: str, change: Change) -> None:
        """Raise ChangeFailed for the login account and built-in users, whatever the plan."""
        if user_id == self._current.login_user_id:
            raise ChangeFailed(f"user {change.name} is the account ldap2ts logs in with")
        user = self._current.users.get(user_id)
        if user is not None and user.builtin:
            raise ChangeFailed(f"user {change.name} is built into ThoughtSpot")

    # --- lookups --------------------------------------------------------------------

    def _user_id(self, change: Change) -> str:
        user_id = change.target_id or self._index.user_id(change.name)
        if user_id is None:
            raise ChangeFailed(self._index.missing_user(change.name))
        return user_id

    def _group_id(self, change: Change) -> str:
        group_id = change.target_id or self._index.group_id(change.name)
        if group_id is None:
            raise ChangeFailed(self._index.missing_group(change.name))
        return group_id

    def _before(self, change: Change) -> Mapping[str, object]:
        """Return the principal's state before the change, for the journal."""
        if change.before:
            return change.before
        if change.action.value.endswith("user"):
            user = self._current.users.get(change.target_id or "")
            return user_state(user or self._users_by_name.get(name_key(change.name)))
        group = self._current.groups.get(change.target_id or "")
        return group_state(group or self._groups_by_name.get(name_key(change.name)))


def user_state(user: TSUser | None) -> dict[str, object]:
    """Describe a user as read before the run, for the journal."""
    if user is None:
        return {}
    return {
        "id": user.id,
        "name": user.name,
        "display_name": user.display_name,
        "email": user.email,
        "account_type": user.account_type,
        "account_status": user.account_status,
        "group_ids": sorted(user.group_ids),
    }


def group_state(group: TSGroup | None) -> dict[str, object]:
    """Describe a group as read before the run, for the journal.

    Member lists are left out (only their size is kept) because a group can
    have tens of thousands of members; the change itself lists the members
    it adds or removes.
    """
    if group is None:
        return {}
    return {
        "id": group.id,
        "name": group.name,
        "display_name": group.display_name,
        "type": group.group_type,
        "user_count": len(group.user_ids),
        "sub_group_ids": sorted(group.sub_group_ids),
    }


def _checked_fields(change: Change, allowed: frozenset[str]) -> dict[str, str]:
    unknown = sorted(set(change.fields) - allowed)
    if unknown:
        raise ChangeFailed(f"cannot update {', '.join(unknown)} of {change.name}")
    if not change.fields:
        raise ChangeFailed(f"nothing to update on {change.name}")
    return dict(change.fields)
