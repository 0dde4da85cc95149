"""Retries, backoff, Retry-After, token renewal and ambiguous writes."""

from __future__ import annotations

import threading

import httpx
import pytest

from ldap2ts.errors import ThoughtSpotError
from ldap2ts.thoughtspot import GroupSpec, RetryPolicy, ThoughtSpotClient, UserSpec
from ldap2ts.thoughtspot.retry import parse_retry_after
from tests.unit.thoughtspot.conftest import ClientFactory, RecordingPolicy, make_settings
from tests.unit.thoughtspot.fakes import FakeThoughtSpot, Fault


def test_backoff_doubles_up_to_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0, uniform=lambda: 1.0)

    assert [policy.delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]


def test_backoff_jitter_stays_in_upper_half() -> None:
    low = RetryPolicy(base_delay=1.0, uniform=lambda: 0.0)
    high = RetryPolicy(base_delay=1.0, uniform=lambda: 0.999)

    assert low.delay(2) == 2.0
    assert 3.99 < high.delay(2) < 4.0


def test_retry_after_wins_when_longer() -> None:
    policy = RetryPolicy(base_delay=0.5, uniform=lambda: 1.0, max_retry_after=60.0)

    assert policy.delay(0, retry_after=7.0) == 7.0
    assert policy.delay(3, retry_after=1.0) == 4.0
    assert policy.delay(0, retry_after=3600.0) == 60.0


def test_parse_retry_after_forms() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    when = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert parse_retry_after(when, now=1445412470.0) == 10.0


def test_server_error_is_retried(
    connect: ClientFactory, fake: FakeThoughtSpot, policy: RecordingPolicy
) -> None:
    client = connect()
    fake.faults["users/search"] = [503, 502]

    users = client.search_users()

    assert [user.name for user in users] == ["tsadmin"]
    assert fake.calls["users/search"] == 3
    assert policy.delays == [0.5, 1.0]
    assert client.stats.retries == 2


def test_rate_limit_honours_retry_after(
    connect: ClientFactory, fake: FakeThoughtSpot, policy: RecordingPolicy
) -> None:
    client = connect()
    fake.faults["groups/search"] = [("before", 429, {"Retry-After": "9"})]

    client.search_groups()

    assert policy.delays == [9.0]


def test_retries_are_bounded(
    connect: ClientFactory, fake: FakeThoughtSpot, policy: RecordingPolicy
) -> None:
    client = connect()
    fake.faults["system"] = [500] * 10

    with pytest.raises(ThoughtSpotError) as caught:
        client.system()

    assert caught.value.status == 500
    assert fake.calls["system"] == 1 + 1 + 5
    assert len(policy.delays) == 5


