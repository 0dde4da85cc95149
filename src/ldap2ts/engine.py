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
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from typing import Any, TextIO

from ldap2ts import report
from ldap2ts.errors import ExitCode, Ldap2tsError, UsageError
from ldap2ts.model import DesiredState, DirectorySnapshot, Plan, ThoughtSpotSnapshot
from ldap2ts.progress import Progress
from ldap2ts.settings import Settings

logger = logging.getLogger(__name__)

MODES = ("plan", "apply", "check")

Confirm = Callable[[Plan], bool]
"""Asks whether to apply the plan just printed; returns True to go on."""


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
    that the command line can say that some changes were made.
    """

    def __init__(self, cause: Ldap2tsError) -> None:
        super().__init__(str(cause))
        self.exit_code = cause.exit_code
        self.cause = cause


@dataclass(slots=True)
class RunResult:
    exit_code: ExitCode
    plan: Plan | None = None
    apply_result: Any = None
    """The ``ldap2ts.apply.ApplyResult`` of an apply run; None otherwise."""
    directory: DirectorySnapshot | None = None
    desired: DesiredState | None = None
    changed: bool = False
    """True when at least one change was written to ThoughtSpot."""
    messages: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Run:
    """What one run has learned so far, for the JSON report."""

    settings: Settings
    mode: str
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    directory: DirectorySnapshot | None = None
    desired: DesiredState | None = None
    current: ThoughtSpotSnapshot | None = None
    plan: Plan | None = None
    apply_result: Any = None

    def report(self, exit_code: ExitCode, error: str | None, changed: bool) -> dict[str, Any]:
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
def _stage(progress: Progress | None, title: str, total: int | None = None) -> Iterator[Any]:
    if progress is None:
        yield None
        return
    try:
        yield progress.stage(title, total)
    finally:
        progress.finish()


def _read_directory(settings: Settings, progress: Progress | None) -> DirectorySnapshot:
    from ldap2ts.directory import read_directory

    logger.info("Reading the directory at %s under %s", settings.ldap.url,
                settings.directory.base_dn)
    started = time.monotonic()
    with _stage(progress, "Reading the directory") as callback:
        snapshot = read_directory(settings, progress=callback)
    logger.info(
        "Read %d users and %d groups from the directory in %.1f s (%d searches)",
        len(snapshot.users), len(snapshot.groups), time.monotonic() - started,
        snapshot.searches,
    )
    for reason in snapshot.incomplete_reasons:
        logger.warning("The directory read is incomplete, so nothing will be removed: %s",
                       reason)
    return snapshot


def _read_thoughtspot(client: Any, progress: Progress | None) -> ThoughtSpotSnapshot:
    from ldap2ts.thoughtspot import read_snapshot

    started = time.monotonic()
    with _stage(progress, "Reading ThoughtSpot"):
        current = read_snapshot(client)
    logger.info("Read %d users and %d groups from ThoughtSpot in %.1f s",
                len(current.users), len(current.groups), time.monotonic() - started)
    return current


def _plan_exit_code(mode: str, plan: Plan, directory: DirectorySnapshot) -> ExitCode:
    if not directory.complete:
        return ExitCode.PARTIAL
    if mode == "check" and plan.changes:
        return ExitCode.CHANGES_PENDING
    return ExitCode.OK


def _apply_exit_code(result: Any, directory: DirectorySnapshot) -> ExitCode:
    if result.interrupted:
        return ExitCode.INTERRUPTED
    if result.failures or not directory.complete:
        return ExitCode.PARTIAL
    return ExitCode.OK


def _changed(result: Any) -> bool:
    counts = (result.created, result.updated, result.removed, result.deactivated, result.deleted)
    return any(counts)


def _apply(
    state: _Run,
    client: Any,
    stop: threading.Event | None,
    progress: Progress | None,
    out: TextIO,
) -> Any:
    from ldap2ts.apply import apply_plan

    assert state.plan is not None and state.current is not None
    journal = _open_journal(state.settings)
    logger.info("Applying %d changes to ThoughtSpot at %s", len(state.plan.changes),
                state.settings.thoughtspot.url)
    try:
        with _stage(progress, "Applying", total=len(state.plan.changes)) as callback:
            result = apply_plan(state.plan, client, state.current, state.settings,
                                journal=journal, stop=stop, progress=callback)
    except Ldap2tsError as error:
        raise ApplyStopped(error) from error
    finally:
        if journal is not None:
            journal.close()
    report.print_failures(result, out)
    print(report.apply_summary_line(result), file=out)
    return result


def _open_journal(settings: Settings) -> Any:
    from ldap2ts.journal import Journal

    return Journal.for_settings(settings)


@contextmanager
def _run_lock(settings: Settings, mode: str) -> Iterator[None]:
    """Hold the run lock in apply mode; plan and check only read, so they never wait."""
    if mode != "apply":
        yield
        return
    from ldap2ts.lock import run_lock

    with run_lock(settings):
        yield


def _sync(
    state: _Run,
    *,
    confirm: Confirm | None,
    stop: threading.Event | None,
    progress: Progress | None,
    out: TextIO,
) -> RunResult:
    from ldap2ts.diff import compute_plan
    from ldap2ts.guard import check_plan
    from ldap2ts.naming import build_desired_state
    from ldap2ts.thoughtspot import ThoughtSpotClient

    settings, mode = state.settings, state.mode
    with _run_lock(settings, mode):
        # Read both sides; every failure here happens before any write.
        state.directory = _read_directory(settings, progress)
        _check_stop(stop)
        state.desired = build_desired_state(state.directory, settings)
        _check_stop(stop)
        logger.info("Connecting to ThoughtSpot at %s as %s", settings.thoughtspot.url,
                    settings.thoughtspot.username)
        with ThoughtSpotClient(settings.thoughtspot) as client:
            state.current = _read_thoughtspot(client, progress)
            _check_stop(stop)

            # Compute and show the plan; the guard may still refuse it.
            state.plan = compute_plan(state.desired, state.current, settings)
            report.print_plan(state.plan, out, would=mode != "apply")
            check_plan(state.plan, settings)
            result = RunResult(ExitCode.OK, state.plan, None, state.directory, state.desired)
            if mode != "apply":
                result.exit_code = _plan_exit_code(mode, state.plan, state.directory)
                return result
            if not state.plan.changes:
                result.exit_code = _plan_exit_code(mode, state.plan, state.directory)
                return result

            # Apply only with consent, and only the plan just shown.
            if confirm is not None and not confirm(state.plan):
                result.exit_code = ExitCode.CHANGES_PENDING
                result.messages.append("Apply cancelled.")
                return result
            _check_stop(stop)
            state.apply_result = _apply(state, client, stop, progress, out)
            result.apply_result = state.apply_result
            result.changed = _changed(state.apply_result)
            result.exit_code = _apply_exit_code(state.apply_result, state.directory)
            return result


def run(
    settings: Settings,
    mode: str,
    *,
    confirm: Confirm | None = None,
    report_path: str | None = None,
    out: TextIO = sys.stdout,
    stop: threading.Event | None = None,
    progress: Progress | None = None,
) -> RunResult:
    """Run one sync in ``mode`` ("plan", "apply" or "check") and return its result.

    Raises Ldap2tsError on any error; the JSON report, when asked for, is
    written in both cases. ``confirm`` is called with the plan before an
    apply that has changes; None applies without asking. ``stop``, once
    set (SIGINT, SIGTERM), stops the run before the next change.
    """
    if mode not in MODES:
        raise UsageError(f"unknown mode {mode!r}: expected plan, apply or check")
    state = _Run(settings, mode)
    try:
        result = _sync(state, confirm=confirm, stop=stop, progress=progress, out=out)
    except Ldap2tsError as error:
        if report_path:
            changed = isinstance(error, ApplyStopped)
            report.write_json_report(report_path,
                                     state.report(error.exit_code, str(error), changed))
        raise
    if report_path:
        report.write_json_report(report_path, state.report(result.exit_code, None,
                                                           result.changed))
        logger.info("Wrote the report to %s", report_path)
    return result
