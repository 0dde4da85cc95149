"""Fixtures for the apply stage's unit tests, on the in-memory ThoughtSpot."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ldap2ts.settings import DirectorySettings, LdapSettings, NamingSettings, Settings
from ldap2ts.thoughtspot import ThoughtSpotClient
from tests.unit.thoughtspot.conftest import RecordingPolicy, make_settings
from tests.unit.thoughtspot.fakes import FakeThoughtSpot


def make_full_settings(**thoughtspot: Any) -> Settings:
    return Settings(
        ldap=LdapSettings(url="ldap://127.0.0.1"),
        directory=DirectorySettings(base_dn="dc=example,dc=com"),
        naming=NamingSettings(),
        thoughtspot=make_settings(**thoughtspot),
    )


@pytest.fixture
def fake() -> FakeThoughtSpot:
    return FakeThoughtSpot()


@pytest.fixture
def client(fake: FakeThoughtSpot) -> Iterator[ThoughtSpotClient]:
    with ThoughtSpotClient(
        make_settings(), transport=fake.transport(), retry_policy=RecordingPolicy()
    ) as opened:
        yield opened
