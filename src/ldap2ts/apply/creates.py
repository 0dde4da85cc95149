"""Create new groups and users with the import endpoints, in batches.

Imports are upserts keyed by name, so sending a batch again after an
ambiguous failure cannot create anything twice. A batch rejected with 400 is
split in halves until the principal at fault is alone, so one bad entry
fails only its own change.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Generic, TypeVar

from ldap2ts.apply.folding import CreatePlan, NewGroup, NewUser
from ldap2ts.apply.names import IdIndex
from ldap2ts.apply.result import Recorder
from ldap2ts.apply.workers import run_bounded
from ldap2ts.errors import ThoughtSpotError
from ldap2ts.model import Action, Change, name_key
from ldap2ts.thoughtspot import GroupSpec, ImportResult, ThoughtSpotClient, UserSpec

logger = logging.getLogger(__name__)

Item = TypeVar("Item", NewGroup, NewUser)


@dataclass(slots=True)
class Prepared(Generic[Item]):
    """A new principal with its members resolved to ids, ready to import."""

    item: Item
    spec: UserSpec | GroupSpec
    members: Change | None
    """The memberships folded into the import, journaled once it succeeds."""
    member_count: int = 0


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

    def run(self, plan: CreatePlan) -> None:
        waves = plan.waves()
        if waves:
            logger.info(
                "Creating %d groups in %d nesting level(s), up to %d per import",
                len(plan.groups),
                len(waves),
                self._batch_size,
            )
        for wave in waves:
            prepared = [self._prepare_group(group) for group in wave]
            self._run_batches(prepared, self._import_groups)
        if plan.users:
            logger.info("Creating %d users, up to %d per import", len(plan.users), self._batch_size)
        users = [self._prepare_user(user) for user in plan.users.values()]
        self._run_batches(users, self._import_users)

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
        return Prepared(group, spec, members, len(user_ids) + len(child_ids))

    def _prepare_user(self, user: NewUser) -> Prepared[NewUser]:
        change = user.change
        group_ids, lost_groups = self._resolve(user.groups, self._index.group_id)
        for group in lost_groups:
            self._fail_members(group, (change.name,), (), self._index.missing_group(group))
        spec = UserSpec(
            name=change.name,
            display_name=change.fields.get("display_name") or change.name,
            email=change.fields.get("email") or None,
            account_status=change.fields.get("account_status") or None,
            group_identifiers=tuple(group_ids.values()),
        )
        return Prepared(user, spec, None, len(group_ids))

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
        self._recorder.failed(change, reason, tick=False)

    # --- batches -------------------------------------------------------------

    def _run_batches(
        self,
        prepared: list[Prepared[Item]],
        send: Callable[[list[Prepared[Item]]], None],
    ) -> None:
        batches = [
            prepared[start : start + self._batch_size]
            for start in range(0, len(prepared), self._batch_size)
        ]

        def skip(batch: list[Prepared[Item]]) -> None:
            for entry in batch:
                self._recorder.skipped(entry.item.change)

        run_bounded(self._pool, batches, send, self._stop, skip, limit=self._concurrency)

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
        try:
            if kind == "groups":
                groups = [p.spec for p in batch if isinstance(p.spec, GroupSpec)]
                result = self._client.import_groups(groups)
            else:
                users = [p.spec for p in batch if isinstance(p.spec, UserSpec)]
                result = self._client.import_users(users)
        except ThoughtSpotError as exc:
            if exc.status == 400 and len(batch) > 1:
                middle = len(batch) // 2
                logger.info(
                    "ThoughtSpot rejected an import of %d %s; importing each half on its own",
                    len(batch),
                    kind,
                )
                self._import(batch[:middle], kind)
                self._import(batch[middle:], kind)
                return
            for entry in batch:
                self._created_failed(entry, kind, str(exc))
            return
        self._record_import(batch, kind, result)

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
            name = entry.item.change.name
            principal_id = ids.get(name_key(name)) or self._look_up(kind, name)
            if principal_id is None:
                reason = f"the {kind} import did not return {name} and a search does not find it"
                self._created_failed(entry, kind, reason)
                continue
            if kind == "groups":
                self._index.add_group(name, principal_id)
            else:
                self._index.add_user(name, principal_id)
            self._recorder.applied(entry.item.change, counter="created", result_id=principal_id)
            self._record_members(entry)

    def _record_members(self, entry: Prepared[Item]) -> None:
        if isinstance(entry.item, NewUser):
            for group in entry.item.groups:
                if self._index.group_id(group) is None:
                    continue
                membership = Change(Action.ADD_MEMBERS, group, users=(entry.item.change.name,))
                self._recorder.applied(membership, counter="added", tick=False)
        elif entry.members is not None:
            self._recorder.applied(
                entry.members, counter="added", amount=entry.member_count, tick=False
            )

    def _look_up(self, kind: str, name: str) -> str | None:
        try:
            found = (
                self._client.find_group(name) if kind == "groups" else self._client.find_user(name)
            )
        except ThoughtSpotError as exc:
            logger.warning("Cannot look up the new %s %s: %s", kind[:-1], name, exc)
            return None
        return found.id if found is not None else None

    def _created_failed(self, entry: Prepared[Item], kind: str, reason: str) -> None:
        name = entry.item.change.name
        if kind == "groups":
            self._index.group_failed(name, reason)
        else:
            self._index.user_failed(name, reason)
        self._recorder.failed(entry.item.change, reason)
