"""apply_plan against the ThoughtSpot emulator: call counts, convergence, faults, interrupts."""

from __future__ import annotations

import math
import threading
from typing import Any

import pytest
from testkit.emulator import EmulatorServer, InProcessEmulator

from ldap2ts.apply import ApplyResult, apply_plan
from ldap2ts.diff import compute_plan
from ldap2ts.model import DesiredState, Plan, name_key
from ldap2ts.settings import Settings
from ldap2ts.thoughtspot import GroupSpec, ThoughtSpotClient, UserSpec, read_snapshot
from tests.functional.apply.company import company, drifted, sync_settings
from tests.functional.thoughtspot.conftest import emulator_settings, quick_policy


def plan_for(client: ThoughtSpotClient, desired: DesiredState, settings: Settings) -> Plan:
    return compute_plan(desired, read_snapshot(client), settings)


def sync(
    client: ThoughtSpotClient, desired: DesiredState, settings: Settings, **options: Any
) -> ApplyResult:
    current = read_snapshot(client)
    plan = compute_plan(desired, current, settings)
    return apply_plan(plan, client, current, settings, **options)


def assert_state_matches(
    emulator: InProcessEmulator | EmulatorServer,
    desired: DesiredState,
    local_members: dict[str, set[str]] | None = None,
) -> None:
    """Check that ThoughtSpot contains exactly the desired LDAP principals and memberships.

    ``local_members`` lists, per group, LOCAL users added by hand that must stay.
    """
    state = emulator.state()
    users = {name_key(u["name"]): u for u in state["users"] if u["account_type"] == "LDAP_USER"}
    groups = {name_key(g["name"]): g for g in state["groups"] if g["type"] == "LDAP_GROUP"}
    all_names = [name_key(u["name"]) for u in state["users"]]
    all_groups = [name_key(g["name"]) for g in state["groups"]]

    assert len(all_names) == len(set(all_names)), "a user exists twice"
    assert len(all_groups) == len(set(all_groups)), "a group exists twice"
    assert set(users) == set(desired.users)
    assert set(groups) == set(desired.groups)
    for key, wanted_user in desired.users.items():
        assert users[key]["display_name"] == wanted_user.display_name, key
        assert users[key]["account_status"] == "ACTIVE", key
    for key, wanted in desired.groups.items():
        members = {name_key(name) for name in groups[key]["users"]}
        children = {name_key(name) for name in groups[key]["sub_groups"]}
        kept = (local_members or {}).get(key, set())
        assert members == set(wanted.users) | kept, key
        assert children == set(wanted.sub_groups), key


def writes(emulator: InProcessEmulator | EmulatorServer) -> dict[str, int]:
    counted: dict[str, int] = emulator.counters()["writes_by_endpoint"]
    return {
        endpoint.removeprefix("POST /api/rest/2.0/"): count for endpoint, count in counted.items()
    }


@pytest.fixture
def client(ts_app: InProcessEmulator) -> ThoughtSpotClient:
    return ThoughtSpotClient(
        emulator_settings(ts_app.url, import_batch_size=50),
        transport=ts_app.transport,
        retry_policy=quick_policy(),
    ).__enter__()


def test_first_sync_costs_one_import_per_batch(
    ts_app: InProcessEmulator, client: ThoughtSpotClient
) -> None:
    desired = company(users=120, teams=6)
    settings = sync_settings(client.settings)
    ts_app.reset_counters()

    result = sync(client, desired, settings)

    assert result.failures == []
    assert result.created == 120 + 6 + 3
    # Groups nest three deep (staff > departments > teams): one import per wave.
    # Users: ceil(120 / 50) imports, carrying their team memberships.
    assert writes(ts_app) == {"groups/import": 3, "users/import": math.ceil(120 / 50)}
    assert_state_matches(ts_app, desired)


def test_rerun_writes_nothing(ts_app: InProcessEmulator, client: ThoughtSpotClient) -> None:
    desired = company(users=40, teams=4)
    settings = sync_settings(client.settings)
    sync(client, desired, settings)
    ts_app.reset_counters()

    plan = plan_for(client, desired, settings)
    result = apply_plan(plan, client, read_snapshot(client), settings)

    assert plan.changes == []
    assert result.requests == 0
    assert ts_app.counters()["writes"] == 0


