"""The client against the ThoughtSpot emulator, in process and over HTTP."""

from __future__ import annotations

import httpx
import pytest
from testkit.emulator import EmulatorServer, InProcessEmulator

from ldap2ts.errors import ThoughtSpotError
from ldap2ts.model import name_key
from ldap2ts.settings import Secret
from ldap2ts.thoughtspot import GroupSpec, ThoughtSpotClient, UserSpec, read_snapshot
from tests.functional.thoughtspot.conftest import (
    emulator_settings,
    in_process_client,
    quick_policy,
)

SEARCH_USERS = "POST /api/rest/2.0/users/search"
SEARCH_GROUPS = "POST /api/rest/2.0/groups/search"


def requests_to(emulator: InProcessEmulator | EmulatorServer, endpoint: str) -> int:
    return int(emulator.counters()["requests"].get(endpoint, 0))


def seed_users(admin: httpx.Client, count: int) -> None:
    users = [
        {"user_identifier": f"user{n:03d}@example.com", "display_name": f"User {n}",
         "account_type": "LDAP_USER", "email": f"user{n:03d}@example.com"}
        for n in range(count)
    ]  # fmt: skip
    response = admin.post("/users/import", json={"users": users, "dry_run": False})
    response.raise_for_status()


def test_snapshot_of_fresh_emulator(ts_app: InProcessEmulator) -> None:
    with in_process_client(ts_app) as client:
        snapshot = read_snapshot(client)

    names = {user.name: user for user in snapshot.users.values()}
    groups = {group.name: group for group in snapshot.groups.values()}
    assert set(names) == {"tsadmin", "guest", "system", "su"}
    assert all(user.builtin for user in names.values())
    assert snapshot.login_user_id == names["tsadmin"].id
    assert snapshot.all_group_id == groups["All"].id
    assert groups["All"].builtin
    assert groups["Administrator"].builtin
    assert all(snapshot.all_group_id not in user.group_ids for user in names.values())
    assert ts_app.counters()["writes"] == 0


