"""The final record's fields and the metrics file written at the end of a run."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ldap2ts import engine
from ldap2ts.cli.unattended import MetricsRecorder, outcome_fields
from ldap2ts.errors import ExitCode
from ldap2ts.model import Action, Change, Plan


def test_planned_changes_count_as_the_plan_prints_them() -> None:
    plan = Plan(changes=[
        Change(Action.CREATE_GROUP, "sales"),
        Change(Action.ADD_MEMBERS, "sales", users=("alice", "bob"), sub_groups=("emea",)),
    ])
    fields = outcome_fields(engine.RunResult(ExitCode.OK, plan), "plan")
    assert fields["planned_changes"] == 4


def test_metrics_write_failure_is_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    recorder = MetricsRecorder(str(folder / "ldap2ts.prom"))
    folder.rmdir()
    with caplog.at_level(logging.WARNING):
        recorder.write(ExitCode.OK)
    assert [record.levelno for record in caplog.records] == [logging.WARNING]
    message = caplog.records[0].getMessage()
    assert message.startswith(f"could not write the metrics file {folder / 'ldap2ts.prom'}: ")
    assert "No such file or directory" in message
    assert message.endswith("; the exit code is unchanged")
