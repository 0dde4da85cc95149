"""Tokens, sessions and privileges."""

from __future__ import annotations

import httpx
import pytest
from testkit.emulator import InProcessEmulator

from tests.unit.emulator.conftest import error_message
from tsemulator import builtins, sessions


def _api(emulator: InProcessEmulator, **headers: str) -> httpx.Client:
    return httpx.Client(transport=emulator.transport, base_url=emulator.api_url, headers=headers)


def test_token_full_returns_token(ts_app: InProcessEmulator) -> None:
    response = _api(ts_app).post(
        "/auth/token/full", json={"username": "tsadmin", "password": "admin"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["valid_for_username"] == "tsadmin"
    assert body["valid_for_user_id"] == builtins.TSADMIN.id
    assert body["expiration_time_in_millis"] - body["creation_time_in_millis"] == 300_000
    assert body["scope"]["access_type"] == "FULL"


def test_token_validity_from_request(ts_app: InProcessEmulator) -> None:
    response = _api(ts_app).post(
        "/auth/token/full",
        json={"username": "tsadmin", "password": "admin", "validity_time_in_sec": 60},
    )
    body = response.json()
    assert body["expiration_time_in_millis"] - body["creation_time_in_millis"] == 60_000


def test_token_validity_knob_overrides(ts_app: InProcessEmulator) -> None:
    ts_app.set_knobs(token_validity=5)
    response = _api(ts_app).post(
        "/auth/token/full",
        json={"username": "tsadmin", "password": "admin", "validity_time_in_sec": 600},
    )
    body = response.json()
    assert body["expiration_time_in_millis"] - body["creation_time_in_millis"] == 5_000


def test_wrong_password_gives_401(ts_app: InProcessEmulator) -> None:
    response = _api(ts_app).post(
        "/auth/token/full", json={"username": "tsadmin", "password": "nope"}
    )
    assert response.status_code == 401
    assert "username and password" in error_message(response)


def test_unknown_user_gives_401(ts_app: InProcessEmulator) -> None:
    response = _api(ts_app).post(
        "/auth/token/full", json={"username": "nobody", "password": "admin"}
    )
    assert response.status_code == 401


def test_missing_token_gives_401(ts_app: InProcessEmulator) -> None:
    response = _api(ts_app).post("/users/search", json={})
    assert response.status_code == 401
    assert "no bearer token" in error_message(response)


def test_expired_token_gives_401(
    ts_app: InProcessEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = ts_app.token()
    client = _api(ts_app, Authorization=f"Bearer {token}")
    assert client.post("/users/search", json={}).status_code == 200
    real_clock = ts_app.app.sessions.clock
    monkeypatch.setattr(ts_app.app.sessions, "clock", lambda: real_clock() + 301)
    response = client.post("/users/search", json={})
    assert response.status_code == 401
    assert "expired" in error_message(response)


def test_token_max_uses_expires_token(ts_app: InProcessEmulator) -> None:
    ts_app.set_knobs(token_max_uses=3)
    client = _api(ts_app, Authorization=f"Bearer {ts_app.token()}")
    statuses = [client.post("/users/search", json={}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 401]


def test_expire_tokens_control(ts_app: InProcessEmulator) -> None:
    client = _api(ts_app, Authorization=f"Bearer {ts_app.token()}")
    assert ts_app.expire_tokens() == 1
    assert client.post("/users/search", json={}).status_code == 401


def test_revoke_own_token(ts_admin: httpx.Client) -> None:
    assert ts_admin.post("/auth/token/revoke", json={}).status_code == 204
    assert ts_admin.post("/users/search", json={}).status_code == 401


def test_revoke_named_token(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    other = ts_app.token()
    assert ts_admin.post("/auth/token/revoke", json={"token": other}).status_code == 204
    assert (
        _api(ts_app, Authorization=f"Bearer {other}").get("/auth/session/user").status_code == 401
    )
    assert ts_admin.get("/auth/session/user").status_code == 200


def test_revoke_other_user_token_needs_admin(
    ts_app: InProcessEmulator, ts_user: httpx.Client
) -> None:
    admin_token = ts_app.token()
    response = ts_user.post("/auth/token/revoke", json={"token": admin_token})
    assert response.status_code == 403
    assert (
        _api(ts_app, Authorization=f"Bearer {admin_token}").get("/auth/session/user").status_code
        == 200
    )


def test_session_login_sets_cookie(ts_app: InProcessEmulator) -> None:
    client = _api(ts_app)
    response = client.post("/auth/session/login", json={"username": "tsadmin", "password": "admin"})
    assert response.status_code == 204
    assert sessions.SESSION_COOKIE in response.cookies
    user = client.get("/auth/session/user")
    assert user.status_code == 200
    assert user.json()["name"] == "tsadmin"


def test_logout_ends_session(ts_app: InProcessEmulator) -> None:
    client = _api(ts_app)
    client.post(
        "/auth/session/login",
        json={"username": "tsadmin", "password": "admin", "remember_me": True},
    )
    assert client.post("/auth/session/logout").status_code == 204
    assert client.get("/auth/session/user").status_code == 401


def test_login_with_bearer_token(ts_app: InProcessEmulator) -> None:
    client = _api(ts_app, Authorization=f"Bearer {ts_app.token()}")
    response = client.post("/auth/session/login", json={})
    assert response.status_code == 204
    assert sessions.SESSION_COOKIE in response.cookies


def test_login_wrong_password_gives_401(ts_app: InProcessEmulator) -> None:
    response = _api(ts_app).post(
        "/auth/session/login", json={"username": "tsadmin", "password": "x"}
    )
    assert response.status_code == 401


def test_inactive_user_cannot_log_in(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_admin.post(
        "/users/create",
        json={
            "name": "gone",
            "display_name": "Gone",
            "email": "gone@example.com",
            "password": "pw",
        },
    )
    ts_admin.post("/users/gone/update", json={"account_status": "INACTIVE"})
    response = _api(ts_app).post("/auth/token/full", json={"username": "gone", "password": "pw"})
    assert response.status_code == 403
    assert "inactive" in error_message(response)


def test_secret_key_login(ts_spec: object) -> None:
    emulator = InProcessEmulator(spec=ts_spec, secret_key="s3cret")
    try:
        client = _api(emulator)
        good = client.post("/auth/token/full", json={"username": "tsadmin", "secret_key": "s3cret"})
        bad = client.post("/auth/token/full", json={"username": "tsadmin", "secret_key": "wrong"})
        assert good.status_code == 200
        assert bad.status_code == 401
    finally:
        emulator.close()


def test_session_user_is_caller(ts_user: httpx.Client) -> None:
    body = ts_user.get("/auth/session/user").json()
    assert body["name"] == "analyst"
    assert "ADMINISTRATION" not in body["privileges"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/users/create", {"name": "x", "display_name": "X", "email": "x@example.com"}),
        ("POST", "/users/tsadmin/update", {"display_name": "X"}),
        ("POST", "/users/guest/delete", None),
        ("POST", "/users/import", {"users": [], "dry_run": True}),
        ("POST", "/groups/create", {"name": "x", "display_name": "X"}),
        (
            "POST",
            "/groups/Administrator/update",
            {"user_identifiers": ["analyst"], "operation": "ADD"},
        ),
        ("POST", "/groups/System/delete", None),
        ("POST", "/groups/import", {"groups": []}),
        ("GET", "/system", None),
        ("POST", "/orgs/search", {}),
    ],
)
def test_non_admin_gets_403(ts_user: httpx.Client, method: str, path: str, body: object) -> None:
    response = ts_user.request(method, path, json=body)
    assert response.status_code == 403
    assert "ADMINISTRATION" in error_message(response)


def test_non_admin_search_sees_brief_users(ts_user: httpx.Client) -> None:
    response = ts_user.post("/users/search", json={"user_identifier": "tsadmin"})
    assert response.status_code == 200
    assert set(response.json()[0]) == {"id", "name", "display_name", "visibility"}


def test_admin_group_member_is_admin(
    ts_app: InProcessEmulator, ts_admin: httpx.Client, ts_user: httpx.Client
) -> None:
    ts_admin.post(
        "/groups/Administrator/update", json={"user_identifiers": ["analyst"], "operation": "ADD"}
    )
    assert ts_user.get("/system").status_code == 200


def test_administration_privilege_via_nesting(
    ts_admin: httpx.Client, ts_user: httpx.Client
) -> None:
    ts_admin.post(
        "/groups/create",
        json={"name": "admins", "display_name": "Admins", "privileges": ["ADMINISTRATION"]},
    )
    ts_admin.post(
        "/groups/create",
        json={"name": "team", "display_name": "Team", "user_identifiers": ["analyst"]},
    )
    ts_admin.post(
        "/groups/admins/update", json={"sub_group_identifiers": ["team"], "operation": "ADD"}
    )
    assert (
        ts_user.post("/groups/create", json={"name": "new", "display_name": "New"}).status_code
        == 200
    )


def test_user_administration_allows_user_writes_only(
    ts_admin: httpx.Client, ts_user: httpx.Client
) -> None:
    ts_admin.post(
        "/groups/create",
        json={
            "name": "useradmins",
            "display_name": "U",
            "privileges": ["USER_ADMINISTRATION"],
            "user_identifiers": ["analyst"],
        },
    )
    created = ts_user.post(
        "/users/create", json={"name": "n", "display_name": "N", "email": "n@example.com"}
    )
    assert created.status_code == 200
    assert (
        ts_user.post("/groups/create", json={"name": "g", "display_name": "G"}).status_code == 403
    )


def test_deleted_user_token_gives_401(
    ts_app: InProcessEmulator, ts_admin: httpx.Client, ts_user: httpx.Client
) -> None:
    assert ts_admin.post("/users/analyst/delete").status_code == 204
    assert ts_user.get("/auth/session/user").status_code == 401


def test_expired_sessions_are_purged(
    ts_app: InProcessEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ts_app.app.sessions
    monkeypatch.setattr(sessions, "PURGE_THRESHOLD", 5)
    for _ in range(5):
        store.issue(builtins.TSADMIN.id, "token", 1)
    real_clock = store.clock
    monkeypatch.setattr(store, "clock", lambda: real_clock() + 2)
    live = store.issue(builtins.TSADMIN.id, "token", 60)
    assert store.owner(live.token) == builtins.TSADMIN.id
    assert len(store) == 1


def test_validate_token(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    other = ts_app.token()
    response = ts_admin.post("/auth/token/validate", json={"token": other})
    assert response.status_code == 200
    assert response.json()["valid_for_user_id"] == builtins.TSADMIN.id
    ts_app.expire_tokens()
    fresh = _api(ts_app, Authorization=f"Bearer {ts_app.token()}")
    expired = fresh.post("/auth/token/validate", json={"token": other})
    assert expired.status_code == 400
    assert "expired" in error_message(expired)
