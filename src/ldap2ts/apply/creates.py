"""Create new groups and users with the import endpoints, in batches.

Imports are upserts keyed by name, so sending a batch again after an
ambiguous failure cannot create anything twice. NOTE: a principal that
someone else creates between the read and the apply is updated by the
import instead; whether ThoughtSpot then replaces or merges its membership
lists is not documented. A batch rejected with 400 is
split in halves until the principal at fault is alone, so one bad entry
fails only its own change; a rejection of every part for several levels
fails the batch as a whole.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from ldap2ts.apply.folding import CreatePlan, NewGroup, NewUser
from ldap2ts.apply.names import IdIndex
from ldap2ts.apply.result import Recorder, plan_lines
from ldap2ts.apply.workers import run_bounded
from ldap2ts.errors import ThoughtSpotError
from ldap2ts.model import Action, Change, name_key
from ldap2ts.thoughtspot import GroupSpec, ImportResult, ThoughtSpotClient, UserSpec
from ldap2ts.thoughtspot.bodies import LDAP_GROUP, LDAP_USER

logger = logging.getLogger(__name__)

Item = TypeVar("Item", NewGroup, NewUser)

SEARCH_ALL_ABOVE = 20
"""New principals without an id in the import response are looked up one by
one up to this many; above it, one paged search of all users or groups is cheaper."""


MAX_BLIND_SPLITS = 4
"""Levels of import requests (the batch, halves, quarters, eighths) tried
while none is accepted, before a rejected batch fails as a whole."""


@dataclass(slots=True)
class Prepared(Generic[Item]):
    """A new principal with its members resolved to ids, ready to import."""

    item: Item
    spec: UserSpec | GroupSpec
    members: Change | None
    """The memberships folded into a group's import, journaled once it succeeds."""
    member_count: int = 0
    memberships: tuple[Change, ...] = field(default=())
    """The memberships the import carries, as ``add members`` changes counted
    with ``plan_lines``: added, failed or not started along with the principal."""


