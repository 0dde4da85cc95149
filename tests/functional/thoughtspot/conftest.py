"""Helpers for the client's tests against the ThoughtSpot emulator."""

from __future__ import annotations

from typing import Any

from testkit.emulator import InProcessEmulator

from ldap2ts.settings import Secret, ThoughtSpotSettings
from ldap2ts.thoughtspot import RetryPolicy, ThoughtSpotClient

ADMIN_PASSWORD = "admin"
"""The emulator's default tsadmin password."""


def emulator_settings(url: str, **overrides: Any) -> ThoughtSpotSettings:
    values: dict[str, Any] = {
        "url": url,
        "username": "tsadmin",
        "password": Secret(ADMIN_PASSWORD, "test"),
    }
    values.update(overrides)
    return ThoughtSpotSettings(**values)


def quick_policy(max_retries: int = 8) -> RetryPolicy:
    """Backoff in milliseconds, so fault tests stay fast; Retry-After is still honoured."""
    return RetryPolicy(max_retries=max_retries, base_delay=0.002, max_delay=0.02)


def in_process_client(emulator: InProcessEmulator, **overrides: Any) -> ThoughtSpotClient:
    return ThoughtSpotClient(
        emulator_settings(emulator.url, **overrides),
        transport=emulator.transport,
        retry_policy=quick_policy(),
    )
