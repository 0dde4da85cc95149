"""users/import and groups/import: upserts, dry runs and deletion of unlisted principals."""

from __future__ import annotations

from typing import Any

import httpx
from testkit.emulator import InProcessEmulator

from tests.unit.emulator.conftest import error_message


def _state_users(emulator: InProcessEmulator) -> dict[str, dict[str, Any]]:
    return {user["name"]: user for user in emulator.state()["users"]}


def _state_groups(emulator: InProcessEmulator) -> dict[str, dict[str, Any]]:
    return {group["name"]: group for group in emulator.state()["groups"]}


def test_user_import_is_dry_run_by_default(
    ts_app: InProcessEmulator, ts_admin: httpx.Client
) -> None:
    response = ts_admin.post(
        "/users/import", json={"users": [{"user_identifier": "new", "display_name": "N"}]}
    )
    assert response.status_code == 200
    assert [user["name"] for user in response.json()["users_added"]] == ["new"]
    assert "new" not in _state_users(ts_app)
    assert ts_app.counters()["writes"] == 0


def test_user_import_creates_and_updates(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_admin.post("/groups/create", json={"name": "g1", "display_name": "G1"})
    ts_admin.post("/groups/create", json={"name": "g2", "display_name": "G2"})
    ts_admin.post(
        "/users/create",
        json={
            "name": "old",
            "display_name": "Old",
            "email": "old@example.com",
            "group_identifiers": ["g1"],
            "account_type": "LDAP_USER",
        },
    )

    body = {
        "users": [
            {"user_identifier": "OLD", "display_name": "Old Renamed", "group_identifiers": ["g2"]},
            {
                "user_identifier": "fresh",
                "display_name": "Fresh",
                "account_type": "LDAP_USER",
                "group_identifiers": ["g1", "g2"],
                "password": "pw",
            },
        ],
        "dry_run": False,
    }
    response = ts_admin.post("/users/import", json=body)

    assert response.status_code == 200
    result = response.json()
    assert [user["name"] for user in result["users_added"]] == ["fresh"]
    assert [user["name"] for user in result["users_updated"]] == ["old"]
    assert result["users_deleted"] == []

    users = _state_users(ts_app)
    assert users["old"]["display_name"] == "Old Renamed"
    assert users["old"]["groups"] == ["g2"]
    assert users["old"]["email"] == "old@example.com"
    assert users["old"]["account_type"] == "LDAP_USER"
    assert users["fresh"]["groups"] == ["g1", "g2"]
    assert users["fresh"]["email"] is None
    assert ts_app.token("fresh", "pw")


def test_user_import_leaves_unsent_lists(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_admin.post("/groups/create", json={"name": "g1", "display_name": "G1"})
    ts_admin.post(
        "/users/create",
        json={
            "name": "kept",
            "display_name": "K",
            "email": "k@example.com",
            "group_identifiers": ["g1"],
        },
    )
    body = {"users": [{"user_identifier": "kept", "display_name": "Kept"}], "dry_run": False}
    ts_admin.post("/users/import", json=body)
    assert _state_users(ts_app)["kept"]["groups"] == ["g1"]


def test_user_import_sets_account_status(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    ts_admin.post(
        "/users/create", json={"name": "x", "display_name": "X", "email": "x@example.com"}
    )
    body = {
        "users": [{"user_identifier": "x", "display_name": "X", "account_status": "INACTIVE"}],
        "dry_run": False,
    }
    ts_admin.post("/users/import", json=body)
    assert _state_users(ts_app)["x"]["account_status"] == "INACTIVE"


def test_user_import_default_password(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    body = {
        "users": [{"user_identifier": "p", "display_name": "P"}],
        "default_password": "welcome",
        "dry_run": False,
    }
    ts_admin.post("/users/import", json=body)
    assert ts_app.token("p", "welcome")


def test_user_import_deletes_unspecified(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    for name in ("stay", "go"):
        ts_admin.post(
            "/users/create", json={"name": name, "display_name": name, "email": f"{name}@e.com"}
        )
    body = {
        "users": [{"user_identifier": "stay", "display_name": "Stay"}],
        "delete_unspecified_users": True,
        "dry_run": False,
    }
    result = ts_admin.post("/users/import", json=body).json()
    assert [user["name"] for user in result["users_deleted"]] == ["go"]
    assert sorted(_state_users(ts_app)) == ["guest", "stay", "su", "system", "tsadmin"]


def test_user_import_rolls_back_on_error(ts_app: InProcessEmulator, ts_admin: httpx.Client) -> None:
    body = {
        "users": [
            {"user_identifier": "first", "display_name": "First"},
            {
                "user_identifier": "second",
                "display_name": "Second",
                "group_identifiers": ["missing"],
            },
        ],
        "dry_run": False,
    }
    response = ts_admin.post("/users/import", json=body)
    assert response.status_code == 400
    assert "missing" in error_message(response)
    assert "first" not in _state_users(ts_app)


def test_user_import_duplicate_entry_gives_400(ts_admin: httpx.Client) -> None:
    body = {
        "users": [
            {"user_identifier": "twice", "display_name": "A"},
            {"user_identifier": "TWICE", "display_name": "B"},
        ],
        "dry_run": False,
    }
    response = ts_admin.post("/users/import", json=body)
    assert response.status_code == 400
    assert "more than once" in error_message(response)


def test_group_import_is_dry_run_by_default(
    ts_app: InProcessEmulator, ts_admin: httpx.Client
) -> None:
    response = ts_admin.post(
        "/groups/import", json={"groups": [{"group_identifier": "g", "display_name": "G"}]}
    )
    assert response.status_code == 200
    assert [group["name"] for group in response.json()["groups_added"]] == ["g"]
    assert "g" not in _state_groups(ts_app)


def test_group_import_upserts_and_replaces_lists(
    ts_app: InProcessEmulator, ts_admin: httpx.Client
) -> None:
    for name in ("u1", "u2"):
        ts_admin.post(
            "/users/create", json={"name": name, "display_name": name, "email": f"{name}@e.com"}
        )
    ts_admin.post(
        "/groups/create",
        json={
            "name": "existing",
            "display_name": "E",
            "user_identifiers": ["u1"],
            "description": "keep",
        },
    )

    body = {
        "groups": [
            {
                "group_identifier": "existing",
                "display_name": "Existing",
                "user_identifiers": ["u2"],
            },
            {
                "group_identifier": "parent",
                "display_name": "Parent",
                "type": "LDAP_GROUP",
                "sub_group_identifiers": ["child"],
            },
            {"group_identifier": "child", "display_name": "Child", "user_identifiers": ["u1"]},
        ],
        "dry_run": False,
    }
    result = ts_admin.post("/groups/import", json=body).json()

    assert sorted(group["name"] for group in result["groups_added"]) == ["child", "parent"]
    assert [group["name"] for group in result["groups_updated"]] == ["existing"]

    groups = _state_groups(ts_app)
    assert groups["existing"]["users"] == ["u2"]
    assert groups["existing"]["description"] == "keep"
    assert groups["existing"]["display_name"] == "Existing"
    assert groups["parent"]["sub_groups"] == ["child"]
    assert groups["parent"]["type"] == "LDAP_GROUP"
    assert groups["child"]["users"] == ["u1"]


def test_group_import_deletes_unspecified(
    ts_app: InProcessEmulator, ts_admin: httpx.Client
) -> None:
    for name in ("stay", "go"):
        ts_admin.post("/groups/create", json={"name": name, "display_name": name})
    body = {
        "groups": [{"group_identifier": "stay", "display_name": "Stay"}],
        "delete_unspecified_groups": True,
        "dry_run": False,
    }
    result = ts_admin.post("/groups/import", json=body).json()
    assert [group["name"] for group in result["groups_deleted"]] == ["go"]
    assert sorted(_state_groups(ts_app)) == ["Administrator", "All", "System", "stay"]


def test_group_import_rejects_all_group(ts_admin: httpx.Client) -> None:
    body = {"groups": [{"group_identifier": "All", "display_name": "Everyone"}], "dry_run": False}
    response = ts_admin.post("/groups/import", json=body)
    assert response.status_code == 400
    assert "All" in error_message(response)