def test_drift_is_repaired_and_local_user_kept(
    ts_app: InProcessEmulator, client: ThoughtSpotClient
) -> None:
    desired = company(users=30, teams=3)
    settings = sync_settings(client.settings)
    sync(client, desired, settings)
    team = client.find_group("team-00")
    member = client.find_user("user0000@example.com")
    assert team is not None and member is not None
    client.update_group(team.id, operation="REMOVE", user_identifiers=[member.id])
    client.update_user(member.id, display_name="Changed by hand")
    client.import_users([UserSpec("intruder@example.com", "Intruder", account_type="LDAP_USER")])
    client.import_users([UserSpec("carol", "Carol", account_type="LOCAL_USER")])
    local_sales = GroupSpec("local-sales", "Local sales", group_type="LOCAL_GROUP")
    client.import_groups([local_sales])
    carol = client.find_user("carol")
    assert carol is not None
    client.update_group(team.id, operation="ADD", user_identifiers=[carol.id])

    result = sync(client, desired, settings)

    assert result.failures == []
    assert (result.added, result.updated, result.deleted) == (1, 1, 1)
    assert_state_matches(ts_app, desired, local_members={"team-00": {"carol"}})
    state = ts_app.state()
    assert "carol" in [u["name"] for u in state["users"]]
    assert "local-sales" in [g["name"] for g in state["groups"]]


def test_changes_apply_in_order_with_exact_counts(
    ts_app: InProcessEmulator, client: ThoughtSpotClient
) -> None:
    desired = company(users=60, teams=6)
    settings = sync_settings(client.settings)
    sync(client, desired, settings)
    tomorrow = drifted(desired)
    plan = plan_for(client, tomorrow, settings)
    ts_app.reset_counters()

    result = apply_plan(plan, client, read_snapshot(client), settings)

    assert result.failures == []
    assert result.created == 7 + 1
    assert result.deleted == 5 + 1
    assert result.updated == 1
    assert plan_for(client, tomorrow, settings).changes == []
    assert_state_matches(ts_app, tomorrow)
    assert writes(ts_app)["users/import"] == 1
    assert writes(ts_app)["groups/import"] == 1


def test_interrupted_apply_converges_on_rerun(
    ts_app: InProcessEmulator, client: ThoughtSpotClient
) -> None:
    desired = company(users=60, teams=6)
    settings = sync_settings(client.settings)
    settings.thoughtspot.concurrency = 2
    sync(client, desired, settings)
    tomorrow = drifted(desired)
    stop = threading.Event()

    def stop_after_a_few(stage: str, finished: int) -> None:
        if finished >= 4:
            stop.set()

    first = sync(client, tomorrow, settings, stop=stop, progress=stop_after_a_few)
    second = sync(client, tomorrow, settings)

    assert first.interrupted
    assert first.skipped > 0
    assert not second.interrupted
    assert second.failures == []
    assert_state_matches(ts_app, tomorrow)


@pytest.mark.parametrize("fault_kind", ["before", "after"])
def test_faults_end_in_expected_state(ts_server: EmulatorServer, fault_kind: str) -> None:
    settings = sync_settings(emulator_settings(ts_server.url, import_batch_size=20, page_size=25))
    desired = company(users=80, teams=5)
    tomorrow = drifted(desired, renames=40)
    ts_server.set_knobs(
        fault_rate=0.10,
        fault_seed=11,
        fault_kind=fault_kind,
        token_max_uses=50,
        rate_limit=25.0,
    )

    with ThoughtSpotClient(
        settings.thoughtspot, retry_policy=quick_policy(max_retries=10)
    ) as client:
        first = sync(client, desired, settings)
        second = sync(client, tomorrow, settings)
        stats = client.stats
        ts_server.set_knobs(fault_rate=0.0, token_max_uses=None, rate_limit=None)
        left = plan_for(client, tomorrow, settings).changes

    assert first.failures == []
    assert second.failures == []
    assert second.updated == 40
    assert left == []
    assert stats.retries > 0
    assert stats.token_renewals > 0
    statuses = ts_server.counters()["statuses"]
    assert statuses.get("500", 0) + statuses.get("503", 0) > 0
    assert statuses.get("429", 0) > 0
    assert_state_matches(ts_server, tomorrow)
