"""A threaded HTTP server around the WSGI app."""

from __future__ import annotations

import logging

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from tsemulator.app import EmulatorApp

log = logging.getLogger(__name__)


class _QuietHandler(WSGIRequestHandler):
    """Send werkzeug's per-request access lines to our logger at debug level."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        log.debug("%s %s %s", self.address_string(), self.requestline, code)

    def log(self, type: str, message: str, *args: object) -> None:
        log.debug(message, *args)


def make_emulator_server(app: EmulatorApp, host: str, port: int) -> BaseWSGIServer:
    """Bind a thread-per-request server; port 0 lets the system pick a free port."""
    return make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
