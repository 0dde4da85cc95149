"""Changes made by hand in the emulator, as an administrator would make them in ThoughtSpot."""

from __future__ import annotations

from typing import Any

import httpx
from testkit.emulator import EmulatorServer


class Admin:
    """An httpx client logged in to the emulator as tsadmin, based at /api/rest/2.0."""

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.http = httpx.Client(
            base_url=server.api_url,
            headers={"Authorization": f"Bearer {server.token()}"},
            timeout=10,
        )

    def close(self) -> None:
        self.http.close()

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        response = self.http.post(path, json=body)
        assert response.status_code in (200, 204), response.text
        return response

    def create_user(self, name: str, *, account_type: str = "LOCAL_USER",
                    groups: tuple[str, ...] = (), password: str = "Local-user-1") -> None:
        self.post("/users/create", {
            "name": name, "display_name": name, "email": f"{name.split('@')[0]}@example.org",
            "password": password, "account_type": account_type,
            "group_identifiers": list(groups),
        })

    def create_group(self, name: str, *, group_type: str = "LOCAL_GROUP") -> None:
        self.post("/groups/create", {"name": name, "display_name": name, "type": group_type})

    def update_user(self, name: str, **fields: Any) -> None:
        self.post(f"/users/{self.user_id(name)}/update", fields)

    def remove_member(self, group: str, user: str) -> None:
        self.post(f"/groups/{self.group_id(group)}/update",
                  {"user_identifiers": [self.user_id(user)], "operation": "REMOVE"})

    def add_member(self, group: str, user: str) -> None:
        self.post(f"/groups/{self.group_id(group)}/update",
                  {"user_identifiers": [self.user_id(user)], "operation": "ADD"})

    def user_id(self, name: str) -> str:
        return str(self.user(name)["id"])

    def group_id(self, name: str) -> str:
        return str(self.group(name)["id"])

    def user(self, name: str) -> dict[str, Any]:
        users = [user for user in self.server.state()["users"] if user["name"] == name]
        assert len(users) == 1, f"no single user {name!r}"
        user: dict[str, Any] = users[0]
        return user

    def group(self, name: str) -> dict[str, Any]:
        groups = [group for group in self.server.state()["groups"] if group["name"] == name]
        assert len(groups) == 1, f"no single group {name!r}"
        group: dict[str, Any] = groups[0]
        return group


def ldap_users(server: EmulatorServer) -> dict[str, dict[str, Any]]:
    return {user["name"]: user for user in server.state()["users"]
            if user["account_type"] == "LDAP_USER"}


def ldap_groups(server: EmulatorServer) -> dict[str, dict[str, Any]]:
    return {group["name"]: group for group in server.state()["groups"]
            if group["type"] == "LDAP_GROUP"}
