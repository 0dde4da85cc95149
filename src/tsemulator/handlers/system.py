"""System information and orgs search (the emulator has one org)."""

from __future__ import annotations

from typing import Any

from tsemulator import builtins, fields
from tsemulator.context import Context, Reply
from tsemulator.principals import find_user

RELEASE_VERSION = "10.13.0.cl-tsemulator"


def system(ctx: Context) -> Reply:
    ctx.require("SYSTEM_INFO_ADMINISTRATION")
    with ctx.app.db.read() as conn:
        user_count = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    return Reply(
        200,
        {
            "id": builtins.CLUSTER_ID,
            "name": "tsemulator",
            "release_version": RELEASE_VERSION,
            "time_zone": "UTC",
            "locale": "en-US",
            "date_format": "MM/dd/yyyy",
            "api_version": "v2",
            "type": "SW",
            "environment": "DEV",
            "license": "EAE",
            "date_time_format": "MM/dd/yyyy h:mm a",
            "time_format": "HH:mm:ss",
            "system_user_id": builtins.SYSTEM_USER.id,
            "super_user_id": builtins.SUPER_USER.id,
            "tsadmin_user_id": builtins.TSADMIN.id,
            "hidden_object_id": builtins.builtin_id("object", "hidden"),
            "system_group_id": builtins.SYSTEM_GROUP.id,
            "admin_group_id": builtins.ADMIN_GROUP.id,
            "all_user_group_id": builtins.ALL_GROUP.id,
            "all_tables_connection_id": builtins.builtin_id("connection", "all-tables"),
            "accept_language": "en-US",
            "all_user_group_member_user_count": user_count,
            "logical_model_version": 1,
        },
    )


def orgs_search(ctx: Context) -> Reply:
    """Return the one default org when it matches the filters."""
    ctx.require("ORG_ADMINISTRATION")
    org: dict[str, Any] = {
        "id": builtins.DEFAULT_ORG_ID,
        "name": builtins.DEFAULT_ORG_NAME,
        "status": "ACTIVE",
        "description": "Primary org",
        "visibility": "SHOW",
    }
    identifier = fields.get_str(ctx.body, "org_identifier")
    if identifier is not None and identifier.casefold() not in {
        "0",
        builtins.DEFAULT_ORG_NAME.casefold(),
    }:
        return Reply(200, [])
    if fields.get_enum(ctx.body, "status", ("ACTIVE", "IN_ACTIVE")) == "IN_ACTIVE":
        return Reply(200, [])
    if fields.get_enum(ctx.body, "visibility", ("SHOW", "HIDDEN")) == "HIDDEN":
        return Reply(200, [])
    users = fields.get_str_list(ctx.body, "user_identifiers")
    if users:
        with ctx.app.db.read() as conn:
            if not any(find_user(conn, name) is not None for name in users):
                return Reply(200, [])
    return Reply(200, [org])
