"""The ThoughtSpot base URL and REST API v2.0 paths."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from ldap2ts.errors import ConfigError

API_PREFIX = "/api/rest/2.0"
_SCHEMES = ("https", "http")


def parse_base_url(text: str) -> httpx.URL:
    """Validate ``thoughtspot.url`` and return it without query, fragment or trailing slash.

    Raises ConfigError naming the value and the expected form.
    """
    expected = "expected https://HOST[:PORT], for example https://company.thoughtspot.cloud"
    stripped = text.strip()
    if not stripped:
        raise ConfigError(f"missing ThoughtSpot URL; {expected}", key="thoughtspot.url")
    if "://" not in stripped:
        raise ConfigError(
            f"invalid ThoughtSpot URL {stripped!r}: no scheme; {expected}", key="thoughtspot.url"
        )
    try:
        url = httpx.URL(stripped)
    except httpx.InvalidURL as exc:
        raise ConfigError(
            f"invalid ThoughtSpot URL {stripped!r} ({exc}); {expected}", key="thoughtspot.url"
        ) from exc
    if url.scheme not in _SCHEMES:
        raise ConfigError(
            f"unsupported scheme {url.scheme!r} in ThoughtSpot URL {stripped!r}; {expected}",
            key="thoughtspot.url",
        )
    if not url.host:
        raise ConfigError(
            f"invalid ThoughtSpot URL {stripped!r}: no host; {expected}", key="thoughtspot.url"
        )
    if url.port is not None and not 0 < url.port < 65536:
        raise ConfigError(
            f"invalid ThoughtSpot URL {stripped!r}: port {url.port} is out of range; {expected}",
            key="thoughtspot.url",
        )
    if url.query or url.fragment:
        raise ConfigError(
            f"invalid ThoughtSpot URL {stripped!r}: remove the query and fragment; {expected}",
            key="thoughtspot.url",
        )
    return url.copy_with(path=url.path.rstrip("/") or "")


def api_path(*segments: str) -> str:
    """Join fixed path segments under the API prefix: ``api_path("users", "search")``."""
    return "/".join((API_PREFIX, *segments))


def principal_path(kind: str, identifier: str, verb: str) -> str:
    """Return ``/api/rest/2.0/{kind}/{identifier}/{verb}`` with the identifier percent-encoded.

    Names may contain ``/``, ``?``, ``#``, ``%`` or spaces, so every character
    outside the unreserved set is encoded, slashes included.
    """
    return api_path(kind, quote(identifier, safe=""), verb)
