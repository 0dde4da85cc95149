"""Prometheus metrics of the last run, for node_exporter's textfile collector.

``write_metrics`` writes the Prometheus text exposition format (version
0.0.4) to a ``.prom`` file at the end of each run. The file is written
to a temporary file in the same folder, then renamed over the old one, so
the collector never reads half a file. Each value describes the last run
only, except ``ldap2ts_last_success_timestamp_seconds``, which is carried
over from the previous file when this run did not succeed, so that an
alert can fire when no run has succeeded for a day.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ldap2ts.errors import ExitCode, UsageError

logger = logging.getLogger(__name__)

APPLIED_KINDS = ("created", "added", "updated", "reactivated", "removed", "deactivated",
                 "deleted")  # fmt: skip
"""Counts of an apply: principals created, memberships added, and so on."""

_SUCCESS = (ExitCode.OK, ExitCode.CHANGES_PENDING)
_LAST_SUCCESS = re.compile(r"^ldap2ts_last_success_timestamp_seconds\s+(\S+)\s*$", re.MULTILINE)


@dataclass(slots=True)
class Metric:
    name: str
    help: str
    samples: list[tuple[dict[str, str], float]] = field(default_factory=list)


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def render(metrics: list[Metric]) -> str:
    """Return the metrics in the Prometheus text format, every metric typed as a gauge."""
    lines: list[str] = []
    for metric in metrics:
        if not metric.samples:
            continue
        lines.append(f"# HELP {metric.name} {metric.help}")
        lines.append(f"# TYPE {metric.name} gauge")
        for labels, value in metric.samples:
            text = ",".join(f'{key}="{_escape(label)}"' for key, label in labels.items())
            lines.append(f"{metric.name}{{{text}}} {_number(value)}" if text
                         else f"{metric.name} {_number(value)}")  # fmt: skip
    return "\n".join(lines) + "\n"


def _gauge(name: str, help_text: str, value: float | None) -> Metric:
    metric = Metric(name, help_text)
    if value is not None:
        metric.samples.append(({}, value))
    return metric


def _run_metrics(exit_code: ExitCode, finished: float, duration: float,
                 changed: bool | None, mode: str | None) -> Iterator[Metric]:  # fmt: skip
    yield _gauge("ldap2ts_last_run_timestamp_seconds",
                 "Unix time at which the last run finished.", finished)
    yield _gauge("ldap2ts_last_run_duration_seconds",
                 "Wall-clock duration of the last run.", duration)
    yield _gauge("ldap2ts_last_run_exit_code", "Exit code of the last run.", int(exit_code))
    result = Metric("ldap2ts_last_run_result",
                    "1 for the result of the last run (the exit status name), 0 for the others.")
    for code in ExitCode:
        result.samples.append(({"result": code.name.lower()}, 1 if code is exit_code else 0))
    yield result
    if mode is not None:
        yield Metric("ldap2ts_last_run_info", "Mode of the last run (plan, check or apply).",
                     [({"mode": mode}, 1)])
    yield _gauge("ldap2ts_last_run_changed",
                 "1 when the last run wrote to ThoughtSpot, 0 when it did not; absent when "
                 "unknown (an apply stopped by an error).",
                 None if changed is None else int(changed))


def _directory_metrics(directory: Mapping[str, Any] | None,
                       thoughtspot: Mapping[str, Any] | None) -> Iterator[Metric]:  # fmt: skip
    read = Metric("ldap2ts_directory_principals", "Users and groups read from the directory.")
    complete = Metric("ldap2ts_directory_read_complete",
                      "1 when the directory read was complete, 0 when a search ended early "
                      "(nothing was removed).")
    if directory is not None:
        read.samples += [({"kind": "user"}, directory["users"]),
                         ({"kind": "group"}, directory["groups"])]  # fmt: skip
        complete.samples.append(({}, 1 if directory["complete"] else 0))
    yield read
    yield complete
    found = Metric("ldap2ts_thoughtspot_principals", "Users and groups read from ThoughtSpot.")
    if thoughtspot is not None:
        found.samples += [({"kind": "user"}, thoughtspot["users"]),
                          ({"kind": "group"}, thoughtspot["groups"])]  # fmt: skip
    yield found


def _change_metrics(plan: Mapping[str, Any] | None,
                    applied: Mapping[str, Any] | None) -> Iterator[Metric]:  # fmt: skip
    planned = Metric("ldap2ts_planned_changes",
                     "Changes in the plan of the last run, by action (members count one each).")
    held = Metric("ldap2ts_held_back_removals", "Removals the plan held back.")
    if plan is not None:
        planned.samples += [({"action": action}, count)
                            for action, count in sorted(plan["counts"].items())]  # fmt: skip
        held.samples.append(({}, len(plan["held_back"])))
    yield planned
    yield held
    done = Metric("ldap2ts_applied_changes",
                  "Changes applied by the last run, by kind (principals, or memberships for "
                  "added and removed).")
    failed = Metric("ldap2ts_apply_failures", "Changes that failed in the last run.")
    skipped = Metric("ldap2ts_apply_not_started",
                     "Changes never started because the run was stopped.")
    if applied is not None:
        done.samples += [({"kind": kind}, applied[kind]) for kind in APPLIED_KINDS]
        failed.samples.append(({}, applied["failed"]))
        skipped.samples.append(({}, applied["skipped"]))
    yield done
    yield failed
    yield skipped


def build_metrics(report: Mapping[str, Any] | None, *, exit_code: ExitCode, finished: float,
                  duration: float, last_success: float | None) -> list[Metric]:  # fmt: skip
    """Return the metrics of one run from its JSON report (None when the run never started)."""
    report = report or {}
    changed = report.get("changed") if report else False
    metrics = list(_run_metrics(exit_code, finished, duration, changed, report.get("mode")))
    if exit_code in _SUCCESS:
        last_success = finished
    metrics.append(_gauge("ldap2ts_last_success_timestamp_seconds",
                          "Unix time at which the last run that exited 0 or 1 finished.",
                          last_success))  # fmt: skip
    metrics += _directory_metrics(report.get("directory"), report.get("thoughtspot"))
    metrics += _change_metrics(report.get("plan"), report.get("apply"))
    return metrics


def previous_success(path: str) -> float | None:
    """Return ldap2ts_last_success_timestamp_seconds from an earlier file, or None."""
    try:
        with open(path, encoding="utf-8") as stream:
            match = _LAST_SUCCESS.search(stream.read())
    except (OSError, UnicodeDecodeError):
        return None
    if match is None:
        return None
    try:
        return float(match.group(1))
    except ValueError:
        return None


def check_metrics_path(path: str) -> None:
    """Raise UsageError when ``path`` is a directory or its folder is missing or not writable."""
    if os.path.isdir(path):
        raise UsageError(f"--metrics-file {path}: is a directory; give the path of a file in it, "
                         f"such as {os.path.join(path, 'ldap2ts.prom')}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(
            f"--metrics-file {path}: folder {folder} not found; create it or pick another"
        )
    if not os.access(folder, os.W_OK):
        raise UsageError(f"--metrics-file {path}: folder {folder} is not writable by this user")


def write_metrics(path: str, metrics: list[Metric]) -> None:
    """Write the metrics to ``path`` atomically, readable by all (mode 644)."""
    folder = os.path.dirname(os.path.abspath(path))
    descriptor, temporary = tempfile.mkstemp(prefix=".ldap2ts-metrics-", suffix=".tmp",
                                             dir=folder)  # fmt: skip
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(render(metrics))
            stream.flush()
            os.fchmod(stream.fileno(), 0o644)
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
