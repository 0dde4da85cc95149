"""Control API under ``/_emulator``: knobs, counters, state dump and reset. No authentication."""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request, Response

from tsemulator import bulk
from tsemulator.builtins import ALL_GROUP
from tsemulator.errors import ApiError
from tsemulator.group_views import render_groups
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
            return _json(app.counters.to_json())
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
                made = bulk.populate(conn, body)
            log.info("populated %s", made)
            return _json(made)
        if action == ("POST", "/expire-tokens"):
            return _json({"expired": app.sessions.expire_all()})
        if action == ("GET", "/health"):
            return _json({"status": "ok"})
    except KnobError as error:
        return _json({"error": str(error)}, 400)
    except ApiError as error:
        return _json({"error": error.message}, 400)
    return _json({"error": f"no control endpoint {request.method} {request.path}"}, 404)


def dump_state(app: EmulatorApp) -> dict[str, Any]:
    """Return every user and group with their memberships, sorted by name, for assertions."""
    with app.db.read() as conn:
        groups_of: dict[int, list[str]] = defaultdict(list)
        for user_seq, group_name in conn.execute(
            "SELECT ug.user_seq, g.name FROM user_groups ug JOIN groups g ON g.seq = ug.group_seq"
            " ORDER BY g.name_key"
        ):
            groups_of[user_seq].append(group_name)
        users = []
        for row in conn.execute("SELECT * FROM users ORDER BY name_key").fetchall():
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
        group_rows = conn.execute("SELECT * FROM groups ORDER BY name_key").fetchall()
        rendered = render_groups(conn, group_rows)
        groups_out = []
        for row, group in zip(group_rows, rendered, strict=True):
            groups_out.append(
                {
                    "id": group["id"],
                    "name": group["name"],
                    "display_name": group["display_name"],
                    "description": group["description"],
                    "type": group["type"],
                    "visibility": group["visibility"],
                    "privileges": group["privileges"],
                    "builtin": bool(row["builtin"]),
                    # Every user is in All; listing them all again would only bloat the dump.
                    "users": []
                    if row["id"] == ALL_GROUP.id
                    else [user["name"] for user in group["users"]],
                    "sub_groups": [child["name"] for child in group["sub_groups"]],
                }
            )
    return {"users": users, "groups": groups_out}


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
