"""API errors and the body shape that ThoughtSpot clusters return for them."""

from __future__ import annotations

import json
import uuid
from typing import Any

# Internal error codes that live clusters put next to each HTTP status.
ERROR_CODES = {400: 10002, 401: 10097, 403: 10023, 500: 10000, 503: 10000, 429: 10000}


class ApiError(Exception):
    """An error returned to the caller as a documented status and an error body."""

    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(ApiError):
    """Invalid request: malformed body, unknown principal, rule violated (400)."""

    status = 400


class Unauthorized(ApiError):
    """Missing, expired or revoked token, or wrong credentials (401)."""

    status = 401


class Forbidden(ApiError):
    """The caller lacks the privilege the endpoint needs (403)."""

    status = 403


def error_body(status: int, message: str) -> dict[str, Any]:
    """Build the error body in the shape live clusters send.

    The message is a JSON-encoded list of strings inside ``debug``, as observed
    on ThoughtSpot Cloud, so clients have to parse it the same way.
    """
    return {
        "error": {
            "message": {
                "debug": {
                    "code": ERROR_CODES.get(status, 10000),
                    "incident_id_guid": str(uuid.uuid4()),
                    "trace_id_guid": "tracing-disabled",
                    "debug": json.dumps([message]),
                }
            }
        }
    }
