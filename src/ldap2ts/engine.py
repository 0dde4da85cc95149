"""One sync run: read the directory and ThoughtSpot, compute the plan, show it, apply it.

``run`` is the single entry point of the ``ldap2ts`` command, the legacy
front end and the Python API. Every check that can fail (configuration,
connections, logins, reads, the safety guard) runs before the first write,
so any error up to the apply leaves ThoughtSpot unchanged.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import Any, TextIO

from ldap2ts import report
from ldap2ts.apply import ApplyInterrupted, ApplyResult, apply_plan
from ldap2ts.diff import compute_plan
from ldap2ts.directory import read_directory
from ldap2ts.errors import ExitCode, Ldap2tsError, UsageError
from ldap2ts.guard import check_plan
from ldap2ts.hooks import Hooks, desired_state, resolve_hooks
from ldap2ts.journal import Journal, default_journal_path
from ldap2ts.lock import run_lock
from ldap2ts.model import DesiredState, DirectorySnapshot, Plan, ThoughtSpotSnapshot
from ldap2ts.progress import Progress, ProgressCallback
from ldap2ts.settings import Settings
from ldap2ts.thoughtspot import ThoughtSpotClient, read_snapshot

logger = logging.getLogger(__name__)

MODES = ("plan", "apply", "check")

Confirm = Callable[[Plan], bool]
"""Asks whether to apply the plan just printed; returns True to go on."""

Observer = Callable[[dict[str, Any]], None]
"""Receives the JSON report of the run at its end, after success or error (metrics)."""


def version() -> str:
    try:
        return metadata.version("ldap2ts")
    except metadata.PackageNotFoundError:
        return "0+unknown"


class InterruptedRun(Ldap2tsError):
    """SIGINT or SIGTERM arrived before the apply began; nothing was changed."""

    exit_code = ExitCode.INTERRUPTED


class ApplyStopped(Ldap2tsError):
    """An error stopped the apply after it had begun; earlier changes stay applied.

    It carries the message and exit code of the error that stopped it, so
    that the command line can report that some changes were made.
    ``result`` holds the apply's counts when they are known (after a stop at
    once by a signal), else None.
    """

    def __init__(self, cause: Ldap2tsError, *, result: ApplyResult | None = None) -> None:
        super().__init__(str(cause))
        self.exit_code = cause.exit_code
        self.cause = cause
        self.result = result

    @property
    def changed(self) -> bool | None:
        """Whether ThoughtSpot was changed; None when the counts are unknown."""
        return None if self.result is None else self.result.changed


STOPPED_AT_ONCE = "interrupted; run ldap2ts again to finish the sync"


@dataclass(slots=True)
class RunResult:
    exit_code: ExitCode
    plan: Plan | None = None
    apply_result: ApplyResult | None = None
    """What the apply did; None in plan and check modes and before an apply."""
    directory: DirectorySnapshot | None = None
    desired: DesiredState | None = None
    changed: bool = False
    """True when at least one change was written to ThoughtSpot."""
    messages: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Run:
    """The facts one run has gathered so far, for the JSON report."""

    settings: Settings
    mode: str
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    directory: DirectorySnapshot | None = None
    desired: DesiredState | None = None
    current: ThoughtSpotSnapshot | None = None
    plan: Plan | None = None
    apply_result: ApplyResult | None = None
    hooks: Hooks | None = None

    def report(
        self, exit_code: ExitCode, error: str | None, changed: bool | None
    ) -> dict[str, Any]:
        return {
            "ldap2ts_version": version(),
            "mode": self.mode,
            "config_file": self.settings.config_file,
            "ldap_url": self.settings.ldap.url,
            "base_dn": self.settings.directory.base_dn,
            "thoughtspot_url": self.settings.thoughtspot.url,
            "started_at": self.started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "exit_code": int(exit_code),
            "exit_status": exit_code.name.lower(),
            "changed": changed,
            "error": error,
            "directory": report.directory_record(self.directory) if self.directory else None,
            "thoughtspot": {
                "users": len(self.current.users),
                "groups": len(self.current.groups),
            }
            if self.current
            else None,
            "plan": report.plan_record(self.plan, self.desired) if self.plan else None,
            "apply": report.apply_record(self.apply_result, self.desired)
            if self.apply_result is not None
            else None,
        }


def _check_stop(stop: threading.Event | None) -> None:
    if stop is not None and stop.is_set():
        raise InterruptedRun("interrupted before any change was made; nothing was changed")


@contextmanager
def _stage(
    progress: Progress | None, title: str, total: int | None = None
) -> Iterator[ProgressCallback | None]:
    if progress is None:
        yield None
        return
    try:
        yield progress.stage(title, total)
    finally:
        progress.finish()


def _read_directory(settings: Settings, progress: Progress | None) -> DirectorySnapshot:
    # The reader logs the start and the counts of the read itself.
    with _stage(progress, "Reading the directory") as callback:
        snapshot: DirectorySnapshot = read_directory(settings, progress=callback)
    for reason in snapshot.incomplete_reasons:
        logger.warning("The directory read is incomplete, so nothing will be removed: %s",
                       reason)
    return snapshot


def _read_thoughtspot(client: ThoughtSpotClient, progress: Progress | None) -> ThoughtSpotSnapshot:
    # The reader logs the counts itself.
    with _stage(progress, "Reading ThoughtSpot"):
        current: ThoughtSpotSnapshot = read_snapshot(client)
    return current


def _plan_exit_code(mode: str, plan: Plan, directory: DirectorySnapshot) -> ExitCode:
    if not directory.complete:
        return ExitCode.PARTIAL
    if mode == "check" and plan.changes:
        return ExitCode.CHANGES_PENDING
    return ExitCode.OK


def _apply_exit_code(result: ApplyResult, directory: DirectorySnapshot) -> ExitCode:
    if result.interrupted:
        return ExitCode.INTERRUPTED
    if result.failures or not directory.complete:
        return ExitCode.PARTIAL
    return ExitCode.OK


def _apply(
    state: _Run,
    client: ThoughtSpotClient,
    stop: threading.Event | None,
    progress: Progress | None,
    out: TextIO,
) -> ApplyResult:
    assert state.plan is not None and state.current is not None
    # A journal that cannot be opened stops the run before the first write.
    with Journal(default_journal_path(state.settings)) as journal:
        logger.info("Journal of this run: %s", journal.path)
        try:
            total = report.change_count(state.plan)
            with _stage(progress, "Applying changes", total=total) as callback:
                result = apply_plan(state.plan, client, state.current, state.settings,
                                    journal=journal, stop=stop, progress=callback)
                # Known at once, so that a later stop at once reports these counts.
                state.apply_result = result
        except Ldap2tsError as error:
            raise ApplyStopped(error) from error
        except ApplyInterrupted as interrupt:
            # A second signal: report what was done, then stop with exit code 6.
            state.apply_result = interrupt.result
            report.print_failures(interrupt.result, out)
            print(report.apply_summary_line(interrupt.result), file=out)
            raise ApplyStopped(InterruptedRun(STOPPED_AT_ONCE),
                               result=interrupt.result) from interrupt
    report.print_failures(result, out)
    print(report.apply_summary_line(result), file=out)
    return result


@contextmanager
def _run_lock(settings: Settings, mode: str) -> Iterator[None]:
    """Hold the run lock in apply mode; plan and check only read, so they never wait."""
    if mode != "apply":
        yield
        return
    with run_lock(settings):
        yield


def _read_directory_side(state: _Run, stop: threading.Event | None,
                         progress: Progress | None) -> None:
    state.directory = _read_directory(state.settings, progress)
    _check_stop(stop)
    state.desired = desired_state(state.directory, state.settings, state.hooks)
    _check_stop(stop)


def _compute_and_show_plan(state: _Run, out: TextIO) -> Plan:
    """Compute the plan, print it, then let the guard refuse it (after the user has seen it)."""
    assert state.desired is not None and state.current is not None
    state.plan = compute_plan(state.desired, state.current, state.settings)
    report.print_plan(state.plan, out, would=state.mode != "apply")
    check_plan(state.plan, state.settings)
    return state.plan


def _apply_with_consent(
    state: _Run,
    client: ThoughtSpotClient,
    result: RunResult,
    *,
    confirm: Confirm | None,
    stop: threading.Event | None,
    progress: Progress | None,
    out: TextIO,
) -> RunResult:
    """Apply the plan just shown, unless the user declines or a signal arrived."""
    assert state.plan is not None and state.directory is not None
    if confirm is not None and not confirm(state.plan):
        result.exit_code = ExitCode.CHANGES_PENDING
        result.messages.append("Apply cancelled.")
        return result
    _check_stop(stop)
    state.apply_result = _apply(state, client, stop, progress, out)
    result.apply_result = state.apply_result
    result.changed = bool(state.apply_result.changed)
    result.exit_code = _apply_exit_code(state.apply_result, state.directory)
    return result


def _sync(
    state: _Run,
    *,
    confirm: Confirm | None,
    stop: threading.Event | None,
    progress: Progress | None,
    out: TextIO,
) -> RunResult:
    settings = state.settings
    with _run_lock(settings, state.mode):
        # Read both sides; every failure up to the apply happens before any write.
        _read_directory_side(state, stop, progress)
        logger.info("Connecting to ThoughtSpot at %s as %s", settings.thoughtspot.url,
                    settings.thoughtspot.username)
        with ThoughtSpotClient(settings.thoughtspot) as client:
            state.current = _read_thoughtspot(client, progress)
            _check_stop(stop)
            plan = _compute_and_show_plan(state, out)
            assert state.directory is not None
            result = RunResult(_plan_exit_code(state.mode, plan, state.directory), plan,
                               directory=state.directory, desired=state.desired)
            if state.mode != "apply" or not plan.changes:
                return result
            return _apply_with_consent(state, client, result, confirm=confirm, stop=stop,
                                       progress=progress, out=out)


def run(
    settings: Settings,
    mode: str,
    *,
    confirm: Confirm | None = None,
    report_path: str | None = None,
    out: TextIO = sys.stdout,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
    hooks: Hooks | None = None,
    observer: Observer | None = None,
) -> RunResult:
    """Run one sync in ``mode`` ("plan", "apply" or "check") and return its result.

    Raises Ldap2tsError on any error; the JSON report, when asked for, is
    written in both cases. ``confirm`` is called with the plan before an
    apply that has changes; None applies without asking. ``stop``, once
    set (SIGINT, SIGTERM), stops the run before the next change. ``hooks``
    run after those of ``naming.hooks``, which are loaded before anything
    is read. ``observer`` gets the report's data at the end in both cases.
    A KeyboardInterrupt (in ``ldap2ts``, a second SIGINT or SIGTERM) ends the
    run with InterruptedRun, or with ApplyStopped once the apply has begun,
    both with exit code 6 (interrupted).
    """
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}: expected plan, apply or check")
    state = _Run(settings, mode)
    try:
        try:
            state.hooks = resolve_hooks(settings, hooks)
            result = _sync(state, confirm=confirm, stop=stop, progress=progress, out=out)
        except KeyboardInterrupt as interrupt:
            # A second SIGINT or SIGTERM outside the apply's own handling.
            raise _stopped_at_once(state) from interrupt
    except Ldap2tsError as error:
        # After an apply that stopped on an error, whether anything changed is
        # unknown, unless a signal stopped it and its counts are known.
        changed: bool | None = False
        if isinstance(error, ApplyStopped):
            changed = error.changed
        if report_path or observer:
            _finish(state.report(error.exit_code, str(error), changed), report_path, observer)
        raise
    if report_path or observer:
        _finish(state.report(result.exit_code, None, result.changed), report_path, observer)
    return result


def _stopped_at_once(state: _Run) -> Ldap2tsError:
    """Return the error for a stop at once, by whether the apply had begun."""
    if state.apply_result is None:
        return InterruptedRun("interrupted before any change was made; nothing was changed")
    return ApplyStopped(InterruptedRun(STOPPED_AT_ONCE), result=state.apply_result)


def _finish(data: dict[str, Any], report_path: str | None, observer: Observer | None) -> None:
    if observer is not None:
        observer(data)
    if report_path:
        report.write_json_report(report_path, data)
        logger.info("Wrote the report to %s", report_path)
