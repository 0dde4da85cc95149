"""Control API under ``/_emulator``: knobs, counters, state dump and reset. No authentication."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from tsemulator import bulk
from tsemulator.errors import ApiError
from tsemulator.knobs import KnobError

if TYPE_CHECKING:
    from tsemulator.app import EmulatorApp

log = logging.getLogger(__name__)

PREFIX = "/_emulator"


def handle(app: EmulatorApp, request: Request) -> Response:
    """Dispatch one control request; unknown paths get 404 and bad values 400."""
    action = (request.method, request.path[len(PREFIX) :].rstrip("/"))
    try:
        body = _json_body(request)
        if action == ("GET", "/knobs"):
            return _json(app.knobs.to_json())
        if action == ("POST", "/knobs"):
            app.knobs.update(body)
            log.info("knobs changed: %s", body)
            return _json(app.knobs.to_json())
        if action == ("GET", "/counters"):
            return _json(app.counters.to_json())
        if action == ("POST", "/reset-counters"):
            app.counters.reset()
            app.requests.clear()
            return _json(app.counters.to_json())
        if action == ("GET", "/requests"):
            return _json({"requests": app.requests.entries()})
        if action == ("GET", "/state"):
            return _json(dump_state(app))
        if action == ("POST", "/reset"):
            app.db.reset()
            return _json({"reset": True})
        if action == ("POST", "/load"):
            with app.db.transaction() as conn:
                loaded = bulk.load(conn, body)
            log.info("loaded %s", loaded)
            return _json(loaded)
        if action == ("POST", "/populate"):
            with app.db.transaction() as conn:
                population = bulk.populate(conn, body)
            log.info("populated %s", population)
            return _json(population)
        if action == ("POST", "/expire-tokens"):
            return _json({"expired": app.sessions.expire_all()})
        if action == ("GET", "/health"):
            return _json({"status": "ok"})
    except KnobError as error:
        log.warning("rejected control request %s %s: %s", request.method, request.path, error)
        return _json({"error": str(error)}, 400)
    except ApiError as error:
        log.warning("rejected control request %s %s: %s", request.method, request.path, error)
        return _json({"error": error.message}, 400)
    return _json({"error": f"no control endpoint {request.method} {request.path}"}, 404)


def dump_state(app: EmulatorApp) -> dict[str, Any]:
    """Return every user and group with their direct memberships, all sorted by name."""
    with app.db.read() as conn:
        return {"users": _dump_users(conn), "groups": _dump_groups(conn)}


def _dump_users(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    groups_of: dict[int, list[str]] = defaultdict(list)
    for user_seq, group_name in conn.execute(
        "SELECT ug.user_seq, g.name FROM user_groups ug JOIN groups g ON g.seq = ug.group_seq"
        " ORDER BY g.name_key"
    ):
        groups_of[user_seq].append(group_name)
    users = []
    for row in conn.execute("SELECT * FROM users ORDER BY name_key"):
        users.append(
            {
                "id": row["id"],
                "name": row["name"],
                "display_name": row["display_name"],
                "email": row["email"],
                "account_type": row["account_type"],
                "account_status": row["account_status"],
                "visibility": row["visibility"],
                "builtin": bool(row["builtin"]),
                "groups": groups_of[row["seq"]],
                "extended_properties": json.loads(row["props"]).get("extended_properties"),
            }
        )
    return users


def _dump_groups(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Dump groups; the All group lists no users, because every user is in it."""
    members: dict[int, list[str]] = defaultdict(list)
    for group_seq, user_name in conn.execute(
        "SELECT ug.group_seq, u.name FROM user_groups ug JOIN users u ON u.seq = ug.user_seq"
        " ORDER BY u.name_key"
    ):
        members[group_seq].append(user_name)
    children: dict[int, list[str]] = defaultdict(list)
    for parent_seq, child_name in conn.execute(
        "SELECT gs.parent_seq, g.name FROM group_subgroups gs JOIN groups g ON g.seq = gs.child_seq"
        " ORDER BY g.name_key"
    ):
        children[parent_seq].append(child_name)
    groups = []
    for row in conn.execute("SELECT * FROM groups ORDER BY name_key"):
        groups.append(
            {
                "id": row["id"],
                "name": row["name"],
                "display_name": row["display_name"],
                "description": row["description"],
                "type": row["type"],
                "visibility": row["visibility"],
                "privileges": json.loads(row["privileges"]),
                "builtin": bool(row["builtin"]),
                "users": members[row["seq"]],
                "sub_groups": children[row["seq"]],
            }
        )
    return groups


def _json_body(request: Request) -> dict[str, Any]:
    if request.method != "POST" or not request.get_data():
        return {}
    try:
        body = json.loads(request.get_data())
    except ValueError as error:
        raise KnobError(f"request body is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise KnobError("request body must be a JSON object")
    return body


def _json(payload: Any, status: int = 200) -> Response:
    return Response(json.dumps(payload), status=status, content_type="application/json")
