"""Prometheus metrics of a run: content, text format and atomic writes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

from ldap2ts.errors import ExitCode
from ldap2ts.metrics import build_metrics, previous_success, render, write_metrics

REPORT: dict[str, Any] = {
    "mode": "apply",
    "changed": True,
    "directory": {"users": 120, "groups": 14, "complete": False},
    "thoughtspot": {"users": 130, "groups": 20},
    "plan": {"counts": {"create user": 3, "add members": 7}, "held_back": ["a", "b"]},
    "apply": {"created": 3, "added": 7, "updated": 0, "reactivated": 0, "removed": 0,
              "deactivated": 0, "deleted": 0, "failed": 1, "skipped": 0},
}


def parse(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    values = {}
    for family in text_string_to_metric_families(text):
        assert family.type == "gauge"
        for sample in family.samples:
            values[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return values


def test_partial_apply_metrics() -> None:
    metrics = build_metrics(REPORT, exit_code=ExitCode.PARTIAL, finished=1700000000.5,
                            duration=12.25, last_success=1699990000.0)
    values = parse(render(metrics))
    assert values[("ldap2ts_last_run_timestamp_seconds", ())] == 1700000000.5
    assert values[("ldap2ts_last_run_duration_seconds", ())] == 12.25
    assert values[("ldap2ts_last_run_exit_code", ())] == 3
    assert values[("ldap2ts_last_run_result", (("result", "partial"),))] == 1
    assert values[("ldap2ts_last_run_result", (("result", "ok"),))] == 0
    assert values[("ldap2ts_last_run_info", (("mode", "apply"),))] == 1
    assert values[("ldap2ts_last_run_changed", ())] == 1
    assert values[("ldap2ts_last_success_timestamp_seconds", ())] == 1699990000.0
    assert values[("ldap2ts_directory_principals", (("kind", "user"),))] == 120
    assert values[("ldap2ts_directory_principals", (("kind", "group"),))] == 14
    assert values[("ldap2ts_directory_read_complete", ())] == 0
    assert values[("ldap2ts_thoughtspot_principals", (("kind", "user"),))] == 130
    assert values[("ldap2ts_planned_changes", (("action", "add members"),))] == 7
    assert values[("ldap2ts_held_back_removals", ())] == 2
    assert values[("ldap2ts_applied_changes", (("kind", "created"),))] == 3
    assert values[("ldap2ts_applied_changes", (("kind", "deleted"),))] == 0
    assert values[("ldap2ts_apply_failures", ())] == 1


def test_success_sets_last_success() -> None:
    metrics = build_metrics(REPORT, exit_code=ExitCode.OK, finished=1700000100.0, duration=1.0,
                            last_success=1.0)
    assert parse(render(metrics))[("ldap2ts_last_success_timestamp_seconds", ())] == 1700000100


def test_run_that_never_started() -> None:
    metrics = build_metrics(None, exit_code=ExitCode.USAGE, finished=5.0, duration=0.1,
                            last_success=None)
    values = parse(render(metrics))
    assert values[("ldap2ts_last_run_result", (("result", "usage"),))] == 1
    assert values[("ldap2ts_last_run_changed", ())] == 0
    assert ("ldap2ts_last_success_timestamp_seconds", ()) not in values
    assert ("ldap2ts_directory_read_complete", ()) not in values


def test_unknown_changed_is_absent() -> None:
    report = {**REPORT, "changed": None}
    metrics = build_metrics(report, exit_code=ExitCode.FAILED, finished=5.0, duration=0.1,
                            last_success=None)
    assert ("ldap2ts_last_run_changed", ()) not in parse(render(metrics))


def test_label_values_are_escaped() -> None:
    report = {**REPORT, "plan": {"counts": {'odd "action"\\x': 1}, "held_back": []}}
    metrics = build_metrics(report, exit_code=ExitCode.OK, finished=5.0, duration=0.1,
                            last_success=None)
    values = parse(render(metrics))
    assert values[("ldap2ts_planned_changes", (("action", 'odd "action"\\x'),))] == 1


def test_write_replaces_file_atomically(tmp_path: Path) -> None:
    path = tmp_path / "ldap2ts.prom"
    path.write_text("old content\n")
    inode = path.stat().st_ino
    metrics = build_metrics(REPORT, exit_code=ExitCode.OK, finished=7.0, duration=0.1,
                            last_success=None)
    write_metrics(str(path), metrics)
    assert path.read_text() == render(metrics)
    assert path.stat().st_ino != inode
    assert oct(path.stat().st_mode & 0o777) == "0o644"
    assert os.listdir(tmp_path) == ["ldap2ts.prom"]


def test_previous_success_read_back(tmp_path: Path) -> None:
    path = tmp_path / "ldap2ts.prom"
    assert previous_success(str(path)) is None
    write_metrics(str(path), build_metrics(REPORT, exit_code=ExitCode.OK, finished=1234.5,
                                           duration=0.1, last_success=None))
    assert previous_success(str(path)) == 1234.5
