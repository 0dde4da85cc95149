"""Helpers for the emulator tests: a second, non-admin user and error message extraction."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from testkit.emulator import InProcessEmulator


def error_message(response: httpx.Response) -> str:
    """Return the message inside the error body that clusters send."""
    debug = response.json()["error"]["message"]["debug"]
    messages = json.loads(debug["debug"])
    assert isinstance(messages, list)
    return str(messages[0])


@pytest.fixture
def ts_user(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> Iterator[httpx.Client]:
    """A client authenticated as ``analyst``, a user with no administration privilege."""
    response = ts_admin.post(
        "/users/create",
        json={
            "name": "analyst",
            "display_name": "Analyst",
            "email": "analyst@example.com",
            "password": "pw",
        },
    )
    assert response.status_code == 200, response.text
    token = ts_app.token("analyst", "pw")
    with httpx.Client(
        transport=ts_app.transport,
        base_url=ts_app.api_url,
        headers={"Authorization": f"Bearer {token}"},
    ) as client:
        yield client