def test_paging_reads_all_users(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    seed_users(ts_admin, 46)
    ts_app.reset_counters()

    with in_process_client(ts_app, page_size=10) as client:
        users = client.search_users()

    assert len(users) == 50
    assert len({name_key(user.name) for user in users}) == 50
    # 50 users in pages of 10: five full pages, then an empty one.
    assert requests_to(ts_app, SEARCH_USERS) == 6


def test_default_page_reads_in_one_call(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    seed_users(ts_admin, 46)
    ts_app.reset_counters()

    with in_process_client(ts_app) as client:
        client.search_users()

    assert requests_to(ts_app, SEARCH_USERS) == 1


def test_wrong_password_writes_nothing(ts_app: InProcessEmulator) -> None:
    settings = emulator_settings(ts_app.url, password=Secret("wrong", "test"))

    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(settings, transport=ts_app.transport, retry_policy=quick_policy()):
            pass

    assert str(caught.value).startswith("ThoughtSpot rejected the login of user 'tsadmin'")
    assert "wrong" not in str(caught.value)
    assert ts_app.counters()["writes"] == 0


def test_non_admin_account_is_rejected(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    response = ts_admin.post(
        "/users/create",
        json={"name": "viewer", "display_name": "Viewer", "email": "viewer@example.com",
              "password": "viewer-pass"},
    )  # fmt: skip
    response.raise_for_status()
    ts_app.reset_counters()
    settings = emulator_settings(
        ts_app.url, username="viewer", password=Secret("viewer-pass", "test")
    )

    with pytest.raises(ThoughtSpotError) as caught:
        with ThoughtSpotClient(settings, transport=ts_app.transport, retry_policy=quick_policy()):
            pass

    assert "ThoughtSpot user 'viewer'" in str(caught.value)
    assert "ADMINISTRATION privilege" in str(caught.value)
    assert ts_app.counters()["writes"] == 0


def test_awkward_names_round_trip(ts_app: InProcessEmulator) -> None:
    name = "R&D/Europe 50% #1?"
    with in_process_client(ts_app) as client:
        created = client.create_group(GroupSpec(name, "R&D"))
        client.update_group(name, display_name="Research by name")
        by_name = client.find_group(name)
        client.update_group(created.id, display_name="Research by id")
        by_id = client.find_group(created.id)
        client.delete_group(name)
        gone = client.find_group(name)

    assert by_name is not None
    assert by_name.display_name == "Research by name"
    assert by_id is not None
    assert by_id.display_name == "Research by id"
    assert gone is None


def test_membership_add_and_remove(ts_app: InProcessEmulator) -> None:
    with in_process_client(ts_app) as client:
        parent = client.create_group(GroupSpec("parent", "Parent"))
        child = client.create_group(GroupSpec("child", "Child"))
        alice = client.create_user(UserSpec("alice@example.com", "Alice", "alice@example.com"))
        bob = client.create_user(UserSpec("bob@example.com", "Bob", "bob@example.com"))
        client.update_group(
            parent.id,
            operation="ADD",
            user_identifiers=[alice.id, bob.id],
            sub_group_identifiers=[child.id],
        )
        client.update_group(parent.id, operation="REMOVE", user_identifiers=[bob.id])
        group = client.find_group(parent.id)

    assert group is not None
    assert group.user_ids == {alice.id}
    assert group.sub_group_ids == {child.id}


def test_applied_then_500_create_is_not_repeated(ts_app: InProcessEmulator) -> None:
    ts_app.set_knobs(fault_kind="after", fault_paths=["/users/create"], fail_next=1)

    with in_process_client(ts_app) as client:
        user = client.create_user(UserSpec("alice@example.com", "Alice", "alice@example.com"))
        assert client.stats.reconciled == 1

    state_names = [u["name"] for u in ts_app.state()["users"]]
    assert user.name == "alice@example.com"
    assert state_names.count("alice@example.com") == 1
    assert requests_to(ts_app, "POST /api/rest/2.0/users/create") == 1


def test_applied_then_500_delete_counts_as_done(ts_app: InProcessEmulator) -> None:
    with in_process_client(ts_app) as client:
        group = client.create_group(GroupSpec("leaving", "Leaving"))
        ts_app.set_knobs(fault_kind="after", fault_paths=["/delete"], fail_next=1)
        client.delete_group(group.id)

    assert "leaving" not in [g["name"] for g in ts_app.state()["groups"]]


def test_token_expiry_is_renewed(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    seed_users(ts_admin, 60)
    ts_app.set_knobs(token_max_uses=5)

    with in_process_client(ts_app, page_size=4) as client:
        users = client.search_users()
        renewals = client.stats.token_renewals

    assert len(users) == 64
    assert renewals >= 3


def test_over_http_with_rate_limit(ts_server: EmulatorServer) -> None:
    ts_server.set_knobs(rate_limit=20.0)
    settings = emulator_settings(ts_server.url, page_size=2)

    with ThoughtSpotClient(settings, retry_policy=quick_policy(max_retries=20)) as client:
        specs = [UserSpec(f"u{n}@example.com", f"U {n}") for n in range(30)]
        client.import_users(specs)
        users = [client.find_user(spec.name) for spec in specs]
        retries = client.stats.retries

    assert all(user is not None for user in users)
    assert retries > 0
    statuses = ts_server.counters()["statuses"]
    assert statuses.get("429", 0) == retries


def test_ambiguous_member_removal_is_checked(ts_app: InProcessEmulator) -> None:
    with in_process_client(ts_app) as client:
        group = client.create_group(GroupSpec("team", "Team"))
        alice = client.create_user(UserSpec("alice@example.com", "Alice", "alice@example.com"))
        client.update_group(group.id, operation="ADD", user_identifiers=[alice.id])
        ts_app.set_knobs(fault_kind="after", fault_paths=["/update"], fail_next=1)
        ts_app.reset_counters()

        client.update_group(group.id, operation="REMOVE", user_identifiers=[alice.id])
        reconciled = client.stats.reconciled
        found = client.find_group(group.id)

    assert reconciled == 1
    assert found is not None
    assert found.user_ids == frozenset()
    assert requests_to(ts_app, "POST /api/rest/2.0/groups/{group_identifier}/update") == 1


@pytest.mark.parametrize("secret_field", ["password", "secret_key"])
def test_debug_logs_hold_no_secret(secret_field: str, caplog: pytest.LogCaptureFixture) -> None:
    secret = "Pw-7f3c9e-not-in-logs"
    emulator = InProcessEmulator(admin_password=secret, secret_key=secret)
    caplog.set_level("DEBUG")
    credentials = {secret_field: Secret(secret, "test")}
    if secret_field == "secret_key":
        credentials["password"] = None  # type: ignore[assignment]
    settings = emulator_settings(emulator.url, **credentials)
    try:
        with ThoughtSpotClient(
            settings, transport=emulator.transport, retry_policy=quick_policy()
        ) as client:
            emulator.expire_tokens()
            client.import_users([UserSpec("alice@example.com", "Alice")])
            snapshot = read_snapshot(client)
            text = caplog.text + repr(client.settings) + repr(snapshot)
    finally:
        emulator.close()

    assert client.stats.token_renewals == 1
    assert secret not in text
    assert "Bearer" not in text
    assert "Authorization" not in text


def test_orgs_search_reads_the_org(ts_app: InProcessEmulator) -> None:
    with in_process_client(ts_app) as client:
        orgs = client.search_orgs()

    assert len(orgs) == 1
    assert orgs[0].name
    assert isinstance(orgs[0].id, int)


def test_login_into_org_by_id(ts_app: InProcessEmulator) -> None:
    with in_process_client(ts_app) as client:
        org_id = client.search_orgs()[0].id

    with in_process_client(ts_app, org_id=org_id) as client:
        assert client.session_user is not None
        assert client.session_user.name == "tsadmin"
