"""Groups endpoints: create, update, delete, search, nesting and the All group."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.unit.emulator.conftest import error_message


def _create(client: httpx.Client, name: str, **fields: Any) -> dict[str, Any]:
    response = client.post(
        "/groups/create", json={"name": name, "display_name": name.title(), **fields}
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _group(client: httpx.Client, identifier: str) -> dict[str, Any]:
    groups = client.post("/groups/search", json={"group_identifier": identifier}).json()
    assert len(groups) == 1, groups
    result: dict[str, Any] = groups[0]
    return result


def _user(client: httpx.Client, identifier: str) -> dict[str, Any]:
    users = client.post("/users/search", json={"user_identifier": identifier}).json()
    assert len(users) == 1, users
    result: dict[str, Any] = users[0]
    return result


def _add_user(client: httpx.Client, name: str, **fields: Any) -> None:
    body = {"name": name, "display_name": name, "email": f"{name}@example.com", **fields}
    assert client.post("/users/create", json=body).status_code == 200


def _names(entries: list[dict[str, Any]]) -> list[str]:
    return [entry["name"] for entry in entries]


def test_create_applies_defaults(ts_admin: httpx.Client) -> None:
    group = _create(ts_admin, "sales")
    assert group["type"] == "LOCAL_GROUP"
    assert group["visibility"] == "SHARABLE"
    assert group["users"] == []
    assert group["sub_groups"] == []
    assert group["system_group"] is False


def test_create_with_members(ts_admin: httpx.Client) -> None:
    _add_user(ts_admin, "ann")
    _create(ts_admin, "child")
    group = _create(
        ts_admin,
        "parent",
        type="LDAP_GROUP",
        description="from LDAP",
        privileges=["DATADOWNLOADING"],
        user_identifiers=["ANN"],
        sub_group_identifiers=["child"],
    )
    assert group["type"] == "LDAP_GROUP"
    assert group["description"] == "from LDAP"
    assert group["privileges"] == ["DATADOWNLOADING"]
    assert _names(group["users"]) == ["ann"]
    assert _names(group["sub_groups"]) == ["child"]
    assert _names(_user(ts_admin, "ann")["user_groups"]) == ["All", "parent"]


def test_create_duplicate_name_gives_400(ts_admin: httpx.Client) -> None:
    _create(ts_admin, "ops")
    response = ts_admin.post("/groups/create", json={"name": "OPS", "display_name": "Ops"})
    assert response.status_code == 400
    assert "already exists" in error_message(response)


def test_user_and_group_may_share_a_name(ts_admin: httpx.Client) -> None:
    _add_user(ts_admin, "shared")
    assert (
        ts_admin.post("/groups/create", json={"name": "shared", "display_name": "S"}).status_code
        == 200
    )


def test_update_replaces_members_by_default(ts_admin: httpx.Client) -> None:
    for name in ("u1", "u2", "u3"):
        _add_user(ts_admin, name)
    _create(ts_admin, "team", user_identifiers=["u1", "u2"])
    assert (
        ts_admin.post("/groups/team/update", json={"user_identifiers": ["u3"]}).status_code == 204
    )
    assert _names(_group(ts_admin, "team")["users"]) == ["u3"]


def test_update_add_and_remove_members(ts_admin: httpx.Client) -> None:
    for name in ("u1", "u2", "u3"):
        _add_user(ts_admin, name)
    _create(ts_admin, "team", user_identifiers=["u1"])
    ts_admin.post(
        "/groups/team/update", json={"user_identifiers": ["u2", "u3"], "operation": "ADD"}
    )
    assert _names(_group(ts_admin, "team")["users"]) == ["u1", "u2", "u3"]
    ts_admin.post(
        "/groups/team/update", json={"user_identifiers": ["u1", "u2"], "operation": "REMOVE"}
    )
    assert _names(_group(ts_admin, "team")["users"]) == ["u3"]
    assert _names(_user(ts_admin, "u1")["user_groups"]) == ["All"]


def test_update_operation_applies_to_every_list(ts_admin: httpx.Client) -> None:
    _add_user(ts_admin, "u1")
    _create(ts_admin, "kid")
    _create(ts_admin, "team", privileges=["JOBSCHEDULING"])
    ts_admin.post(
        "/groups/team/update",
        json={
            "user_identifiers": ["u1"],
            "sub_group_identifiers": ["kid"],
            "privileges": ["DEVELOPER"],
            "operation": "ADD",
        },
    )
    group = _group(ts_admin, "team")
    assert _names(group["users"]) == ["u1"]
    assert _names(group["sub_groups"]) == ["kid"]
    assert group["privileges"] == ["DEVELOPER", "JOBSCHEDULING"]


def test_update_scalars_keeps_members(ts_admin: httpx.Client) -> None:
    _add_user(ts_admin, "u1")
    _create(ts_admin, "team", user_identifiers=["u1"])
    ts_admin.post(
        "/groups/team/update",
        json={
            "display_name": "The Team",
            "description": "d",
            "type": "LDAP_GROUP",
            "name": "squad",
        },
    )
    group = _group(ts_admin, "squad")
    assert group["display_name"] == "The Team"
    assert group["type"] == "LDAP_GROUP"
    assert _names(group["users"]) == ["u1"]


def test_user_inherited_groups_three_levels(ts_admin: httpx.Client) -> None:
    _add_user(ts_admin, "deep")
    _create(ts_admin, "level3", user_identifiers=["deep"])
    _create(ts_admin, "level2", sub_group_identifiers=["level3"])
    _create(ts_admin, "level1", sub_group_identifiers=["level2"])
    _create(ts_admin, "top", sub_group_identifiers=["level1"], privileges=["DEVELOPER"])
    user = _user(ts_admin, "deep")
    assert _names(user["user_groups"]) == ["All", "level3"]
    assert _names(user["user_inherited_groups"]) == ["level1", "level2", "top"]
    assert "DEVELOPER" in user["privileges"]


def test_inherited_groups_survive_cycles(ts_admin: httpx.Client) -> None:
    _add_user(ts_admin, "loop")
    _create(ts_admin, "a", user_identifiers=["loop"])
    _create(ts_admin, "b", sub_group_identifiers=["a"])
    _create(ts_admin, "c", sub_group_identifiers=["b"])
    response = ts_admin.post(
        "/groups/a/update", json={"sub_group_identifiers": ["c"], "operation": "ADD"}
    )
    assert response.status_code == 204
    assert _names(_user(ts_admin, "loop")["user_inherited_groups"]) == ["b", "c"]


def test_group_cannot_contain_itself(ts_admin: httpx.Client) -> None:
    _create(ts_admin, "self")
    response = ts_admin.post("/groups/self/update", json={"sub_group_identifiers": ["self"]})
    assert response.status_code == 400


def test_all_group_is_implicit(ts_admin: httpx.Client) -> None:
    _add_user(ts_admin, "someone")
    group = _group(ts_admin, "All")
    assert "someone" in _names(group["users"])
    assert group["system_group"] is True


@pytest.mark.parametrize(
    "body",
    [
        {"display_name": "Everyone"},
        {"user_identifiers": ["guest"], "operation": "ADD"},
        {"user_identifiers": [], "operation": "REPLACE"},
        {"sub_group_identifiers": ["Administrator"], "operation": "ADD"},
    ],
)
def test_all_group_cannot_be_edited(ts_admin: httpx.Client, body: dict[str, Any]) -> None:
    response = ts_admin.post("/groups/All/update", json=body)
    assert response.status_code == 400
    assert "All" in error_message(response)


def test_all_group_cannot_be_nested(ts_admin: httpx.Client) -> None:
    _create(ts_admin, "outer")
    response = ts_admin.post("/groups/outer/update", json={"sub_group_identifiers": ["All"]})
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["All", "Administrator", "System"])
def test_builtin_group_undeletable(ts_admin: httpx.Client, name: str) -> None:
    response = ts_admin.post(f"/groups/{name}/delete")
    assert response.status_code == 400
    assert "cannot be deleted" in error_message(response)


def test_delete_group_drops_memberships(ts_admin: httpx.Client) -> None:
    _add_user(ts_admin, "member")
    _create(ts_admin, "child")
    _create(ts_admin, "doomed", user_identifiers=["member"], sub_group_identifiers=["child"])
    _create(ts_admin, "parent", sub_group_identifiers=["doomed"])
    assert ts_admin.post("/groups/doomed/delete").status_code == 204
    assert _names(_user(ts_admin, "member")["user_groups"]) == ["All"]
    assert _group(ts_admin, "parent")["sub_groups"] == []
    assert ts_admin.post("/groups/search", json={"group_identifier": "doomed"}).json() == []


def test_search_filters_and_paging(ts_admin: httpx.Client) -> None:
    _add_user(ts_admin, "u1")
    _create(ts_admin, "ldap-a", type="LDAP_GROUP", user_identifiers=["u1"])
    _create(ts_admin, "ldap-b", type="LDAP_GROUP", sub_group_identifiers=["ldap-a"])
    _create(ts_admin, "local-c")

    def names(body: dict[str, Any]) -> list[str]:
        return _names(ts_admin.post("/groups/search", json={"record_size": -1, **body}).json())

    assert names({"type": "LDAP_GROUP"}) == ["ldap-a", "ldap-b"]
    assert names({"name_pattern": "ldap"}) == ["ldap-a", "ldap-b"]
    assert names({"user_identifiers": ["u1"]}) == ["All", "ldap-a"]
    assert names({"sub_group_identifiers": ["ldap-a"]}) == ["ldap-b"]
    assert names({"privileges": ["ADMINISTRATION"]}) == ["Administrator"]
    assert names({"group_identifier": "missing"}) == []
    assert len(ts_admin.post("/groups/search", json={"record_size": 2}).json()) == 2
    page = ts_admin.post("/groups/search", json={"record_size": 2, "record_offset": 5}).json()
    assert _names(page) == ["System"]


def test_search_can_leave_out_members(ts_admin: httpx.Client) -> None:
    body = {
        "group_identifier": "Administrator",
        "include_users": False,
        "include_sub_groups": False,
    }
    group = ts_admin.post("/groups/search", json=body).json()[0]
    assert "users" not in group
    assert "sub_groups" not in group


def test_body_identifiers_accept_guids(ts_admin: httpx.Client) -> None:
    user = ts_admin.post(
        "/users/create", json={"name": "g-user", "display_name": "G", "email": "g@example.com"}
    ).json()
    child = _create(ts_admin, "g-child")
    parent = _create(
        ts_admin, "g-parent", user_identifiers=[user["id"]], sub_group_identifiers=[child["id"]]
    )
    assert _names(parent["users"]) == ["g-user"]
    assert _names(parent["sub_groups"]) == ["g-child"]
    ts_admin.post(f"/users/{user['id']}/update", json={"group_identifiers": [child["id"]]})
    assert _names(_user(ts_admin, "g-user")["user_groups"]) == ["All", "g-child"]
