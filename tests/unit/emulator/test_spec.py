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


def test_every_user_field_passes_spec(ts_admin: httpx.Client) -> None:
    ts_admin.post(
        "/groups/create", json={"name": "parent", "display_name": "P", "privileges": ["DEVELOPER"]}
    )
    ts_admin.post("/groups/create", json={"name": "child", "display_name": "C"})
    ts_admin.post(
        "/groups/parent/update", json={"sub_group_identifiers": ["child"], "operation": "ADD"}
    )
    body = {
        "name": "full",
        "display_name": "Full",
        "email": "full@example.com",
        "password": "pw",
        "account_type": "LDAP_USER",
        "account_status": "ACTIVE",
        "org_identifiers": ["Primary"],
        "group_identifiers": ["child"],
        "visibility": "NON_SHARABLE",
        "notify_on_share": False,
        "show_onboarding_experience": False,
        "onboarding_experience_completed": True,
        "preferred_locale": "de-DE",
        "use_browser_language": True,
        "extended_properties": {"dn": "cn=full"},
        "extended_preferences": {"theme": "dark"},
        "trigger_welcome_email": False,
    }
    created = ts_admin.post("/users/create", json=body)
    assert created.status_code == 200, created.text
    found = ts_admin.post("/users/search", json={"user_identifier": "full"})
    assert found.status_code == 200, found.text
    user = found.json()[0]
    assert user["preferred_locale"] == "de-DE"
    assert user["notify_on_share"] is False
    assert user["onboarding_experience_completed"] is True
    assert user["use_browser_language"] is True
    assert user["extended_preferences"] == {"theme": "dark"}
    assert user["privileges"] == ["AUTHORING", "DEVELOPER"]
    assert [group["name"] for group in user["user_inherited_groups"]] == ["parent"]


def test_every_group_field_passes_spec(ts_admin: httpx.Client) -> None:
    ts_admin.post(
        "/users/create", json={"name": "m", "display_name": "M", "email": "m@example.com"}
    )
    ts_admin.post("/groups/create", json={"name": "kid", "display_name": "Kid"})
    body = {
        "name": "full",
        "display_name": "Full",
        "description": "every field",
        "privileges": ["DATADOWNLOADING", "JOBSCHEDULING"],
        "sub_group_identifiers": ["kid"],
        "type": "LDAP_GROUP",
        "user_identifiers": ["m"],
        "visibility": "NON_SHARABLE",
    }
    created = ts_admin.post("/groups/create", json=body)
    assert created.status_code == 200, created.text
    found = ts_admin.post("/groups/search", json={"group_identifier": "full"})
    assert found.status_code == 200, found.text
    group = found.json()[0]
    assert group["visibility"] == "NON_SHARABLE"
    assert group["privileges"] == ["DATADOWNLOADING", "JOBSCHEDULING"]
