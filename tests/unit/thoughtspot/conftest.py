"""Fixtures for the ThoughtSpot client's unit tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ldap2ts.settings import Secret, ThoughtSpotSettings
from ldap2ts.thoughtspot import RetryPolicy, ThoughtSpotClient
from tests.unit.thoughtspot.fakes import FakeThoughtSpot

PASSWORD = "s3cret-pass"


class RecordingPolicy(RetryPolicy):
    """A retry policy that records its delays instead of sleeping."""

    def __init__(self, max_retries: int = 5) -> None:
        super().__init__(max_retries=max_retries, sleep=self.record, uniform=lambda: 1.0)
        self.delays: list[float] = []

    def record(self, seconds: float) -> None:
        self.delays.append(seconds)


def make_settings(**overrides: Any) -> ThoughtSpotSettings:
    values: dict[str, Any] = {
        "url": "https://ts.example.test",
        "username": "tsadmin",
        "password": Secret(PASSWORD, "test"),
    }
    values.update(overrides)
    return ThoughtSpotSettings(**values)


@pytest.fixture
def fake() -> FakeThoughtSpot:
    return FakeThoughtSpot(password=PASSWORD)


@pytest.fixture
def policy() -> RecordingPolicy:
    return RecordingPolicy()


ClientFactory = Callable[..., ThoughtSpotClient]


@pytest.fixture
def connect(fake: FakeThoughtSpot, policy: RecordingPolicy) -> Iterator[ClientFactory]:
    """Return a function that opens a logged-in client on the fake; all are closed at the end."""
    opened: list[ThoughtSpotClient] = []

    def open_client(**overrides: Any) -> ThoughtSpotClient:
        client = ThoughtSpotClient(
            make_settings(**overrides), transport=fake.transport(), retry_policy=policy
        )
        opened.append(client)
        return client.__enter__()

    yield open_client
    for client in opened:
        client.close()