def test_client_error_is_not_retried(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    client = connect()

    with pytest.raises(ThoughtSpotError):
        client.update_user("nobody", display_name="Nobody")

    assert fake.calls["users/*/update"] == 1


def test_connection_error_is_retried(
    connect: ClientFactory, fake: FakeThoughtSpot, policy: RecordingPolicy
) -> None:
    client = connect()
    fake.faults["users/search"] = [httpx.ConnectError, httpx.ReadTimeout]

    assert client.search_users()
    assert len(policy.delays) == 2


def test_retry_is_logged_without_secrets(
    connect: ClientFactory, fake: FakeThoughtSpot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    client = connect()
    fake.faults["users/search"] = [503]

    client.search_users()

    assert (
        "ThoughtSpot POST /api/rest/2.0/users/search failed (HTTP 503); retry 1 of 5" in caplog.text
    )
    assert "s3cret-pass" not in caplog.text
    assert "token-1" not in caplog.text


def test_expired_token_is_renewed_once(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    client = connect()
    fake.expire_tokens()

    client.search_groups()

    assert client.stats.token_renewals == 1
    assert fake.calls["auth/token/full"] == 2
    assert fake.requests[-1].headers["Authorization"] == "Bearer token-2"


def test_second_401_is_an_error(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    client = connect()
    fake.faults["groups/search"] = [401, 401]

    with pytest.raises(ThoughtSpotError, match="rejected the access token") as caught:
        client.search_groups()

    assert caught.value.status == 401


def test_token_is_minted_again_before_expiry(
    fake: FakeThoughtSpot, policy: RecordingPolicy
) -> None:
    now = [1000.0]
    fake.token_lifetime_ms = 300_000
    client = ThoughtSpotClient(
        make_settings(), transport=fake.transport(), retry_policy=policy, clock=lambda: now[0]
    )
    with client:
        client.system()
        assert fake.calls["auth/token/full"] == 1
        now[0] += 269.0
        client.system()
        assert fake.calls["auth/token/full"] == 1
        now[0] += 2.0
        client.system()
        assert fake.calls["auth/token/full"] == 2


def test_token_renewed_once_under_concurrency(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    client = connect()
    fake.expire_tokens()
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def work() -> None:
        barrier.wait()
        try:
            client.system()
        except BaseException as exc:  # noqa: BLE001 - collected for the assert below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert fake.calls["auth/token/full"] == 2


def test_create_applied_then_500_is_not_repeated(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    client = connect()
    fake.faults["users/create"] = [("after", 500)]

    user = client.create_user(UserSpec("alice", "Alice", "alice@example.com"))

    assert user.name == "alice"
    assert fake.calls["users/create"] == 1
    assert [u["name"] for u in fake.users.values()].count("alice") == 1
    assert client.stats.reconciled == 1


def test_create_lost_before_server_is_sent_again(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    client = connect()
    fake.faults["groups/create"] = [httpx.ReadTimeout]

    group = client.create_group(GroupSpec("sales", "Sales"))

    assert group.name == "sales"
    assert fake.calls["groups/create"] == 2
    assert fake.calls["groups/search"] == 1
    assert client.stats.reconciled == 0


def test_create_after_connect_error_skips_check(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    client = connect()
    fake.faults["users/create"] = [httpx.ConnectError]

    client.create_user(UserSpec("alice", "Alice"))

    assert fake.calls["users/create"] == 2
    assert fake.calls["users/search"] == 0


def test_delete_applied_then_502_counts_as_done(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    user_id = fake.add_user("leaver")
    client = connect()
    fake.faults["users/*/delete"] = [("after", 502)]

    client.delete_user(user_id)

    assert user_id not in fake.users
    assert fake.calls["users/*/delete"] == 1


def test_rate_limited_create_is_sent_again_without_check(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    client = connect()
    fake.faults["users/create"] = [429]

    client.create_user(UserSpec("alice", "Alice"))

    assert fake.calls["users/create"] == 2
    assert fake.calls["users/search"] == 0


def test_create_applied_before_last_failure_is_found(
    connect: ClientFactory, fake: FakeThoughtSpot, policy: RecordingPolicy
) -> None:
    client = connect()
    faults: list[Fault] = [503, 503, 503, 503, 503, ("after", 500)]
    fake.faults["users/create"] = faults

    user = client.create_user(UserSpec("alice", "Alice"))

    assert user.name == "alice"
    assert fake.calls["users/create"] == 6
    assert client.stats.reconciled == 1


def test_create_never_applied_fails_after_retries(
    connect: ClientFactory, fake: FakeThoughtSpot
) -> None:
    client = connect()
    fake.faults["users/create"] = [503] * 6

    with pytest.raises(ThoughtSpotError) as caught:
        client.create_user(UserSpec("alice", "Alice"))

    assert caught.value.status == 503
    assert fake.user_named("alice") is None


def test_rejected_renewal_is_not_tried_again(connect: ClientFactory, fake: FakeThoughtSpot) -> None:
    client = connect()
    fake.password = "changed-during-the-run"
    fake.expire_tokens()

    for _ in range(5):
        with pytest.raises(ThoughtSpotError, match="rejected the login"):
            client.system()

    assert fake.calls["auth/token/full"] == 2
