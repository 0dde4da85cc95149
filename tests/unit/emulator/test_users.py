"""Users endpoints: create, update, delete, search and paging."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from testkit.emulator import InProcessEmulator

from tests.unit.emulator.conftest import error_message
from tsemulator import builtins


def _create(client: httpx.Client, name: str, **fields: Any) -> dict[str, Any]:
    body = {"name": name, "display_name": name.title(), "email": f"{name}@example.com", **fields}
    response = client.post("/users/create", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _user(client: httpx.Client, identifier: str) -> dict[str, Any]:
    response = client.post("/users/search", json={"user_identifier": identifier})
    assert response.status_code == 200, response.text
    users: list[dict[str, Any]] = response.json()
    assert len(users) == 1, users
    return users[0]


def _group_names(user: dict[str, Any]) -> list[str]:
    return [group["name"] for group in user["user_groups"]]


def test_create_applies_defaults(ts_admin: httpx.Client) -> None:
    user = _create(ts_admin, "alice")
    assert uuid.UUID(user["id"])
    assert user["account_type"] == "LOCAL_USER"
    assert user["account_status"] == "ACTIVE"
    assert user["visibility"] == "SHARABLE"
    assert user["email"] == "alice@example.com"
    assert _group_names(user) == ["All"]


def test_create_with_fields(ts_admin: httpx.Client) -> None:
    ts_admin.post("/groups/create", json={"name": "sales", "display_name": "Sales"})
    user = _create(
        ts_admin,
        "bob",
        account_type="LDAP_USER",
        visibility="NON_SHARABLE",
        group_identifiers=["SALES"],
        extended_properties={"dn": "cn=bob,dc=example,dc=com"},
    )
    assert user["account_type"] == "LDAP_USER"
    assert user["visibility"] == "NON_SHARABLE"
    assert _group_names(user) == ["All", "sales"]
    assert user["extended_properties"] == {"dn": "cn=bob,dc=example,dc=com"}


def test_create_without_email_gives_400(ts_admin: httpx.Client) -> None:
    response = ts_admin.post("/users/create", json={"name": "carol", "display_name": "Carol"})
    assert response.status_code == 400
    assert "email" in error_message(response)


def test_create_duplicate_name_gives_400(ts_admin: httpx.Client) -> None:
    _create(ts_admin, "dave")
    response = ts_admin.post(
        "/users/create", json={"name": "DAVE", "display_name": "Dave", "email": "d@example.com"}
    )
    assert response.status_code == 400
    assert "already exists" in error_message(response)


def test_create_unknown_group_gives_400(ts_admin: httpx.Client) -> None:
    response = ts_admin.post(
        "/users/create",
        json={
            "name": "e",
            "display_name": "E",
            "email": "e@example.com",
            "group_identifiers": ["nope"],
        },
    )
    assert response.status_code == 400
    assert "nope" in error_message(response)
    assert ts_admin.post("/users/search", json={"user_identifier": "e"}).json() == []


def test_disallowed_email_domain_gives_400(ts_spec: Any) -> None:
    emulator = InProcessEmulator(
        spec=ts_spec, allowed_email_domains=("example.com", "corp.example")
    )
    try:
        client = emulator.client(headers={"Authorization": f"Bearer {emulator.token()}"})
        allowed = client.post(
            "/api/rest/2.0/users/create",
            json={"name": "ok", "display_name": "Ok", "email": "ok@CORP.example"},
        )
        rejected = client.post(
            "/api/rest/2.0/users/create",
            json={"name": "no", "display_name": "No", "email": "no@elsewhere.org"},
        )
        updated = client.post("/api/rest/2.0/users/ok/update", json={"email": "ok@elsewhere.org"})
        assert allowed.status_code == 200
        assert rejected.status_code == 400
        assert "elsewhere.org" in error_message(rejected)
        assert updated.status_code == 400
        assert "elsewhere.org" in error_message(updated)
    finally:
        emulator.close()


def test_invalid_email_gives_400(ts_admin: httpx.Client) -> None:
    response = ts_admin.post(
        "/users/create", json={"name": "f", "display_name": "F", "email": "not-an-address"}
    )
    assert response.status_code == 400
    assert "not-an-address" in error_message(response)


def test_update_replaces_groups_by_default(ts_admin: httpx.Client) -> None:
    for name in ("g1", "g2", "g3"):
        ts_admin.post("/groups/create", json={"name": name, "display_name": name})
    _create(ts_admin, "henry", group_identifiers=["g1", "g2"])
    response = ts_admin.post("/users/henry/update", json={"group_identifiers": ["g3"]})
    assert response.status_code == 204
    assert _group_names(_user(ts_admin, "henry")) == ["All", "g3"]


def test_update_add_and_remove_groups(ts_admin: httpx.Client) -> None:
    for name in ("g1", "g2", "g3"):
        ts_admin.post("/groups/create", json={"name": name, "display_name": name})
    _create(ts_admin, "iris", group_identifiers=["g1"])
    ts_admin.post(
        "/users/iris/update", json={"group_identifiers": ["g2", "g3"], "operation": "ADD"}
    )
    assert _group_names(_user(ts_admin, "iris")) == ["All", "g1", "g2", "g3"]
    ts_admin.post(
        "/users/iris/update", json={"group_identifiers": ["g1", "g3"], "operation": "REMOVE"}
    )
    assert _group_names(_user(ts_admin, "iris")) == ["All", "g2"]


def test_update_scalars_keeps_groups(ts_admin: httpx.Client) -> None:
    ts_admin.post("/groups/create", json={"name": "g1", "display_name": "g1"})
    _create(ts_admin, "jack", group_identifiers=["g1"])
    ts_admin.post(
        "/users/jack/update",
        json={
            "display_name": "Jack Smith",
            "email": "jack@example.org",
            "account_status": "INACTIVE",
        },
    )
    user = _user(ts_admin, "jack")
    assert user["display_name"] == "Jack Smith"
    assert user["email"] == "jack@example.org"
    assert user["account_status"] == "INACTIVE"
    assert _group_names(user) == ["All", "g1"]


def test_update_renames_user(ts_admin: httpx.Client) -> None:
    created = _create(ts_admin, "kate")
    ts_admin.post(f"/users/{created['id']}/update", json={"name": "katherine"})
    assert _user(ts_admin, created["id"])["name"] == "katherine"
    assert ts_admin.post("/users/search", json={"user_identifier": "kate"}).json() == []


def test_update_by_guid_and_encoded_name(ts_admin: httpx.Client) -> None:
    created = _create(ts_admin, "a/b c%d")
    by_name = ts_admin.post("/users/a%2Fb%20c%25d/update", json={"display_name": "By name"})
    assert by_name.status_code == 204
    assert _user(ts_admin, created["id"])["display_name"] == "By name"
    by_guid = ts_admin.post(
        f"/users/{created['id'].upper()}/update", json={"display_name": "By id"}
    )
    assert by_guid.status_code == 204
    assert _user(ts_admin, "A/B C%D")["display_name"] == "By id"


def test_update_unknown_user_gives_400(ts_admin: httpx.Client) -> None:
    response = ts_admin.post("/users/ghost/update", json={"display_name": "Ghost"})
    assert response.status_code == 400
    assert "ghost" in error_message(response)


def test_update_keeps_extended_properties(ts_admin: httpx.Client) -> None:
    _create(ts_admin, "leo", extended_properties={"source": "ldap"})
    ts_admin.post("/users/leo/update", json={"display_name": "Leo"})
    assert _user(ts_admin, "leo")["extended_properties"] == {"source": "ldap"}
    ts_admin.post("/users/leo/update", json={"extended_properties": {"source": "ad"}})
    assert _user(ts_admin, "leo")["extended_properties"] == {"source": "ad"}


def test_remove_from_all_gives_400(ts_admin: httpx.Client) -> None:
    _create(ts_admin, "mia")
    response = ts_admin.post(
        "/users/mia/update", json={"group_identifiers": ["All"], "operation": "REMOVE"}
    )
    assert response.status_code == 400
    assert "All" in error_message(response)


def test_replace_groups_keeps_all(ts_admin: httpx.Client) -> None:
    ts_admin.post("/groups/create", json={"name": "g1", "display_name": "g1"})
    _create(ts_admin, "ned", group_identifiers=["g1"])
    ts_admin.post("/users/ned/update", json={"group_identifiers": []})
    assert _group_names(_user(ts_admin, "ned")) == ["All"]


def test_delete_user(ts_admin: httpx.Client) -> None:
    _create(ts_admin, "olga")
    assert ts_admin.post("/users/olga/delete").status_code == 204
    assert ts_admin.post("/users/search", json={"user_identifier": "olga"}).json() == []
    assert ts_admin.post("/users/olga/delete").status_code == 400


@pytest.mark.parametrize("name", ["tsadmin", "guest", "system", "su"])
def test_builtin_user_undeletable(ts_admin: httpx.Client, name: str) -> None:
    response = ts_admin.post(f"/users/{name}/delete")
    assert response.status_code == 400
    assert "cannot be deleted" in error_message(response)


def test_builtin_user_cannot_be_renamed(ts_admin: httpx.Client) -> None:
    response = ts_admin.post("/users/guest/update", json={"name": "visitor"})
    assert response.status_code == 400


def test_builtin_flags(ts_admin: httpx.Client) -> None:
    su = _user(ts_admin, "su")
    system = _user(ts_admin, "system")
    tsadmin = _user(ts_admin, "tsadmin")
    assert su["super_user"] is True
    assert system["system_user"] is True
    assert tsadmin["id"] == builtins.TSADMIN.id
    assert "ADMINISTRATION" in tsadmin["privileges"]
    assert _group_names(tsadmin) == ["All", "Administrator"]


def test_search_pages_2500_users(ts_admin: httpx.Client) -> None:
    users = [{"user_identifier": f"user{i:04d}", "display_name": f"User {i}"} for i in range(2500)]
    imported = ts_admin.post("/users/import", json={"users": users, "dry_run": False})
    assert imported.status_code == 200
    names: list[str] = []
    sizes: list[int] = []
    offset = 0
    while True:
        page = ts_admin.post(
            "/users/search", json={"record_offset": offset, "record_size": 1000}
        ).json()
        sizes.append(len(page))
        names.extend(user["name"] for user in page)
        if len(page) < 1000:
            break
        offset += 1000
    assert sizes == [1000, 1000, 504]
    assert len(set(names)) == 2504
    assert names == sorted(names, key=str.casefold)


def test_search_default_record_size_is_10(ts_admin: httpx.Client) -> None:
    users = [{"user_identifier": f"u{i}", "display_name": f"U {i}"} for i in range(15)]
    ts_admin.post("/users/import", json={"users": users, "dry_run": False})
    assert len(ts_admin.post("/users/search", json={}).json()) == 10
    assert len(ts_admin.post("/users/search", json={"record_size": -1}).json()) == 19


def test_search_filters(ts_admin: httpx.Client) -> None:
    ts_admin.post("/groups/create", json={"name": "eng", "display_name": "Eng"})
    _create(ts_admin, "ann.lee", account_type="LDAP_USER", group_identifiers=["eng"])
    _create(ts_admin, "ann.ray", account_status="INACTIVE")
    _create(ts_admin, "bo_zed")

    def names(body: dict[str, Any]) -> list[str]:
        users = ts_admin.post("/users/search", json={"record_size": -1, **body}).json()
        return [user["name"] for user in users]

    assert names({"name_pattern": "ANN"}) == ["ann.lee", "ann.ray"]
    assert names({"name_pattern": "ann%ray"}) == ["ann.ray"]
    assert names({"name_pattern": "o_z"}) == ["bo_zed"]
    assert names({"account_type": "LDAP_USER"}) == ["ann.lee"]
    assert names({"account_status": "INACTIVE"}) == ["ann.ray"]
    assert names({"group_identifiers": ["eng"]}) == ["ann.lee"]
    assert names({"email": "BO_ZED@example.com"}) == ["bo_zed"]
    assert names({"display_name": "ann.lee"}) == ["ann.lee"]
    assert names({"privileges": ["ADMINISTRATION"]}) == ["su", "tsadmin"]
    assert names({"user_identifier": "nobody"}) == []


def test_search_sort_options(ts_admin: httpx.Client) -> None:
    _create(ts_admin, "zz", display_name="Aaa")
    body = {"record_size": 2, "sort_options": {"field_name": "DISPLAY_NAME", "order": "ASC"}}
    first = ts_admin.post("/users/search", json=body).json()
    assert first[0]["name"] == "zz"
    body = {"record_size": 1, "sort_options": {"field_name": "NAME", "order": "DESC"}}
    assert ts_admin.post("/users/search", json=body).json()[0]["name"] == "zz"


def test_search_bad_record_size_gives_400(ts_admin: httpx.Client) -> None:
    response = ts_admin.post("/users/search", json={"record_size": -5})
    assert response.status_code == 400
    assert "record_size" in error_message(response)


def test_search_privileges_through_nesting(ts_admin: httpx.Client) -> None:
    _create(ts_admin, "dev")
    ts_admin.post(
        "/groups/create", json={"name": "team", "display_name": "T", "user_identifiers": ["dev"]}
    )
    ts_admin.post(
        "/groups/create",
        json={
            "name": "devs",
            "display_name": "D",
            "privileges": ["DEVELOPER"],
            "sub_group_identifiers": ["team"],
        },
    )
    body = {"privileges": ["DEVELOPER"], "record_size": -1}
    names = [user["name"] for user in ts_admin.post("/users/search", json=body).json()]
    assert names == ["dev"]


@pytest.mark.parametrize(
    "body",
    [
        {"role_identifiers": ["analysts"]},
        {"home_liveboard_identifier": "sales"},
        {"favorite_metadata": [{"identifier": "sales", "type": "LIVEBOARD"}]},
    ],
)
def test_search_unmodelled_filters_match_nothing(
    ts_admin: httpx.Client, body: dict[str, Any]
) -> None:
    response = ts_admin.post("/users/search", json=body)
    assert response.status_code == 200
    assert response.json() == []
