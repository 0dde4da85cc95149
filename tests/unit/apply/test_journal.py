"""The journal: JSON lines, per configuration, private, readable after a crash."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

from ldap2ts.journal import Journal, configuration_key, default_journal_path, read_journal
from ldap2ts.model import Action, Change
from tests.unit.apply.conftest import make_full_settings


def test_entries_are_appended_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    change = Change(Action.UPDATE_USER, "alice", target_id="u1", fields={"display_name": "Al"})

    with Journal(path, run_id="first") as journal:
        journal.record(change, outcome="applied", before={"display_name": "Alice"})
    with Journal(path, run_id="second") as journal:
        journal.record(change, outcome="failed", before={}, error="HTTP 500")

    entries = list(read_journal(path))
    assert [entry["run"] for entry in entries] == ["first", "second"]
    assert entries[0]["fields"] == {"display_name": "Al"}
    assert entries[0]["before"] == {"display_name": "Alice"}
    assert entries[1]["error"] == "HTTP 500"
    assert entries[0]["time"].endswith("+00:00")


def test_journal_file_is_private(tmp_path: Path) -> None:
    path = tmp_path / "state" / "journal.jsonl"

    with Journal(path):
        pass

    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_torn_last_line_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    with Journal(path) as journal:
        journal.record(Change(Action.DELETE_USER, "bob"), outcome="applied", before={})
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"time": "2026-')

    assert [entry["name"] for entry in read_journal(path)] == ["bob"]


def test_concurrent_records_stay_whole_lines(tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"

    with Journal(path) as journal:

        def write(worker: int) -> None:
            for number in range(200):
                change = Change(Action.CREATE_USER, f"user-{worker}-{number}")
                journal.record(change, outcome="applied", before={})

        threads = [threading.Thread(target=write, args=(worker,)) for worker in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(list(read_journal(path))) == 1600


def test_path_depends_on_configuration(tmp_path: Path) -> None:
    first = make_full_settings()
    first.sync.state_dir = str(tmp_path)
    second = make_full_settings(url="https://other.example.test")
    second.sync.state_dir = str(tmp_path)

    assert default_journal_path(first).parent == tmp_path
    assert default_journal_path(first).name.startswith("journal-")
    assert configuration_key(first) == configuration_key(make_full_settings())
    assert configuration_key(first) != configuration_key(second)


def test_for_settings_opens_configuration_journal(tmp_path: Path) -> None:
    settings = make_full_settings()
    settings.sync.state_dir = str(tmp_path / "state")

    journal = Journal.for_settings(settings)
    try:
        journal.record(Change(Action.DELETE_GROUP, "old"), outcome="applied", before={})
    finally:
        journal.close()

    assert journal.path == default_journal_path(settings)
    assert [entry["name"] for entry in read_journal(journal.path)] == ["old"]
