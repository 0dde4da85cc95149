"""An emulator of the ThoughtSpot REST API v2.0 users and groups endpoints.

It is a test and benchmark tool; ldap2ts itself never imports it. Use
``create_app`` for an in-process WSGI app (for ``httpx.WSGITransport``) or
run ``python -m tsemulator`` for a real HTTP server.
"""

from __future__ import annotations

from tsemulator.app import EmulatorApp
from tsemulator.config import EmulatorConfig


def create_app(config: EmulatorConfig | None = None) -> EmulatorApp:
    """Create an emulator, with fresh or persisted state as ``config.state`` sets."""
    return EmulatorApp(config or EmulatorConfig())


__all__ = ["EmulatorApp", "EmulatorConfig", "create_app"]