class CreateRunner:
    """Runs the create phase: group waves first, then users."""

    def __init__(
        self,
        client: ThoughtSpotClient,
        index: IdIndex,
        recorder: Recorder,
        pool: Executor,
        stop: threading.Event,
        *,
        batch_size: int,
        concurrency: int,
    ) -> None:
        self._client = client
        self._index = index
        self._recorder = recorder
        self._pool = pool
        self._stop = stop
        self._batch_size = max(1, batch_size)
        self._concurrency = concurrency
        self._pending_lock = threading.Lock()
        self._pending: list[Prepared[Any]] = []
        """Principals the import created without returning their id."""

    def run(self, plan: CreatePlan) -> None:
        waves = plan.waves()
        if waves:
            logger.info(
                "Creating %s in %s, up to %d per import",
                _count(len(plan.groups), "group"),
                _count(len(waves), "nesting level"),
                self._batch_size,
            )
        for wave in waves:
            if self._stop.is_set():
                self._skip_unprepared(wave)
                continue
            prepared = [self._prepare_group(group) for group in wave]
            self._run_batches(prepared, self._import_groups, "groups")
        if plan.users:
            logger.info(
                "Creating %s, up to %d per import",
                _count(len(plan.users), "user"),
                self._batch_size,
            )
        if self._stop.is_set():
            self._skip_unprepared(list(plan.users.values()))
            return
        users = [self._prepare_user(user) for user in plan.users.values()]
        self._run_batches(users, self._import_users, "users")

    def _skip_unprepared(self, items: Sequence[NewGroup | NewUser]) -> None:
        """Count principals, and the memberships folded into them, as not started."""
        for item in items:
            self._recorder.skipped(item.change)
            if isinstance(item, NewGroup):
                folded = Change(Action.ADD_MEMBERS, item.change.name,
                                users=tuple(item.users), sub_groups=tuple(item.sub_groups))
                if folded.users or folded.sub_groups:
                    self._recorder.skipped(folded)
            else:
                for group in item.groups:
                    self._recorder.skipped(
                        Change(Action.ADD_MEMBERS, group, users=(item.change.name,)))

    # --- preparation ---------------------------------------------------------

    def _prepare_group(self, group: NewGroup) -> Prepared[NewGroup]:
        change = group.change
        user_ids, lost_users = self._resolve(group.users, self._index.user_id)
        child_ids, lost_children = self._resolve(group.sub_groups, self._index.group_id)
        if lost_users or lost_children:
            reasons = [self._index.missing_user(name) for name in lost_users]
            reasons += [self._index.missing_group(name) for name in lost_children]
            self._fail_members(change.name, lost_users, lost_children, "; ".join(reasons))
        spec = GroupSpec(
            name=change.name,
            display_name=change.fields.get("display_name") or change.name,
            group_type=LDAP_GROUP,
            description=change.fields.get("description"),
            user_identifiers=tuple(user_ids.values()),
            sub_group_identifiers=tuple(child_ids.values()),
        )
        members = None
        if user_ids or child_ids:
            members = Change(
                Action.ADD_MEMBERS,
                change.name,
                users=tuple(user_ids),
                sub_groups=tuple(child_ids),
            )
        memberships = (members,) if members is not None else ()
        return Prepared(group, spec, members, len(user_ids) + len(child_ids), memberships)

    def _prepare_user(self, user: NewUser) -> Prepared[NewUser]:
        change = user.change
        group_ids, lost_groups = self._resolve(user.groups, self._index.group_id)
        for group in lost_groups:
            self._fail_members(group, (change.name,), (), self._index.missing_group(group))
        spec = UserSpec(
            name=change.name,
            display_name=change.fields.get("display_name") or change.name,
            account_type=LDAP_USER,
            email=change.fields.get("email") or None,
            account_status=change.fields.get("account_status") or None,
            group_identifiers=tuple(group_ids.values()),
        )
        memberships = tuple(Change(Action.ADD_MEMBERS, group, users=(change.name,))
                            for group in group_ids)
        return Prepared(user, spec, None, len(group_ids), memberships)

    @staticmethod
    def _resolve(
        names: Sequence[str], lookup: Callable[[str], str | None]
    ) -> tuple[dict[str, str], list[str]]:
        """Map names to ids; names without an id come back in the second list."""
        resolved: dict[str, str] = {}
        lost: list[str] = []
        for name in names:
            principal_id = lookup(name)
            if principal_id is None:
                lost.append(name)
            else:
                resolved[name] = principal_id
        return resolved, lost

    def _fail_members(
        self, group: str, users: Sequence[str], sub_groups: Sequence[str], reason: str
    ) -> None:
        change = Change(Action.ADD_MEMBERS, group, users=tuple(users), sub_groups=tuple(sub_groups))
        self._recorder.failed(change, reason)

    # --- batches -------------------------------------------------------------

    def _run_batches(
        self,
        prepared: list[Prepared[Item]],
        send: Callable[[list[Prepared[Item]]], None],
        kind: str,
    ) -> None:
        batches = [
            prepared[start : start + self._batch_size]
            for start in range(0, len(prepared), self._batch_size)
        ]

        def skip(batch: list[Prepared[Item]]) -> None:
            for entry in batch:
                self._recorder.skipped(entry.item.change)
                for membership in entry.memberships:
                    self._recorder.skipped(membership)

        run_bounded(self._pool, batches, send, self._stop, skip, limit=self._concurrency)
        self._resolve_pending(kind)

    def _import_groups(self, batch: list[Prepared[NewGroup]]) -> None:
        self._import_guarded(batch, "groups")

    def _import_users(self, batch: list[Prepared[NewUser]]) -> None:
        self._import_guarded(batch, "users")

    def _import_guarded(self, batch: Sequence[Prepared[Item]], kind: str) -> None:
        """Import a batch; a bug fails the batch's changes instead of losing them."""
        try:
            self._import(batch, kind)
        except Exception as exc:
            logger.exception("Unexpected error while importing %d %s", len(batch), kind)
            for entry in batch:
                self._created_failed(entry, kind, f"unexpected error: {type(exc).__name__}: {exc}")

    def _import(self, batch: Sequence[Prepared[Item]], kind: str) -> None:
        """Import ``batch``; on 400, import halves on their own to isolate the bad entries.

        Halving goes level by level over the whole batch. When the first
        ``MAX_BLIND_SPLITS`` levels bring no accepted part, the rejection is
        not about one entry (an unsupported field, a server rule), so the rest
        fails at once instead of costing a call per entry.
        """
        parts: list[Sequence[Prepared[Item]]] = [batch]
        accepted = False
        for level in range(len(batch).bit_length() + 1):
            rejected: list[tuple[Sequence[Prepared[Item]], ThoughtSpotError]] = []
            for part in parts:
                try:
                    result = self._send_import(part, kind)
                except ThoughtSpotError as exc:
                    if exc.status == 400 and len(part) > 1:
                        rejected.append((part, exc))
                    else:
                        self._fail_all(part, kind, str(exc))
                    continue
                accepted = True
                self._record_import(part, kind, result)
            if not rejected:
                return
            if not accepted and level + 1 >= MAX_BLIND_SPLITS:
                for part, error in rejected:
                    self._fail_all(part, kind, str(error))
                return
            logger.info(
                "ThoughtSpot rejected %s of %s; importing halves on their own",
                _count(len(rejected), "import request"),
                kind,
            )
            parts = []
            for part, _ in rejected:
                middle = len(part) // 2
                parts += [part[:middle], part[middle:]]

    def _send_import(self, part: Sequence[Prepared[Item]], kind: str) -> ImportResult:
        if kind == "groups":
            return self._client.import_groups(
                [p.spec for p in part if isinstance(p.spec, GroupSpec)]
            )
        return self._client.import_users([p.spec for p in part if isinstance(p.spec, UserSpec)])

    def _fail_all(self, part: Sequence[Prepared[Item]], kind: str, reason: str) -> None:
        for entry in part:
            self._created_failed(entry, kind, reason)

    def _record_import(
        self, batch: Sequence[Prepared[Item]], kind: str, result: ImportResult
    ) -> None:
        # A principal listed as updated rather than added was created by an
        # earlier attempt of this same import that failed after it took effect.
        ids = {
            name_key(named.name): named.id
            for named in (*result.added, *result.updated)
            if named.name and named.id
        }
        for entry in batch:
            principal_id = ids.get(name_key(entry.item.change.name))
            if principal_id is None:
                with self._pending_lock:
                    self._pending.append(entry)
            else:
                self._finish_created(entry, kind, principal_id)

    def _finish_created(self, entry: Prepared[Item], kind: str, principal_id: str) -> None:
        name = entry.item.change.name
        if kind == "groups":
            self._index.add_group(name, principal_id)
        else:
            self._index.add_user(name, principal_id)
        self._recorder.applied(entry.item.change, counter="created", result_id=principal_id)
        self._record_members(entry)

    def _resolve_pending(self, kind: str) -> None:
        """Find the ids the import responses left out (the response's ``id`` is optional)."""
        with self._pending_lock:
            pending, self._pending = self._pending, []
        if not pending:
            return
        names = [entry.item.change.name for entry in pending]
        try:
            if len(pending) > SEARCH_ALL_ABOVE:
                ids = self._search_all(kind)
            else:
                ids = {name_key(name): self._look_up(kind, name) for name in names}
        except ThoughtSpotError as exc:
            for entry in pending:
                self._created_failed(
                    entry, kind, f"cannot read the id of the new {kind[:-1]}: {exc}"
                )
            return
        for entry in pending:
            principal_id = ids.get(name_key(entry.item.change.name))
            if principal_id is None:
                name = entry.item.change.name
                reason = f"the {kind} import did not return {name} and a search does not find it"
                self._created_failed(entry, kind, reason)
            else:
                self._finish_created(entry, kind, principal_id)

    def _search_all(self, kind: str) -> dict[str, str | None]:
        found = self._client.search_groups() if kind == "groups" else self._client.search_users()
        return {name_key(principal.name): principal.id for principal in found}

    def _record_members(self, entry: Prepared[Item]) -> None:
        for membership in entry.memberships:
            self._recorder.applied(membership, counter="added", amount=plan_lines(membership))

    def _look_up(self, kind: str, name: str) -> str | None:
        found = self._client.find_group(name) if kind == "groups" else self._client.find_user(name)
        return found.id if found is not None else None

    def _created_failed(self, entry: Prepared[Item], kind: str, reason: str) -> None:
        name = entry.item.change.name
        if kind == "groups":
            self._index.group_failed(name, reason)
        else:
            self._index.user_failed(name, reason)
        self._recorder.failed(entry.item.change, reason)
        # The memberships folded into the import fail with the principal.
        for membership in entry.memberships:
            self._recorder.failed(membership, f"{kind[:-1]} {name} was not created: {reason}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
