"""Translation of httpx failures and ThoughtSpot error responses into ThoughtSpotError.

Every message names the value at fault and the setting that fixes it, so the
command line can show it as one ``Error:`` line.
"""

from __future__ import annotations

import json
import ssl
from typing import Any

import httpx

from ldap2ts.errors import ThoughtSpotError

__all__ = [
    "ThoughtSpotError",
    "error_from_response",
    "error_from_transport",
    "server_message",
]

_MAX_MESSAGE = 300


def server_message(response: httpx.Response) -> str | None:
    """Extract the server's own words from an ``{"error": ...}`` body, if any.

    ThoughtSpot documents only ``{"error": object}``; the inner shape varies
    between releases, so common keys are tried in turn and anything else is
    shown as compact JSON.
    """
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        text = response.text.strip()
        return text[:_MAX_MESSAGE] or None
    error: Any = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(error, dict):
        for key in ("message", "debug", "description", "detail"):
            value = error.get(key)
            if isinstance(value, str) and value:
                return value[:_MAX_MESSAGE]
            if isinstance(value, dict) and isinstance(value.get("message"), str):
                return str(value["message"])[:_MAX_MESSAGE]
    if isinstance(error, str):
        return error[:_MAX_MESSAGE] or None
    if error is None:
        return None
    return json.dumps(error, ensure_ascii=False)[:_MAX_MESSAGE]


def error_from_response(
    response: httpx.Response, endpoint: str, username: str, org_id: int | None = None
) -> ThoughtSpotError:
    """Build the error for a ThoughtSpot response with a 4xx or 5xx status."""
    status = response.status_code
    server_text = server_message(response)
    detail = f": {server_text}" if server_text else ""
    if endpoint.endswith("/auth/token/full") and status in (400, 401):
        org = f" and thoughtspot.org_id ({org_id})" if org_id is not None else ""
        message = (
            f"ThoughtSpot rejected the login of user {username!r} (HTTP {status}{detail}); "
            f"check thoughtspot.username, the password or secret_key{org}"
        )
    elif status == 401:
        message = (
            f"ThoughtSpot rejected the access token on {endpoint} (HTTP 401{detail}); "
            "check that user "
            f"{username!r} may still log in"
        )
    elif status == 403:
        message = (
            f"ThoughtSpot user {username!r} is not allowed to call {endpoint} (HTTP 403{detail}); "
            "log in with an account that has the ADMINISTRATION privilege"
        )
    else:
        message = f"ThoughtSpot {endpoint} failed with HTTP {status}{detail}"
    return ThoughtSpotError(message, status=status, endpoint=endpoint, server_message=server_text)


def error_from_transport(
    exc: httpx.TransportError, base_url: str, endpoint: str
) -> ThoughtSpotError:
    """Build the error for a request that got no HTTP response at all."""
    reason = _transport_reason(exc, base_url)
    return ThoughtSpotError(reason, endpoint=endpoint)


def _transport_reason(exc: httpx.TransportError, base_url: str) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return (
            f"ThoughtSpot at {base_url} timed out ({type(exc).__name__}); check that the "
            "host and port in thoughtspot.url are right, or raise thoughtspot.timeout"
        )
    if _is_certificate_error(exc):
        return (
            f"the TLS certificate of ThoughtSpot at {base_url} is not trusted ({text}); "
            "set thoughtspot.ca_file to the CA bundle that signed it, "
            "or set thoughtspot.verify_tls to false (not recommended)"
        )
    if isinstance(exc, httpx.ConnectError):
        lowered = text.lower()
        if "refused" in lowered:
            return (
                f"cannot connect to ThoughtSpot at {base_url}: connection refused; "
                "check the port in thoughtspot.url"
            )
        if (
            "name or service not known" in lowered
            or "nodename nor servname" in lowered
            or ("name resolution" in lowered)
            or "no address associated" in lowered
            or "getaddrinfo" in lowered
        ):
            return (
                f"cannot connect to ThoughtSpot at {base_url}: host not found ({text}); "
                "check the host name in thoughtspot.url"
            )
        return (
            f"cannot connect to ThoughtSpot at {base_url} ({text}); "
            "check the host and port in thoughtspot.url and the network between them"
        )
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"invalid ThoughtSpot URL {base_url} ({text}); use https://HOST[:PORT]"
    return (
        f"the connection to ThoughtSpot at {base_url} failed ({type(exc).__name__}: {text}); "
        "check the host and port in thoughtspot.url"
    )


def _is_certificate_error(exc: BaseException) -> bool:
    current: BaseException | None = exc
    while current is not None:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False
