"""Knobs and counters: faults, rate limit, latency, request counts."""

from __future__ import annotations

import logging
import time

import httpx
import pytest
from testkit.emulator import InProcessEmulator

from tests.unit.emulator.conftest import error_message

CREATE = "POST /api/rest/2.0/users/create"
SEARCH = "POST /api/rest/2.0/users/search"


def _create_body(name: str) -> dict[str, str]:
    return {"name": name, "display_name": name, "email": f"{name}@example.com"}


def _names(emulator: InProcessEmulator) -> list[str]:
    return [user["name"] for user in emulator.state()["users"]]


def test_counters_count_requests_and_writes(
    ts_app: InProcessEmulator, ts_admin: httpx.Client
) -> None:
    ts_app.reset_counters()
    ts_admin.post("/users/search", json={})
    ts_admin.post("/users/search", json={})
    ts_admin.post("/users/create", json=_create_body("counted"))
    ts_admin.post("/users/counted/update", json={"display_name": "C"})
    ts_admin.post("/users/nobody/update", json={"display_name": "C"})
    counters = ts_app.counters()
    assert counters["total"] == 5
    assert counters["writes"] == 2
    assert counters["requests"][SEARCH] == 2
    assert counters["requests"]["POST /api/rest/2.0/users/{user_identifier}/update"] == 2
    assert counters["writes_by_endpoint"] == {
        CREATE: 1,
        "POST /api/rest/2.0/users/{user_identifier}/update": 1,
    }
    assert counters["statuses"] == {"200": 3, "204": 1, "400": 1}


def test_reset_counters(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_admin.post("/users/search", json={})
    ts_app.reset_counters()
    assert ts_app.counters() == {
        "total": 0,
        "writes": 0,
        "requests": {},
        "statuses": {},
        "writes_by_endpoint": {},
    }


def test_dry_run_import_is_not_a_write(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_app.reset_counters()
    ts_admin.post("/users/import", json={"users": [{"user_identifier": "n", "display_name": "N"}]})
    assert ts_app.counters()["writes"] == 0


def test_fault_before_does_not_apply(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_app.set_knobs(fail_next=1, fault_kind="before", fault_status=503)
    response = ts_admin.post("/users/create", json=_create_body("never"))
    assert response.status_code == 503
    assert "not applied" in error_message(response)
    assert "never" not in _names(ts_app)
    assert ts_admin.post("/users/create", json=_create_body("never")).status_code == 200


def test_fault_after_applies_then_fails(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_app.set_knobs(fail_next=1, fault_kind="after")
    response = ts_admin.post("/users/create", json=_create_body("applied"))
    assert response.status_code == 500
    assert "applied" in _names(ts_app)
    retry = ts_admin.post("/users/create", json=_create_body("applied"))
    assert retry.status_code == 400
    assert "already exists" in error_message(retry)
    assert ts_app.counters()["writes"] == 1


def test_fault_paths_limit_faults(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_app.set_knobs(fault_rate=1.0, fault_paths=["users/create"])
    assert ts_admin.post("/users/search", json={}).status_code == 200
    assert ts_admin.post("/users/create", json=_create_body("x")).status_code == 500


def test_fault_rate_is_deterministic(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    def statuses() -> list[int]:
        return [ts_admin.post("/users/search", json={}).status_code for _ in range(40)]

    ts_app.set_knobs(fault_rate=0.3, fault_seed=42, fault_paths=["users/search"])
    first = statuses()
    ts_app.set_knobs(fault_seed=42)
    second = statuses()
    assert first == second
    assert 0 < first.count(500) < 40
    assert set(first) == {200, 500}


def test_rate_limit_answers_429(
    ts_app: InProcessEmulator, ts_admin: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ts_app.app.knobs, "clock", lambda: 1000.0)
    ts_app.set_knobs(rate_limit=3)
    responses = [ts_admin.post("/users/search", json={}) for _ in range(5)]
    assert [response.status_code for response in responses[:3]] == [200, 200, 200]
    limited = responses[3]
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert ts_app.counters()["statuses"]["429"] == 2


def test_rate_limit_refills(
    ts_app: InProcessEmulator, ts_admin: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = [1000.0]
    monkeypatch.setattr(ts_app.app.knobs, "clock", lambda: clock[0])
    ts_app.set_knobs(rate_limit=2)
    assert [ts_admin.post("/users/search", json={}).status_code for _ in range(3)] == [
        200,
        200,
        429,
    ]
    clock[0] += 0.5
    assert ts_admin.post("/users/search", json={}).status_code == 200
    assert ts_admin.post("/users/search", json={}).status_code == 429


def test_latency_delays_requests(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_app.set_knobs(latency_ms=50)
    started = time.monotonic()
    ts_admin.post("/users/search", json={})
    assert time.monotonic() - started >= 0.05


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"fault_rate": 2}, "fault_rate"),
        ({"fault_kind": "during"}, "fault_kind"),
        ({"fault_status": 404}, "fault_status"),
        ({"latency_ms": -1}, "latency_ms"),
        ({"rate_limit": 0}, "rate_limit"),
        ({"token_max_uses": 0}, "token_max_uses"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_invalid_knob_rejected(
    ts_app: InProcessEmulator, values: dict[str, object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        ts_app.set_knobs(**values)


def test_state_reset_restores_builtins(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_admin.post("/users/create", json=_create_body("temp"))
    ts_admin.post("/groups/create", json={"name": "tmp", "display_name": "Tmp"})
    ts_app.reset()
    state = ts_app.state()
    assert sorted(user["name"] for user in state["users"]) == ["guest", "su", "system", "tsadmin"]
    assert sorted(group["name"] for group in state["groups"]) == ["Administrator", "All", "System"]
    assert ts_admin.get("/auth/session/user").status_code == 200


def test_requests_logged_at_debug(ts_admin: httpx.Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="tsemulator"):
        ts_admin.post("/users/nobody/delete")
    assert "POST /api/rest/2.0/users/nobody/delete -> 400" in caplog.text
    assert "User with identifier nobody not found." in caplog.text


def test_request_log_keeps_bodies(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_app.reset_counters()
    ts_admin.post("/users/create", json={**_create_body("logged"), "password": "s3cret"})
    ts_admin.post("/users/logged/update", json={"group_identifiers": ["All"], "operation": "ADD"})
    entries = ts_app.requests()
    assert [entry["endpoint"] for entry in entries] == [
        CREATE,
        "POST /api/rest/2.0/users/{user_identifier}/update",
    ]
    assert entries[0]["status"] == 200
    assert entries[0]["body"]["password"] == "***"
    assert entries[0]["body"]["name"] == "logged"
    assert entries[1]["path"] == "/api/rest/2.0/users/logged/update"
    assert entries[1]["body"]["operation"] == "ADD"
    assert "s3cret" not in str(entries)


def test_request_log_hides_login_secrets(ts_app: InProcessEmulator) -> None:
    ts_app.reset_counters()
    ts_app.token("tsadmin", "admin")
    entries = ts_app.requests()
    assert entries[0]["body"] == {"username": "tsadmin", "password": "***"}


def test_request_log_omits_big_bodies(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    users = [{"user_identifier": f"bulk{i:05d}", "display_name": "B" * 40} for i in range(2000)]
    ts_app.reset_counters()
    ts_admin.post("/users/import", json={"users": users})
    body = ts_app.requests()[0]["body"]
    assert set(body) == {"omitted_bytes"}
    assert body["omitted_bytes"] > 64 * 1024
