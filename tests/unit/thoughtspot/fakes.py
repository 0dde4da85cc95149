"""An in-memory ThoughtSpot behind httpx.MockTransport for the client's unit tests.

It implements just enough of REST API v2.0 to exercise the client: tokens,
session user, system, and search/create/update/delete/import of users and
groups. ``faults`` queues failures per path: each entry is an HTTP status,
an httpx exception class raised before the request is handled, or
``("after", status)`` to apply the request and then respond with the status.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import httpx

PREFIX = "/api/rest/2.0/"
Fault = int | type[httpx.TransportError] | tuple[str, int] | tuple[str, int, dict[str, str]]


class FakeThoughtSpot:
    def __init__(self, *, password: str = "s3cret-pass", admin: bool = True) -> None:
        self.password = password
        self.admin = admin
        self.ids = (f"00000000-0000-0000-0000-{n:012d}" for n in itertools.count(100))
        self.tokens: dict[str, bool] = {}
        self.token_serial = itertools.count(1)
        self.token_lifetime_ms = 3_600_000
        self.now_ms = 1_700_000_000_000
        self.users: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, dict[str, Any]] = {}
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        self.requests: list[httpx.Request] = []
        self.calls: Counter[str] = Counter()
        self.missing_search_status = 400
        self.import_returns_ids = True
        """False leaves ``id`` out of import responses, as the spec allows."""
        self.rejected_names: set[str] = set()
        """Names that make an import or create fail with 400, as an invalid entry would."""
        self.all_group = self.add_group("All", system_group=True)
        self.admin_group = self.add_group("Administrator")
        self.tsadmin = self.add_user("tsadmin", account_type="LOCAL_USER")

    # --- seeding -----------------------------------------------------------

    def add_user(self, name: str, **fields: Any) -> str:
        user_id = next(self.ids)
        self.users[user_id] = {
            "id": user_id,
            "name": name,
            "display_name": fields.pop("display_name", name.title()),
            "visibility": "SHARABLE",
            "account_type": fields.pop("account_type", "LDAP_USER"),
            "account_status": fields.pop("account_status", "ACTIVE"),
            "email": fields.pop("email", f"{name}@example.com"),
            "groups": set(fields.pop("groups", ())),
            **fields,
        }
        return user_id

    def add_group(self, name: str, **fields: Any) -> str:
        group_id = next(self.ids)
        self.groups[group_id] = {
            "id": group_id,
            "name": name,
            "display_name": fields.pop("display_name", name),
            "visibility": "SHARABLE",
            "type": fields.pop("type", "LDAP_GROUP"),
            "sub_groups": set(fields.pop("sub_groups", ())),
            **fields,
        }
        return group_id

    def user_named(self, name: str) -> dict[str, Any] | None:
        return next(
            (u for u in self.users.values() if u["name"].casefold() == name.casefold()), None
        )

    def group_named(self, name: str) -> dict[str, Any] | None:
        return next(
            (g for g in self.groups.values() if g["name"].casefold() == name.casefold()), None
        )

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # --- dispatch ----------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.raw_path.decode().split("?")[0]
        endpoint = path.removeprefix(PREFIX)
        self.calls[self._kind(endpoint)] += 1
        fault = (
            self.faults[self._kind(endpoint)].pop(0) if self.faults[self._kind(endpoint)] else None
        )
        if isinstance(fault, type):
            raise fault("injected fault", request=request)
        if isinstance(fault, int):
            return self._error(fault, "injected fault")
        headers = fault[2] if isinstance(fault, tuple) and len(fault) > 2 else {}
        if isinstance(fault, tuple) and fault[0] == "before":
            return self._error(fault[1], "injected fault", headers)
        response = self._route(request, endpoint)
        if isinstance(fault, tuple):
            return self._error(fault[1], "injected fault after applying", headers)
        return response

    @staticmethod
    def _kind(endpoint: str) -> str:
        parts = endpoint.split("/")
        if len(parts) == 3 and parts[0] in ("users", "groups"):
            return f"{parts[0]}/*/{parts[2]}"
        return endpoint

    def _route(self, request: httpx.Request, endpoint: str) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        if endpoint == "auth/token/full":
            return self._token(body)
        if not self._authorised(request):
            return self._error(401, "token is invalid or expired")
        routes: dict[str, Callable[[Any], httpx.Response]] = {
            "auth/session/user": lambda _: self._json(self._user_json(self.tsadmin, session=True)),
            "system": lambda _: self._json(self._system()),
            "users/search": self._search_users,
            "groups/search": self._search_groups,
            "users/create": self._create_user,
            "groups/create": self._create_group,
            "users/import": self._import_users,
            "groups/import": self._import_groups,
        }
        if endpoint in routes:
            return routes[endpoint](body)
        kind, identifier, verb = endpoint.split("/")
        identifier = unquote(identifier)
        if kind == "users":
            user = self.users.get(identifier) or self.user_named(identifier)
            if user is None:
                return self._error(400, f"user {identifier} not found")
            return (
                self._update_user(user, body)
                if verb == "update"
                else self._delete(self.users, user)
            )
        group = self.groups.get(identifier) or self.group_named(identifier)
        if group is None:
            return self._error(400, f"group {identifier} not found")
        return (
            self._update_group(group, body)
            if verb == "update"
            else self._delete(self.groups, group)
        )

    # --- auth --------------------------------------------------------------

    def _token(self, body: dict[str, Any]) -> httpx.Response:
        if body.get("username") != "tsadmin" or self.password not in (
            body.get("password"),
            body.get("secret_key"),
        ):
            return self._error(401, "invalid username or password")
        token = f"token-{next(self.token_serial)}"
        self.tokens[token] = True
        return self._json(
            {
                "token": token,
                "creation_time_in_millis": self.now_ms,
                "expiration_time_in_millis": self.now_ms + self.token_lifetime_ms,
                "scope": {"access_type": "FULL", "org_id": 0, "metadata_id": None},
                "valid_for_user_id": self.tsadmin,
                "valid_for_username": "tsadmin",
            }
        )

    def expire_tokens(self) -> None:
        for token in self.tokens:
            self.tokens[token] = False

    def _authorised(self, request: httpx.Request) -> bool:
        header = request.headers.get("Authorization", "")
        return self.tokens.get(header.removeprefix("Bearer "), False)

    def _system(self) -> dict[str, Any]:
        return {
            "release_version": "10.4.0.cl",
            "all_user_group_id": self.all_group,
            "admin_group_id": self.admin_group,
            "tsadmin_user_id": self.tsadmin,
        }

    # --- users -------------------------------------------------------------

    def _user_json(self, user_id: str, *, session: bool = False) -> dict[str, Any]:
        user = self.users[user_id]
        record = {k: v for k, v in user.items() if k != "groups"}
        record["user_groups"] = [
            {"id": g, "name": self.groups[g]["name"]}
            for g in sorted(user["groups"])
            if g in self.groups
        ] + [{"id": self.all_group, "name": "All"}]
        record["future_field"] = {"nested": True}
        if session:
            record["privileges"] = ["ADMINISTRATION"] if self.admin else ["AUTHORING"]
        return record

    def _page(self, records: list[dict[str, Any]], body: dict[str, Any]) -> httpx.Response:
        records.sort(key=lambda r: r["name"].casefold())
        offset = body.get("record_offset", 0)
        size = body.get("record_size", 10)
        return self._json(records[offset : offset + size] if size != -1 else records[offset:])

    def _search_users(self, body: dict[str, Any]) -> httpx.Response:
        identifier = body.get("user_identifier")
        if identifier is not None:
            user = self.users.get(identifier) or self.user_named(identifier)
            if user is None:
                return self._missing(f"user {identifier} not found")
            return self._json([self._user_json(user["id"])])
        return self._page([self._user_json(u) for u in self.users], body)

    def _create_user(self, body: dict[str, Any]) -> httpx.Response:
        if self.user_named(body["name"]):
            return self._error(400, f"user {body['name']} already exists")
        user_id = self.add_user(
            body["name"],
            display_name=body["display_name"],
            email=body.get("email"),
            account_type=body.get("account_type", "LOCAL_USER"),
            groups=self._resolve_groups(body.get("group_identifiers", [])),
        )
        return self._json(self._user_json(user_id))

    def _update_user(self, user: dict[str, Any], body: dict[str, Any]) -> httpx.Response:
        operation = body.pop("operation", "REPLACE")
        groups = self._resolve_groups(body.pop("group_identifiers", None) or [])
        if operation == "ADD":
            user["groups"] |= groups
        elif operation == "REMOVE":
            user["groups"] -= groups
        elif groups:
            user["groups"] = groups
        user.update(body)
        return httpx.Response(204)

    def _import_users(self, body: dict[str, Any]) -> httpx.Response:
        bad = self.rejected_names & {item["user_identifier"] for item in body["users"]}
        if bad:
            return self._error(400, f"invalid user {sorted(bad)[0]}")
        added: list[dict[str, str]] = []
        updated: list[dict[str, str]] = []
        for item in body["users"]:
            user = self.user_named(item["user_identifier"])
            groups = self._resolve_groups(item.get("group_identifiers", []))
            if user is None:
                user_id = self.add_user(
                    item["user_identifier"],
                    display_name=item["display_name"],
                    email=item.get("email"),
                    account_type=item.get("account_type", "LOCAL_USER"),
                    groups=groups,
                )
                added.append({"id": user_id, "name": item["user_identifier"]})
            else:
                user["groups"] = groups
                updated.append({"id": user["id"], "name": user["name"]})
        if not self.import_returns_ids:
            added = [{"name": item["name"]} for item in added]
            updated = [{"name": item["name"]} for item in updated]
        return self._json({"users_added": added, "users_updated": updated, "users_deleted": []})

    # --- groups ------------------------------------------------------------

    def _group_json(self, group_id: str) -> dict[str, Any]:
        group = self.groups[group_id]
        record = {k: v for k, v in group.items() if k != "sub_groups"}
        record["sub_groups"] = [
            {"id": g, "name": self.groups[g]["name"]} for g in sorted(group["sub_groups"])
        ]
        record["users"] = [
            {"id": u["id"], "name": u["name"]}
            for u in self.users.values()
            if group_id in u["groups"]
        ]
        return record

    def _search_groups(self, body: dict[str, Any]) -> httpx.Response:
        identifier = body.get("group_identifier")
        if identifier is not None:
            group = self.groups.get(identifier) or self.group_named(identifier)
            if group is None:
                return self._missing(f"group {identifier} not found")
            return self._json([self._group_json(group["id"])])
        return self._page([self._group_json(g) for g in self.groups], body)

    def _create_group(self, body: dict[str, Any]) -> httpx.Response:
        if self.group_named(body["name"]):
            return self._error(400, f"group {body['name']} already exists")
        group_id = self.add_group(
            body["name"],
            display_name=body["display_name"],
            type=body.get("type", "LOCAL_GROUP"),
            sub_groups=self._resolve_groups(body.get("sub_group_identifiers", [])),
        )
        for user_id in self._resolve_users(body.get("user_identifiers", [])):
            self.users[user_id]["groups"].add(group_id)
        return self._json(self._group_json(group_id))

    def _update_group(self, group: dict[str, Any], body: dict[str, Any]) -> httpx.Response:
        operation = body.pop("operation", "REPLACE")
        users = self._resolve_users(body.pop("user_identifiers", None) or [])
        subs = self._resolve_groups(body.pop("sub_group_identifiers", None) or [])
        for user_id in users:
            if operation == "REMOVE":
                self.users[user_id]["groups"].discard(group["id"])
            else:
                self.users[user_id]["groups"].add(group["id"])
        if operation == "REMOVE":
            group["sub_groups"] -= subs
        else:
            group["sub_groups"] |= subs
        group.update(body)
        return httpx.Response(204)

    def _import_groups(self, body: dict[str, Any]) -> httpx.Response:
        bad = self.rejected_names & {item["group_identifier"] for item in body["groups"]}
        if bad:
            return self._error(400, f"invalid group {sorted(bad)[0]}")
        added, updated = [], []
        for item in body["groups"]:
            group = self.group_named(item["group_identifier"])
            subs = self._resolve_groups(item.get("sub_group_identifiers", []))
            if group is None:
                group_id = self.add_group(
                    item["group_identifier"],
                    display_name=item["display_name"],
                    type=item.get("type", "LOCAL_GROUP"),
                    sub_groups=subs,
                )
                added.append({"id": group_id, "name": item["group_identifier"]})
            else:
                group_id = group["id"]
                group["sub_groups"] = subs
                updated.append({"id": group_id, "name": group["name"]})
            for user_id in self._resolve_users(item.get("user_identifiers", [])):
                self.users[user_id]["groups"].add(group_id)
        return self._json({"groups_added": added, "groups_updated": updated, "groups_deleted": []})

    # --- shared ------------------------------------------------------------

    def _delete(self, table: dict[str, dict[str, Any]], record: dict[str, Any]) -> httpx.Response:
        del table[record["id"]]
        return httpx.Response(204)

    def _resolve_groups(self, identifiers: list[str]) -> set[str]:
        found = set()
        for identifier in identifiers:
            group = self.groups.get(identifier) or self.group_named(identifier)
            if group is not None:
                found.add(group["id"])
        return found

    def _resolve_users(self, identifiers: list[str]) -> set[str]:
        found = set()
        for identifier in identifiers:
            user = self.users.get(identifier) or self.user_named(identifier)
            if user is not None:
                found.add(user["id"])
        return found

    def _missing(self, message: str) -> httpx.Response:
        if self.missing_search_status == 200:
            return self._json([])
        return self._error(self.missing_search_status, message)

    @staticmethod
    def _json(body: Any) -> httpx.Response:
        return httpx.Response(200, json=body)

    @staticmethod
    def _error(status: int, message: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return httpx.Response(status, json={"error": {"message": message}}, headers=headers)
