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

    The spec documents only ``{"error": object}``. ThoughtSpot nests the text
    as ``error.message.debug.debug``, a JSON-encoded list of strings, next to
    a numeric ``code``; other shapes fall back to compact JSON.
    """
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return response.text.strip()[:_MAX_MESSAGE] or None
    error: Any = body.get("error", body) if isinstance(body, dict) else body
    if error is None:
        return None
    text = _find_text(error, depth=0) or json.dumps(error, ensure_ascii=False)
    code = _find_code(error, depth=0)
    if code is not None and str(code) not in text:
        text = f"{text} (code {code})"
    return text[:_MAX_MESSAGE]


def _find_text(value: Any, depth: int) -> str | None:
    """Return the first message text found under the usual keys, searching nested objects."""
    if depth > 5:
        return None
    if isinstance(value, str):
        return _decode_list(value) or None
    if isinstance(value, list):
        parts = [item for item in value if isinstance(item, str) and item]
        return "; ".join(parts) or None
    if isinstance(value, dict):
        for key in ("message", "debug", "description", "detail", "error"):
            found = _find_text(value.get(key), depth + 1)
            if found:
                return found
    return None


def _decode_list(text: str) -> str:
    """Turn a JSON-encoded list of strings (``'["a", "b"]'``) into ``a; b``; other text is kept."""
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError:
            return stripped
        if isinstance(items, list) and all(isinstance(item, str) for item in items):
            return "; ".join(items)
    return stripped


def _find_code(value: Any, depth: int) -> int | None:
    if depth > 5 or not isinstance(value, dict):
        return None
    code = value.get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        return code
    for item in value.values():
        found = _find_code(item, depth + 1)
        if found is not None:
            return found
    return None


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
    if is_plain_http_reply(exc):
        http_url = "http://" + base_url.split("://", 1)[-1]
        return (
            f"TLS handshake with ThoughtSpot at {base_url} failed ({text}); the server at that "
            f"port may speak plain HTTP: use {http_url} in thoughtspot.url, or the port of "
            "its HTTPS listener (usually 443)"
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


_NOT_TLS_REASONS = ("WRONG_VERSION_NUMBER", "PACKET_LENGTH_TOO_LONG", "RECORD_LAYER_FAILURE")
"""OpenSSL reasons for a reply that is not a TLS record, such as plain HTTP (OpenSSL 1.1 to 3.x)."""


def is_plain_http_reply(exc: BaseException) -> bool:
    """Tell whether a TLS handshake failed because the server did not answer in TLS."""
    current: BaseException | None = exc
    while current is not None:
        if isinstance(current, ssl.SSLError) and current.reason in _NOT_TLS_REASONS:
            return True
        if any(reason in str(current) for reason in _NOT_TLS_REASONS):
            return True
        current = current.__cause__ or current.__context__
    return False


def _is_certificate_error(exc: BaseException) -> bool:
    current: BaseException | None = exc
    while current is not None:
        if isinstance(current, ssl.SSLCertVerificationError):
            return True
        if "CERTIFICATE_VERIFY_FAILED" in str(current):
            return True
        current = current.__cause__ or current.__context__
    return False
