"""apply_plan on the in-memory ThoughtSpot: order, batching, memberships, failures, stop."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from ldap2ts.apply import apply_plan, plan_lines
from ldap2ts.journal import Journal, read_journal
from ldap2ts.model import Action, Change, Plan
from ldap2ts.report import change_lines
from ldap2ts.thoughtspot import ThoughtSpotClient, read_snapshot
from tests.unit.apply.conftest import make_full_settings
from tests.unit.thoughtspot.fakes import FakeThoughtSpot


def user_groups(fake: FakeThoughtSpot, name: str) -> set[str]:
    user = fake.user_named(name)
    assert user is not None, name
    return {fake.groups[group_id]["name"] for group_id in user["groups"]}


def sub_groups(fake: FakeThoughtSpot, name: str) -> set[str]:
    group = fake.group_named(name)
    assert group is not None, name
    return {fake.groups[group_id]["name"] for group_id in group["sub_groups"]}


def writes(fake: FakeThoughtSpot) -> dict[str, int]:
    return {
        kind: count
        for kind, count in fake.calls.items()
        if not kind.endswith("search")
        and kind not in ("auth/token/full", "auth/session/user", "system")
    }


def first_sync_plan() -> Plan:
    changes = [
        Change(Action.CREATE_GROUP, "staff", fields={"display_name": "Staff"}),
        Change(Action.CREATE_GROUP, "sales", fields={"display_name": "Sales"}),
        Change(Action.CREATE_GROUP, "sales-emea", fields={"display_name": "Sales EMEA"}),
    ]
    for number in range(5):
        changes.append(
            Change(
                Action.CREATE_USER,
                f"user{number}@example.com",
                fields={"display_name": f"User {number}", "email": f"user{number}@example.com"},
            )
        )
    changes += [
        Change(Action.ADD_MEMBERS, "staff", sub_groups=("sales",)),
        Change(
            Action.ADD_MEMBERS, "sales", sub_groups=("sales-emea",), users=("user0@example.com",)
        ),
        Change(
            Action.ADD_MEMBERS,
            "sales-emea",
            users=("user1@example.com", "user2@example.com", "tsadmin"),
        ),
    ]
    return Plan(changes=changes)


def test_first_sync_costs_only_imports(client: ThoughtSpotClient, fake: FakeThoughtSpot) -> None:
    current = read_snapshot(client)
    settings = make_full_settings(import_batch_size=2)

    result = apply_plan(first_sync_plan(), client, current, settings)

    assert result.failures == []
    assert result.created == 8
    assert result.added == 6
    # Three nesting waves of one group each, then ceil(5 users / 2) user imports.
    assert writes(fake) == {"groups/import": 3, "users/import": 3}
    assert sub_groups(fake, "staff") == {"sales"}
    assert sub_groups(fake, "sales") == {"sales-emea"}
    assert user_groups(fake, "user0@example.com") == {"sales"}
    assert user_groups(fake, "user1@example.com") == {"sales-emea"}
    assert user_groups(fake, "tsadmin") == {"sales-emea"}
    assert user_groups(fake, "user4@example.com") == set()
    created = fake.user_named("user3@example.com")
    assert created is not None
    assert created["account_type"] == "LDAP_USER"
    assert created["display_name"] == "User 3"


def test_second_run_of_empty_plan_writes_nothing(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    result = apply_plan(Plan(), client, read_snapshot(client), make_full_settings())

    assert writes(fake) == {}
    assert not result.changed
    assert result.requests == 0


def test_membership_changes_send_exact_add_and_remove(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    sales = fake.add_group("sales")
    keep = fake.add_user("keep-me", groups={sales})
    drop = fake.add_user("drop-me", groups={sales})
    join = fake.add_user("join-me")
    current = read_snapshot(client)
    plan = Plan(
        changes=[
            Change(Action.REMOVE_MEMBERS, "sales", target_id=sales, users=("drop-me",)),
            Change(Action.ADD_MEMBERS, "sales", target_id=sales, users=("join-me",)),
        ]
    )

    result = apply_plan(plan, client, current, make_full_settings())

    updates = [r for r in fake.requests if r.url.path.endswith(f"{sales}/update")]
    bodies = [json.loads(r.content) for r in updates]
    assert bodies == [
        {"user_identifiers": [join], "operation": "ADD"},
        {"user_identifiers": [drop], "operation": "REMOVE"},
    ]
    assert (result.added, result.removed) == (1, 1)
    assert sales in fake.users[keep]["groups"]
    assert sales not in fake.users[drop]["groups"]


def test_updates_status_and_deletions(client: ThoughtSpotClient, fake: FakeThoughtSpot) -> None:
    rename = fake.add_user("rename-me")
    wake = fake.add_user("wake-me", account_status="INACTIVE")
    sleep = fake.add_user("sleep-me")
    delete = fake.add_user("delete-me")
    old_group = fake.add_group("old-group")
    current = read_snapshot(client)
    plan = Plan(
        changes=[
            Change(Action.DELETE_GROUP, "old-group", target_id=old_group),
            Change(Action.DELETE_USER, "delete-me", target_id=delete),
            Change(Action.DEACTIVATE_USER, "sleep-me", target_id=sleep),
            Change(Action.REACTIVATE_USER, "wake-me", target_id=wake),
            Change(
                Action.UPDATE_USER, "rename-me", target_id=rename, fields={"display_name": "New"}
            ),
        ]
    )

    result = apply_plan(plan, client, current, make_full_settings())

    assert result.failures == []
    assert (result.updated, result.reactivated, result.deactivated, result.deleted) == (1, 1, 1, 2)
    assert fake.users[rename]["display_name"] == "New"
    assert fake.users[wake]["account_status"] == "ACTIVE"
    assert fake.users[sleep]["account_status"] == "INACTIVE"
    assert delete not in fake.users
    assert old_group not in fake.groups
    order = [
        r.url.path.rsplit("/", 2)[-2:]
        for r in fake.requests
        if "/update" in r.url.path or "/delete" in r.url.path
    ]
    assert order == [
        [rename, "update"],
        [wake, "update"],
        [sleep, "update"],
        [delete, "delete"],
        [old_group, "delete"],
    ]


def test_failure_does_not_stop_others(client: ThoughtSpotClient, fake: FakeThoughtSpot) -> None:
    alive = fake.add_user("alive")
    current = read_snapshot(client)
    plan = Plan(
        changes=[
            Change(
                Action.UPDATE_USER, "ghost", target_id="no-such-id", fields={"display_name": "G"}
            ),
            Change(Action.UPDATE_USER, "alive", target_id=alive, fields={"display_name": "A"}),
        ]
    )

    result = apply_plan(plan, client, current, make_full_settings())

    assert result.updated == 1
    assert len(result.failures) == 1
    change, reason = result.failures[0]
    assert change.name == "ghost"
    assert "HTTP 400: user no-such-id not found" in reason


def test_rejected_import_fails_only_the_bad_entry(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    fake.rejected_names = {"bad-user"}
    names = ["a", "b", "bad-user", "c", "d"]
    plan = Plan(
        changes=[Change(Action.CREATE_USER, name, fields={"display_name": name}) for name in names]
    )

    result = apply_plan(plan, client, read_snapshot(client), make_full_settings())

    assert result.created == 4
    assert [change.name for change, _ in result.failures] == ["bad-user"]
    assert "invalid user bad-user" in result.failures[0][1]
    assert fake.user_named("bad-user") is None
    assert all(fake.user_named(name) for name in ["a", "b", "c", "d"])


def test_member_of_failed_group_is_reported(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    fake.rejected_names = {"broken"}
    plan = Plan(
        changes=[
            Change(Action.CREATE_GROUP, "broken"),
            Change(Action.CREATE_USER, "alice"),
            Change(Action.ADD_MEMBERS, "broken", users=("alice",)),
        ]
    )

    result = apply_plan(plan, client, read_snapshot(client), make_full_settings())

    assert result.created == 1
    failed = {(change.action, change.name, change.users) for change, _ in result.failures}
    assert failed == {
        (Action.CREATE_GROUP, "broken", ()),
        (Action.ADD_MEMBERS, "broken", ("alice",)),
    }
    reasons = [reason for _, reason in result.failures]
    assert any(reason.startswith("group broken was not created") for reason in reasons)


def test_login_account_is_never_deactivated(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    current = read_snapshot(client)
    plan = Plan(changes=[Change(Action.DEACTIVATE_USER, "tsadmin", target_id=fake.tsadmin)])

    result = apply_plan(plan, client, current, make_full_settings())

    assert result.deactivated == 0
    assert "is the account ldap2ts logs in with" in result.failures[0][1]
    assert fake.users[fake.tsadmin]["account_status"] == "ACTIVE"


def test_builtin_group_is_never_deleted(client: ThoughtSpotClient, fake: FakeThoughtSpot) -> None:
    current = read_snapshot(client)
    plan = Plan(changes=[Change(Action.DELETE_GROUP, "All", target_id=fake.all_group)])

    result = apply_plan(plan, client, current, make_full_settings())

    assert result.deleted == 0
    assert fake.all_group in fake.groups


def test_stop_before_start_skips_everything(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    stop = threading.Event()
    stop.set()

    result = apply_plan(
        first_sync_plan(), client, read_snapshot(client), make_full_settings(), stop=stop
    )

    assert result.interrupted
    # Eight creates and the six members folded into them, counted as the plan counts them.
    assert result.skipped == 14
    assert writes(fake) == {}


def test_stop_during_imports_counts_each_plan_change_once(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    stop = threading.Event()
    finished: list[int] = []

    def progress(stage: str, count: int) -> None:
        finished.append(count)
        stop.set()

    plan = first_sync_plan()
    settings = make_full_settings(concurrency=1, import_batch_size=2)
    result = apply_plan(plan, client, read_snapshot(client), settings, stop=stop,
                        progress=progress)

    assert result.interrupted
    # The first wave imports sales-emea with tsadmin, an existing user, folded in.
    assert (result.created, result.added, result.failed) == (1, 1, 0)
    total = sum(plan_lines(change) for change in plan.changes)
    assert result.created + result.added + result.failed + result.skipped == total
    assert finished[-1] == result.created + result.added


def test_stop_midway_finishes_in_flight_change(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    ids = [fake.add_user(f"user{number}") for number in range(6)]
    current = read_snapshot(client)
    stop = threading.Event()
    plan = Plan(
        changes=[
            Change(Action.UPDATE_USER, f"user{n}", target_id=user_id, fields={"display_name": "X"})
            for n, user_id in enumerate(ids)
        ]
    )

    def progress(stage: str, finished: int) -> None:
        if finished == 2:
            stop.set()

    settings = make_full_settings(concurrency=1)
    result = apply_plan(plan, client, current, settings, stop=stop, progress=progress)

    assert result.interrupted
    assert result.updated == 2
    assert result.skipped == 4
    assert fake.calls["users/*/update"] == 2


def test_journal_records_changes_with_state_before(
    client: ThoughtSpotClient, fake: FakeThoughtSpot, tmp_path: pytest.TempPathFactory
) -> None:
    sleep = fake.add_user("sleep-me", display_name="Sleepy")
    current = read_snapshot(client)
    plan = Plan(
        changes=[
            Change(Action.CREATE_USER, "new-user", fields={"display_name": "New"}),
            Change(Action.DEACTIVATE_USER, "sleep-me", target_id=sleep),
        ]
    )
    path = f"{tmp_path}/journal.jsonl"

    with Journal(path) as journal:
        apply_plan(plan, client, current, make_full_settings(), journal=journal)

    entries = list(read_journal(path))
    assert [(e["action"], e["name"], e["outcome"]) for e in entries] == [
        ("create user", "new-user", "applied"),
        ("deactivate user", "sleep-me", "applied"),
    ]
    assert entries[0]["result_id"] == fake.user_named("new-user")["id"]  # type: ignore[index]
    assert entries[1]["before"]["display_name"] == "Sleepy"
    assert entries[1]["before"]["account_status"] == "ACTIVE"
    with open(path, encoding="utf-8") as handle:
        assert "s3cret-pass" not in handle.read()


def test_import_failing_with_500_is_not_split(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    fake.faults["users/import"] = [503] * 20
    names = ["a", "b", "c", "d"]
    plan = Plan(changes=[Change(Action.CREATE_USER, name) for name in names])

    result = apply_plan(plan, client, read_snapshot(client), make_full_settings())

    assert result.created == 0
    assert sorted(change.name for change, _ in result.failures) == names
    # One attempt and the client's five retries, for the whole batch.
    assert fake.calls["users/import"] == 6
    assert "HTTP 503" in result.failures[0][1]


def test_every_bad_entry_fails_alone(client: ThoughtSpotClient, fake: FakeThoughtSpot) -> None:
    fake.rejected_names = {"bad-1", "bad-2"}
    names = ["bad-1", "ok-1", "ok-2", "bad-2", "ok-3"]
    plan = Plan(changes=[Change(Action.CREATE_USER, name) for name in names])

    result = apply_plan(plan, client, read_snapshot(client), make_full_settings())

    assert result.created == 3
    assert sorted(change.name for change, _ in result.failures) == ["bad-1", "bad-2"]


def test_progress_counts_plan_lines(client: ThoughtSpotClient, fake: FakeThoughtSpot) -> None:
    seen: list[int] = []
    plan = first_sync_plan()

    apply_plan(
        plan,
        client,
        read_snapshot(client),
        make_full_settings(),
        progress=lambda stage, finished: seen.append(finished),
    )

    # Three groups, five users and six members: the plan's own count.
    assert seen[-1] == 14
    assert seen == sorted(set(seen))


def test_progress_counts_partly_folded_members(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    names = [f"member{number}" for number in range(5)]
    for name in names:
        fake.add_user(name)
    plan = Plan(
        changes=[
            Change(Action.CREATE_GROUP, "sales", fields={"display_name": "Sales"}),
            Change(Action.ADD_MEMBERS, "sales", users=tuple(names)),
        ]
    )
    seen: list[int] = []

    result = apply_plan(
        plan,
        client,
        read_snapshot(client),
        make_full_settings(import_batch_size=2),
        progress=lambda stage, finished: seen.append(finished),
    )

    assert result.added == 5
    # Two members go with the import and three with group updates; all six lines count.
    assert seen[-1] == 6
    assert seen == sorted(set(seen))


def test_journal_lists_folded_memberships(
    client: ThoughtSpotClient, fake: FakeThoughtSpot, tmp_path: pytest.TempPathFactory
) -> None:
    path = f"{tmp_path}/journal.jsonl"

    with Journal(path) as journal:
        apply_plan(
            first_sync_plan(), client, read_snapshot(client), make_full_settings(), journal=journal
        )

    additions = {
        (entry["name"], tuple(entry.get("users", ())), tuple(entry.get("sub_groups", ())))
        for entry in read_journal(path)
        if entry["action"] == "add members"
    }
    assert additions == {
        ("staff", (), ("sales",)),
        ("sales", (), ("sales-emea",)),
        ("sales", ("user0@example.com",), ()),
        ("sales-emea", ("tsadmin",), ()),
        ("sales-emea", ("user1@example.com",), ()),
        ("sales-emea", ("user2@example.com",), ()),
    }


def test_large_membership_change_is_sent_in_chunks(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    sales = fake.add_group("sales")
    names = [f"member{number}" for number in range(5)]
    for name in names:
        fake.add_user(name)
    current = read_snapshot(client)
    plan = Plan(changes=[Change(Action.ADD_MEMBERS, "sales", target_id=sales, users=tuple(names))])
    seen: list[int] = []

    result = apply_plan(
        plan,
        client,
        current,
        make_full_settings(import_batch_size=2),
        progress=lambda stage, finished: seen.append(finished),
    )

    assert result.added == 5
    assert fake.calls["groups/*/update"] == 3
    assert seen == [5]
    assert all(user_groups(fake, name) == {"sales"} for name in names)


def test_failed_chunk_fails_only_its_members(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    sales = fake.add_group("sales")
    names = [f"member{number}" for number in range(4)]
    for name in names:
        fake.add_user(name)
    current = read_snapshot(client)
    fake.faults["groups/*/update"] = [400]
    plan = Plan(changes=[Change(Action.ADD_MEMBERS, "sales", target_id=sales, users=tuple(names))])

    result = apply_plan(plan, client, current, make_full_settings(import_batch_size=2))

    assert result.added == 2
    assert [change.users for change, _ in result.failures] == [("member0", "member1")]
    assert user_groups(fake, "member2") == {"sales"}
    assert user_groups(fake, "member0") == set()


@pytest.mark.parametrize(("count", "searches"), [(3, 3), (30, 1)])
def test_ids_missing_from_import_are_looked_up(
    client: ThoughtSpotClient, fake: FakeThoughtSpot, count: int, searches: int
) -> None:
    fake.import_returns_ids = False
    sales = fake.add_group("sales")
    current = read_snapshot(client)
    names = [f"new{number:02d}" for number in range(count)]
    changes = [Change(Action.CREATE_USER, name) for name in names]
    changes.append(Change(Action.ADD_MEMBERS, "sales", target_id=sales, users=(names[0],)))
    searches_before = fake.calls["users/search"]

    result = apply_plan(Plan(changes=changes), client, current, make_full_settings())

    assert result.failures == []
    assert result.created == count
    # A few ids are looked up one by one; many are read with one paged search.
    assert fake.calls["users/search"] - searches_before == searches
    assert user_groups(fake, names[0]) == {"sales"}


def test_no_request_replaces_or_deletes_unlisted(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    sales = fake.add_group("sales")
    drop = fake.add_user("drop-me", groups={sales})
    current = read_snapshot(client)
    plan = first_sync_plan()
    plan.changes += [
        Change(Action.ADD_MEMBERS, "sales", target_id=sales, users=("user3@example.com",)),
        Change(Action.REMOVE_MEMBERS, "sales", target_id=sales, users=("drop-me",)),
        Change(Action.UPDATE_GROUP, "sales", target_id=sales, fields={"display_name": "S"}),
        Change(Action.DELETE_USER, "drop-me", target_id=drop),
    ]

    apply_plan(plan, client, current, make_full_settings())

    bodies = [json.loads(request.content) for request in fake.requests if request.content]
    for body in bodies:
        assert body.get("operation") != "REPLACE"
        assert body.get("dry_run") in (None, False)
        assert not body.get("delete_unspecified_users")
        assert not body.get("delete_unspecified_groups")
        lists = ("user_identifiers", "sub_group_identifiers", "group_identifiers")
        if "users" not in body and "groups" not in body and any(key in body for key in lists):
            assert body["operation"] in ("ADD", "REMOVE")


def test_batch_rejected_as_a_whole_stops_splitting(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    names = [f"user{number:02d}" for number in range(64)]
    fake.rejected_names = set(names)
    plan = Plan(changes=[Change(Action.CREATE_USER, name) for name in names])

    result = apply_plan(
        plan, client, read_snapshot(client), make_full_settings(import_batch_size=64)
    )

    assert result.failed == 64
    # The batch, then halves, quarters and eighths: 1 + 2 + 4 + 8 calls, not 127.
    assert fake.calls["users/import"] == 15


def test_first_entry_bad_is_still_isolated(
    client: ThoughtSpotClient, fake: FakeThoughtSpot
) -> None:
    names = [f"user{number:02d}" for number in range(64)]
    fake.rejected_names = {names[0]}
    plan = Plan(changes=[Change(Action.CREATE_USER, name) for name in names])

    result = apply_plan(
        plan, client, read_snapshot(client), make_full_settings(import_batch_size=64)
    )

    assert result.created == 63
    assert [change.name for change, _ in result.failures] == [names[0]]
    # One rejected request per level down to the bad entry, plus one accepted half per level.
    assert fake.calls["users/import"] == 1 + 2 * 6


def test_phase_log_counts_members(
    client: ThoughtSpotClient, fake: FakeThoughtSpot, caplog: pytest.LogCaptureFixture
) -> None:
    sales = fake.add_group("sales")
    for name in ("ann", "ben"):
        fake.add_user(name)
    addition = Change(Action.ADD_MEMBERS, "sales", target_id=sales, users=("ann", "ben"))
    plan = Plan(changes=[addition])

    with caplog.at_level(logging.INFO, logger="ldap2ts.apply"):
        apply_plan(plan, client, read_snapshot(client), make_full_settings())

    messages = [record.getMessage() for record in caplog.records]
    assert "Applying 2 changes to ThoughtSpot, counted as in the plan" in messages
    assert "Applying 'add members': 2 members in 1 group" in messages


@pytest.mark.parametrize("action", list(Action))
def test_plan_lines_match_printed_plan(action: Action) -> None:
    change = Change(action, "sales", users=("ann", "ben"), sub_groups=("emea",))
    if action not in (Action.ADD_MEMBERS, Action.REMOVE_MEMBERS):
        change = Change(action, "sales")

    assert plan_lines(change) == len(change_lines(change))
