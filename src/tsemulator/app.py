"""The WSGI application: knobs, authentication, spec validation, then the handler."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.wrappers import Request, Response

from tsemulator import control, membership, spec
from tsemulator.config import EmulatorConfig
from tsemulator.context import Caller, Context, RawJson, Reply
from tsemulator.db import Database
from tsemulator.errors import ApiError, BadRequest, Unauthorized, error_body
from tsemulator.knobs import Counters, Knobs
from tsemulator.request_log import RequestLog
from tsemulator.routes import Route, build_map
from tsemulator.sessions import SESSION_COOKIE, SessionStore

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

MAX_LOGGED_BODY = 64 * 1024
"""Bodies larger than this many bytes are logged by size only, to bound memory."""


class EmulatorApp:
    """A ThoughtSpot REST API v2.0 emulator as a WSGI callable."""

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self.db = Database(config.state, config.admin_password)
        self.knobs = Knobs(config)
        self.sessions = SessionStore(self.knobs)
        self.counters = Counters()
        self.requests = RequestLog()
        self.spec = spec.load_spec(config.spec) if config.spec is not None else None
        self.url_map = build_map()

    def close(self) -> None:
        self.db.close()

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        started = time.perf_counter()
        response = self.dispatch(request)
        elapsed = (time.perf_counter() - started) * 1000
        log.debug(
            "%s %s -> %d in %.1f ms", request.method, request.path, response.status_code, elapsed
        )
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path == control.PREFIX or request.path.startswith(control.PREFIX + "/"):
            return control.handle(self, request)
        adapter = self.url_map.bind_to_environ(request.environ)
        try:
            route, params = adapter.match()
        except NotFound:
            return _error(404, f"No endpoint {request.method} {request.path}.")
        except MethodNotAllowed:
            return _error(405, f"Method {request.method} is not allowed on {request.path}.")
        assert isinstance(route, Route)
        status, response, wrote = self._serve(route, dict(params), request)
        self.counters.record(route.endpoint, status, wrote=wrote)
        self.requests.record(route.endpoint, request.path, status, _logged_body(request))
        return response

    def _serve(
        self, route: Route, params: dict[str, str], request: Request
    ) -> tuple[int, Response, bool]:
        """Run one API request through the knobs, checks and handler."""
        if self.knobs.latency_ms:
            time.sleep(self.knobs.latency_ms / 1000)
        retry_after = self.knobs.take_rate_slot()
        if retry_after is not None:
            response = _error(429, "Too many requests. Retry later.")
            response.headers["Retry-After"] = str(retry_after)
            return 429, response, False
        fault = self.knobs.draw_fault(route.endpoint)
        if fault == "before":
            status = self.knobs.fault_status
            log.debug("injected fault %d before %s", status, route.endpoint)
            return status, _error(status, "Injected fault: the request was not applied."), False

        spec_request = self._spec_request(route, params, request) if self.spec is not None else None
        ctx: Context | None = None
        try:
            caller = self._optional_caller(request) if route.public else self._authenticate(request)
            if spec_request is not None:
                self._validate_request(spec_request)
            ctx = Context(self, request, _parse_body(route, request), caller)
            reply = route.handler(ctx, **params)
        except ApiError as error:
            log.debug("%s rejected with %d: %s", route.endpoint, error.status, error.message)
            reply = Reply(error.status, error_body(error.status, error.message))
        except Exception:
            log.exception("unexpected error in %s", route.endpoint)
            reply = Reply(500, error_body(500, "Unexpected server error."))
        wrote = ctx is not None and ctx.wrote

        if fault == "after":
            log.debug("injected fault 500 after %s (changes kept: %s)", route.endpoint, wrote)
            return 500, _error(500, "Injected fault after the request was applied."), wrote
        response = _reply_response(reply)
        if spec_request is not None:
            response = self._validate_response(route, spec_request, response)
        return response.status_code, response, wrote

    def _optional_caller(self, request: Request) -> Caller | None:
        """Authenticate a request to a public endpoint if it carries valid credentials."""
        if not (request.headers.get("Authorization") or request.cookies.get(SESSION_COOKIE)):
            return None
        try:
            return self._authenticate(request)
        except Unauthorized:
            return None

    def _authenticate(self, request: Request) -> Caller:
        """Find the caller from the bearer token or else the session cookie."""
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if header and scheme.lower() != "bearer":
            raise Unauthorized(
                "Unsupported authorization scheme; send 'Authorization: Bearer <token>'."
            )
        token = token.strip() or request.cookies.get(SESSION_COOKIE, "")
        if not token:
            raise Unauthorized("Authentication required: no bearer token or session cookie.")
        session = self.sessions.lookup(token)
        if session is None:
            raise Unauthorized("The token or session is invalid or has expired.")
        with self.db.read() as conn:
            row = conn.execute("SELECT * FROM users WHERE id = ?", (session.user_id,)).fetchone()
            if row is None or row["account_status"] != "ACTIVE":
                self.sessions.revoke(token)
                raise Unauthorized("The user of this token no longer exists or is not active.")
            privileges = frozenset(membership.effective_privileges(conn, row["seq"]))
        return Caller(
            row["id"], row["seq"], row["name"], privileges, bool(row["super_user"]), session
        )

    def _spec_request(
        self, route: Route, params: dict[str, str], request: Request
    ) -> spec.SpecRequest:
        path = route.template
        for key, value in params.items():
            path = path.replace("{" + key + "}", quote(value, safe=""))
        return spec.SpecRequest(
            host_url=request.host_url.rstrip("/"),
            path=path,
            method=request.method,
            body=request.get_data(),
            content_type=request.content_type or "",
            headers=request.headers,
            cookies=dict(request.cookies),
            query=ImmutableMultiDict(request.args),
        )

    def _validate_request(self, spec_request: spec.SpecRequest) -> None:
        assert self.spec is not None
        errors = spec.request_errors(self.spec, spec_request)
        if errors:
            raise BadRequest("Request does not match the API specification: " + " | ".join(errors))

    def _validate_response(
        self, route: Route, spec_request: spec.SpecRequest, response: Response
    ) -> Response:
        """Return the response, or a 500 when it does not match the spec (a bug in the emulator)."""
        assert self.spec is not None
        spec_response = spec.SpecResponse(
            response.status_code, response.get_data(), response.content_type or "", response.headers
        )
        errors = spec.response_errors(self.spec, spec_request, spec_response)
        if not errors:
            return response
        log.error(
            "response of %s does not match the API specification: %s",
            route.endpoint,
            " | ".join(errors),
        )
        return _error(500, "Response does not match the API specification: " + " | ".join(errors))


def _logged_body(request: Request) -> Any:
    """Return the request body for the request log: JSON, text if it is not JSON, or its size."""
    data = request.get_data()
    if not data.strip():
        return None
    if len(data) > MAX_LOGGED_BODY:
        return {"omitted_bytes": len(data)}
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", errors="replace")


def _parse_body(route: Route, request: Request) -> dict[str, Any]:
    """Decode the JSON body; endpoints without a body get an empty dict."""
    data = request.get_data()
    if not route.has_body or not data.strip():
        return {}
    try:
        body = json.loads(data)
    except ValueError as error:
        raise BadRequest(f"Request body is not valid JSON: {error}.") from None
    if not isinstance(body, dict):
        raise BadRequest("Request body must be a JSON object.")
    return body


def _reply_response(reply: Reply) -> Response:
    if reply.body is None and reply.status == 204:
        response = Response(status=204)
    else:
        if isinstance(reply.body, RawJson):
            payload = reply.body.text
        else:
            payload = json.dumps(reply.body, separators=(",", ":"))
        response = Response(payload, status=reply.status, content_type="application/json")
    for name, value in reply.headers:
        response.headers.add(name, value)
    return response


def _error(status: int, message: str) -> Response:
    return Response(
        json.dumps(error_body(status, message)), status=status, content_type="application/json"
    )
