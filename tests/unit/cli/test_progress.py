"""The progress line: drawn only when enabled, counts per label, a bar with a total."""

from __future__ import annotations

import io

from ldap2ts.progress import Progress


def test_disabled_progress_writes_nothing() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=False)
    update = progress.stage("Reading the directory")
    update("users", 10)
    progress.finish()
    assert stream.getvalue() == ""


def test_counts_show_latest_value_per_label() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=True, interval=0.0)
    update = progress.stage("Reading the directory")
    update("users", 500)
    update("users", 1000)
    update("groups", 40)
    last = stream.getvalue().split("\r")[-1].rstrip()
    assert last == "Reading the directory: 1000 users, 40 groups"


def test_total_draws_bar_of_work_done() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=True, interval=0.0)
    update = progress.stage("Applying", total=4)
    update("apply", 1)
    update("apply", 2)
    last = stream.getvalue().split("\r")[-1].rstrip()
    assert last == "Applying [############------------] 2/4"


def test_redraws_are_rate_limited() -> None:
    stream = io.StringIO()
    now = [0.0]
    progress = Progress(stream, enabled=True, interval=1.0, clock=lambda: now[0])
    update = progress.stage("Reading ThoughtSpot")
    update("users", 1)
    update("users", 2)
    assert stream.getvalue().count("\r") == 1
    now[0] = 2.0
    update("users", 3)
    assert stream.getvalue().count("\r") == 2


def test_finish_clears_line() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=True, interval=0.0)
    progress.stage("Applying", total=1)("x", 1)
    progress.finish()
    assert stream.getvalue().endswith("\r")
    assert stream.getvalue().split("\r")[-2].strip() == ""


def test_stage_shows_title_before_counts() -> None:
    stream = io.StringIO()
    progress = Progress(stream, enabled=True)
    progress.stage("Reading ThoughtSpot")
    assert stream.getvalue().split("\r")[-1].rstrip() == "Reading ThoughtSpot ..."
