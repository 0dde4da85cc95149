"""Counts and failures of an apply run, and the bookkeeping its workers share."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ldap2ts.journal import Journal
from ldap2ts.model import Action, Change

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class ApplyResult:
    """Counts of what changed in ThoughtSpot, and why some changes did not happen.

    ``added`` and ``removed`` count memberships (one per member), the others
    count principals. ``skipped`` and ``failed`` count changes as the printed
    plan does (``plan_lines``: one per principal, one per member), so that
    they add up with the plan's counts. ``skipped`` counts those never started
    because the run was stopped. A change that failed appears in ``failures``
    with the reason.
    """

    created: int = 0
    added: int = 0
    updated: int = 0
    reactivated: int = 0
    removed: int = 0
    deactivated: int = 0
    deleted: int = 0
    skipped: int = 0
    failures: list[tuple[Change, str]] = field(default_factory=list)
    interrupted: bool = False
    requests: int = 0
    """HTTP requests sent to ThoughtSpot during the apply, retries included."""

    @property
    def failed(self) -> int:
        return sum(plan_lines(change) for change, _ in self.failures)

    @property
    def changed(self) -> bool:
        counts = (
            self.created,
            self.added,
            self.updated,
            self.reactivated,
            self.removed,
            self.deactivated,
            self.deleted,
        )
        return any(counts)


class ApplyInterrupted(KeyboardInterrupt):
    """A second SIGINT or SIGTERM stopped the apply at once; ``result`` counts what was done.

    It is a KeyboardInterrupt, so callers that do not know it still stop at once.
    """

    def __init__(self, result: ApplyResult) -> None:
        super().__init__()
        self.result = result


Progress = Callable[[str, int], None]


class Recorder:
    """Counts outcomes into an ApplyResult and journals them; safe to call from workers."""

    def __init__(
        self,
        result: ApplyResult,
        journal: Journal | None,
        progress: Progress | None,
    ) -> None:
        self.result = result
        self._journal = journal
        self._progress = progress
        self._lock = threading.Lock()
        self._finished = 0

    def applied(
        self,
        change: Change,
        *,
        counter: str,
        amount: int = 1,
        before: Mapping[str, object] | None = None,
        result_id: str | None = None,
        tick: bool = True,
    ) -> None:
        """Count a change that took effect; ``counter`` names the ApplyResult field.

        ``tick`` is False for parts of a plan change (the chunks of a large
        membership change), so progress counts each plan change once, by its
        ``plan_lines``.
        """
        with self._lock:
            setattr(self.result, counter, getattr(self.result, counter) + amount)
        logger.debug("Applied: %s", describe(change))
        if self._journal is not None:
            self._journal.record(
                change, outcome="applied", before=before or change.before, result_id=result_id
            )
        if tick:
            self._tick(plan_lines(change))

    def failed(
        self,
        change: Change,
        reason: str,
        *,
        before: Mapping[str, object] | None = None,
        tick: bool = True,
    ) -> None:
        with self._lock:
            self.result.failures.append((change, reason))
        logger.error("Failed to %s: %s", describe(change), reason)
        if self._journal is not None:
            self._journal.record(
                change, outcome="failed", before=before or change.before, error=reason
            )
        if tick:
            self._tick(plan_lines(change))

    def skipped(self, change: Change) -> None:
        """Count a change left unstarted because the run was stopped."""
        with self._lock:
            self.result.skipped += plan_lines(change)
            self.result.interrupted = True
        logger.debug("Not started after the stop request: %s", describe(change))

    def skip_rest(self, total: int) -> None:
        """Count as not started the part of ``total`` plan changes with no outcome yet.

        After a stop at once, the changes left over were never started, and
        nothing records them one by one.
        """
        result = self.result
        with self._lock:
            done = (result.created + result.added + result.updated + result.reactivated
                    + result.removed + result.deactivated + result.deleted)
            result.skipped = max(result.skipped, total - done - result.failed)
            result.interrupted = True

    def tick(self, change: Change) -> None:
        """Count a plan change as finished without recording anything else."""
        self._tick(plan_lines(change))

    def _tick(self, amount: int) -> None:
        with self._lock:
            self._finished += amount
            finished = self._finished
        if self._progress is not None:
            self._progress("apply", finished)


def plan_lines(change: Change) -> int:
    """Count the lines of ``change`` in the printed plan: one per member of a membership change.

    Progress, ``skipped`` and ``failed`` count in this unit, so that their
    numbers match the plan's (``add 8 members`` is 8 changes, not 4 groups).
    """
    if change.action in (Action.ADD_MEMBERS, Action.REMOVE_MEMBERS):
        return len(change.users) + len(change.sub_groups)
    return 1


def describe(change: Change) -> str:
    """Return the plan line of a change, for example ``add members group=sales users=alice``."""
    parts = [change.action.value]
    kind = "user" if change.action.value.endswith("user") else "group"
    parts.append(f"{kind}={change.name}")
    for key, value in sorted(change.fields.items()):
        parts.append(f"{key}={value}")
    if change.users:
        parts.append("users=" + ",".join(change.users))
    if change.sub_groups:
        parts.append("sub_groups=" + ",".join(change.sub_groups))
    return " ".join(parts)
