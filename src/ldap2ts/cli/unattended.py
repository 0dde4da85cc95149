"""Command-line parts for runs nobody watches: the quiet summary, metrics, explain.

With ``--quiet`` stdout stays empty and stderr gets warnings, errors and
one summary record. ``--metrics-file`` writes the metrics of every run,
failed ones included. ``explain`` prints why a principal is synced as it is.
"""

from __future__ import annotations

import logging
import time
from typing import Any, TextIO

from ldap2ts import engine, metrics, report
from ldap2ts.errors import ExitCode

logger = logging.getLogger("ldap2ts.cli")


def outcome_fields(result: engine.RunResult, mode: str) -> dict[str, Any]:
    """Return the structured fields of the run's final log record."""
    fields: dict[str, Any] = {
        "mode": mode,
        "exit_code": int(result.exit_code),
        "exit_status": result.exit_code.name.lower(),
        "changed": result.changed,
    }
    if result.directory is not None:
        fields["directory_complete"] = result.directory.complete
    if result.plan is not None:
        fields["planned_changes"] = report.change_count(result.plan)
    if result.apply_result is not None:
        fields["failed_changes"] = len(result.apply_result.failures)
    return fields


def summary_text(result: engine.RunResult) -> str:
    """Return the one-line summary: the apply counts, else the plan's summary, and the result."""
    if result.apply_result is not None:
        text = report.apply_summary_line(result.apply_result)
    elif result.plan is not None:
        text = report.summary_line(result.plan)
    else:
        text = ""
    changed = "Nothing was changed in ThoughtSpot."
    if result.changed:
        changed = "ThoughtSpot was changed."
    status = result.exit_code.name.lower()
    return f"{text} {changed} Exit code {int(result.exit_code)} ({status}).".strip()


def log_quiet_outcome(result: engine.RunResult, mode: str) -> None:
    """Log what a quiet run keeps off stdout: warnings, held-back removals, failures, summary."""
    plan = result.plan
    if plan is not None:
        for warning in plan.warnings:
            logger.warning("%s", warning)
        for reason in plan.skipped:
            logger.warning("held back: %s", reason)
    if result.apply_result is not None:
        for change, reason in result.apply_result.failures:
            for line in report.change_lines(change):
                logger.error("failed: %s: %s", line, reason)
    logger.info("%s", summary_text(result), extra={"summary": True, **outcome_fields(result, mode)})


class MetricsRecorder:
    """Collects the run's report and writes the metrics file when the run ends."""

    def __init__(self, path: str) -> None:
        metrics.check_metrics_path(path)
        self.path = path
        self.started = time.monotonic()
        self.report: dict[str, Any] | None = None

    def observe(self, data: dict[str, Any]) -> None:
        self.report = data

    def write(self, exit_code: ExitCode) -> None:
        """Write the metrics; a failure is logged as a warning and does not change the exit code.

        The path was checked before the run, so a failure here means the
        folder changed during the run or the disk is full.
        """
        duration = time.monotonic() - self.started
        built = metrics.build_metrics(
            self.report,
            exit_code=exit_code,
            finished=time.time(),
            duration=duration,
            last_success=metrics.previous_success(self.path),
        )
        try:
            metrics.write_metrics(self.path, built)
        except OSError as error:
            logger.warning("could not write the metrics file %s: %s; the exit code is unchanged",
                           self.path, error)
            return
        logger.debug("wrote the metrics to %s", self.path)


def print_explanation(settings: Any, name: str, out: TextIO) -> int:
    """Print ``ldap2ts explain NAME`` and return exit code 0 (it reads only)."""
    from ldap2ts.explain import explain
    from ldap2ts.explain.render import explanation_lines

    explanation = explain(settings, name)
    for line in explanation_lines(explanation):
        print(line, file=out)
    return int(ExitCode.OK)
