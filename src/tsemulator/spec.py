"""Validation of requests and responses against the official OpenAPI file with openapi-core.

The file is read from where it lies at run time and is never copied. Two
changes are made to the in-memory copy, both to match what clusters do:

* ``auth/session/login`` declares no security of its own, so the global
  bearer requirement would reject every login with a username and password.
  The login operation gets ``security: []``.
* Clusters accept the session cookie set by login wherever they accept a
  bearer token, but the file does not declare it. A ``JSESSIONID`` cookie
  scheme is added as an alternative to every bearer requirement.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path
from typing import Any

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from tsemulator.sessions import SESSION_COOKIE

log = logging.getLogger(__name__)

LOGIN_PATH = "/api/rest/2.0/auth/session/login"


@functools.cache
def load_spec(path: Path) -> OpenAPI:
    """Read and prepare the spec once per process; the file is about 1.4 MB."""
    log.info("loading OpenAPI spec from %s", path)
    with path.open(encoding="utf-8") as stream:
        document: dict[str, Any] = json.load(stream)
    _accept_session_cookie(document)
    document["paths"][LOGIN_PATH]["post"]["security"] = []
    return OpenAPI.from_dict(document)


def _accept_session_cookie(document: dict[str, Any]) -> None:
    schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
    schemes["sessionCookie"] = {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE}
    cookie: dict[str, list[str]] = {"sessionCookie": []}
    document["security"] = [*document.get("security", []), cookie]
    for operations in document["paths"].values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            requirements = operation.get("security")
            if requirements and any("bearerAuth" in requirement for requirement in requirements):
                operation["security"] = [*requirements, cookie]


class SpecRequest:
    """The request as openapi-core reads it, with path parameters percent-encoded again."""

    def __init__(
        self,
        *,
        host_url: str,
        path: str,
        method: str,
        body: bytes,
        content_type: str,
        headers: Headers,
        cookies: dict[str, str],
        query: ImmutableMultiDict[str, str],
    ) -> None:
        self.host_url = host_url
        self.path = path
        self.method = method.lower()
        self.body = body or None
        self.content_type = content_type or "application/octet-stream"
        self.parameters = RequestParameters(query=query, header=headers, cookie=cookies)


class SpecResponse:
    """A response as openapi-core reads it."""

    def __init__(self, status_code: int, data: bytes, content_type: str, headers: Headers) -> None:
        self.status_code = status_code
        self.data = data or None
        self.content_type = content_type
        self.headers = headers


def request_errors(spec: OpenAPI, request: SpecRequest) -> list[str]:
    """Return what makes a request invalid against the spec, or an empty list."""
    return [describe(error) for error in spec.iter_request_errors(request)]


def response_errors(spec: OpenAPI, request: SpecRequest, response: SpecResponse) -> list[str]:
    """Return what makes a response invalid against the spec, or an empty list."""
    return [describe(error) for error in spec.iter_response_errors(request, response)]


def describe(error: Exception) -> str:
    """Summarize an openapi-core error, listing each schema error on its own."""
    cause = error.__cause__
    schema_errors = getattr(cause, "schema_errors", None)
    if schema_errors:
        details = "; ".join(_schema_error(item) for item in schema_errors)
        return f"{error.__class__.__name__}: {details}"
    return str(error)


def _schema_error(item: Any) -> str:
    location = "/".join(str(part) for part in getattr(item, "absolute_path", []))
    message = getattr(item, "message", str(item))
    return f"{message} at '{location}'" if location else str(message)
