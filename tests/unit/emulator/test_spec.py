"""Validation of requests and responses against the official OpenAPI spec."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from testkit.emulator import InProcessEmulator

from tests.unit.emulator.conftest import error_message
from tsemulator import spec
from tsemulator.handlers import system
from tsemulator.routes import ROUTES

pytestmark = pytest.mark.spec


def test_wrong_type_gives_400(ts_admin: httpx.Client) -> None:
    response = ts_admin.post("/users/search", json={"record_size": "ten"})
    assert response.status_code == 400
    assert "record_size" in error_message(response)


def test_string_boolean_gives_400(ts_app: InProcessEmulator) -> None:
    client = ts_app.client()
    response = client.post(
        "/api/rest/2.0/auth/session/login",
        json={"username": "tsadmin", "password": "admin", "remember_me": "true"},
    )
    assert response.status_code == 400
    assert "remember_me" in error_message(response)


def test_unknown_enum_gives_400(ts_admin: httpx.Client) -> None:
    body = {"name": "x", "display_name": "X", "email": "x@example.com", "account_type": "LDAP"}
    response = ts_admin.post("/users/create", json=body)
    assert response.status_code == 400
    assert "account_type" in error_message(response)


def test_login_needs_no_bearer(ts_app: InProcessEmulator) -> None:
    response = ts_app.client().post(
        "/api/rest/2.0/auth/session/login", json={"username": "tsadmin", "password": "admin"}
    )
    assert response.status_code == 204


def test_cookie_satisfies_security(ts_app: InProcessEmulator) -> None:
    client = ts_app.client()
    client.post(
        "/api/rest/2.0/auth/session/login", json={"username": "tsadmin", "password": "admin"}
    )
    response = client.post("/api/rest/2.0/users/create", json={"name": "c", "display_name": "C"})
    assert response.status_code == 400
    assert "email" in error_message(response)


def test_invalid_response_gives_500(
    ts_admin: httpx.Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(system, "RELEASE_VERSION", 10)
    with caplog.at_level(logging.ERROR, logger="tsemulator.app"):
        response = ts_admin.get("/system")
    assert response.status_code == 500
    assert "release_version" in error_message(response)
    assert "does not match the API specification" in caplog.text


def test_every_route_is_in_spec(ts_spec: Path) -> None:
    document = spec.load_spec(ts_spec).spec
    for route in ROUTES:
        operations = document / "paths" / route.template
        assert (operations / route.method.lower()).exists(), route.endpoint


def test_spec_is_loaded_once(ts_spec: Path) -> None:
    first = InProcessEmulator(spec=ts_spec)
    second = InProcessEmulator(spec=ts_spec)
    try:
        assert first.app.spec is second.app.spec
    finally:
        first.close()
        second.close()
