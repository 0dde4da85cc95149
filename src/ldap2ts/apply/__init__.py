"""The apply stage: carry out a reviewed plan against ThoughtSpot.

Changes run in ``Action`` order, one phase per action: create groups,
create users, add members, update groups and users, reactivate, remove
members, deactivate, delete. New principals are created with the import
endpoints in batches, with their memberships folded in; every other change
is one call per principal, run by a bounded pool of workers. A failing change
is recorded and never stops the others. Setting ``stop`` lets the changes in
flight finish and starts no new ones.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from ldap2ts.apply.changes import ChangeRunner
from ldap2ts.apply.creates import CreateRunner
from ldap2ts.apply.folding import fold_memberships
from ldap2ts.apply.names import IdIndex
from ldap2ts.apply.result import (
    ApplyInterrupted,
    ApplyResult,
    Recorder,
    describe,
    plan_lines,
)
from ldap2ts.apply.workers import run_bounded
from ldap2ts.journal import Journal
from ldap2ts.model import Action, Change, Plan, ThoughtSpotSnapshot
from ldap2ts.settings import Settings
from ldap2ts.thoughtspot import ThoughtSpotClient

__all__ = ["ApplyInterrupted", "ApplyResult", "apply_plan", "describe", "plan_lines"]

logger = logging.getLogger(__name__)

_POOL_NUMBERS = itertools.count(1)
"""Numbers the worker pools, so that each apply can find its own threads."""

CREATE_ACTIONS = (Action.CREATE_GROUP, Action.CREATE_USER)
PER_PRINCIPAL_ACTIONS = tuple(action for action in Action if action not in CREATE_ACTIONS)


def apply_plan(
    plan: Plan,
    client: ThoughtSpotClient,
    current: ThoughtSpotSnapshot,
    settings: Settings,
    *,
    journal: Journal | None = None,
    stop: threading.Event | None = None,
    progress: Callable[[str, int], None] | None = None,
) -> ApplyResult:
    """Apply every change of ``plan`` and return what happened.

    ``current`` is the snapshot the plan was computed from; it gives the ids
    of existing principals and their state for the journal. ``progress`` is
    called with ("apply", changes finished so far), counted by ``plan_lines``
    (one per principal, one per member) as the printed plan counts them.

    A KeyboardInterrupt (a second SIGINT or SIGTERM) waits for the changes
    in flight, then raises ApplyInterrupted with the counts so far.
    """
    if stop is None:
        stop = threading.Event()
    result = ApplyResult()
    recorder = Recorder(result, journal, progress)
    index = IdIndex(current)
    requests_before = client.stats.requests
    concurrency = max(1, settings.thoughtspot.concurrency)
    total = sum(plan_lines(change) for change in plan.changes)
    logger.info("Applying %d changes to ThoughtSpot, counted as in the plan", total)
    thread_prefix = f"ts-apply-{next(_POOL_NUMBERS)}"
    try:
        _run_phases(plan, client, current, settings, stop, recorder, index, concurrency,
                    thread_prefix=thread_prefix)
    except KeyboardInterrupt as interrupt:
        _join_workers(thread_prefix)
        # Every change in flight has finished, so every change without an
        # outcome now was never started.
        recorder.skip_rest(total)
        result.requests = client.stats.requests - requests_before
        raise ApplyInterrupted(result) from interrupt

    result.interrupted = result.interrupted or stop.is_set()
    result.requests = client.stats.requests - requests_before
    # The summary of the result is printed once, by the caller (ldap2ts.report).
    logger.debug("The apply sent %d requests to ThoughtSpot", result.requests)
    return result


def _run_phases(
    plan: Plan,
    client: ThoughtSpotClient,
    current: ThoughtSpotSnapshot,
    settings: Settings,
    stop: threading.Event,
    recorder: Recorder,
    index: IdIndex,
    concurrency: int,
    *,
    thread_prefix: str,
) -> None:
    # Additions left over after folding replace the plan's own additions.
    creates = fold_memberships(plan.changes, member_limit=settings.thoughtspot.import_batch_size)
    by_action: dict[Action, list[Change]] = {action: [] for action in PER_PRINCIPAL_ACTIONS}
    for change in plan.changes:
        if change.action in by_action and change.action is not Action.ADD_MEMBERS:
            by_action[change.action].append(change)
    by_action[Action.ADD_MEMBERS] = list(creates.residual)

    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix=thread_prefix) as pool:
        create_runner = CreateRunner(
            client,
            index,
            recorder,
            pool,
            stop,
            batch_size=settings.thoughtspot.import_batch_size,
            concurrency=concurrency,
        )
        # The create runner counts the additions folded into the imports too.
        create_runner.run(creates)

        change_runner = ChangeRunner(
            client,
            current,
            index,
            recorder,
            chunk_size=settings.thoughtspot.import_batch_size,
        )
        for action in PER_PRINCIPAL_ACTIONS:
            if by_action[action] and not stop.is_set():
                logger.info("Applying %s", _phase_size(action, by_action[action]))
            run_bounded(
                pool,
                by_action[action],
                change_runner.run,
                stop,
                recorder.skipped,
                limit=concurrency,
            )


def _join_workers(thread_prefix: str) -> None:
    """Wait for every worker thread of the pool named ``thread_prefix``.

    Leaving the pool's block shuts it down and joins the workers it has listed,
    but a KeyboardInterrupt raised inside ``submit`` can leave a worker
    started and not yet listed, still running its change against a client
    that is about to close.
    """
    for thread in threading.enumerate():
        if thread.name.startswith(thread_prefix + "_"):
            thread.join()


def _phase_size(action: Action, changes: list[Change]) -> str:
    """Describe one phase in the plan's units: "'add members': 8 members in 3 groups"."""
    noun = action.value.split(" ")[-1].removesuffix("s")
    count = sum(plan_lines(change) for change in changes)
    text = f"'{action.value}': {count} {noun if count == 1 else noun + 's'}"
    if action in (Action.ADD_MEMBERS, Action.REMOVE_MEMBERS):
        groups = len(changes)
        text += f" in {groups} {'group' if groups == 1 else 'groups'}"
    return text
