"""Controllers for the ThoughtSpot emulator: a real server in a subprocess, or an in-process app.

Both expose the same helpers over the emulator's control API (``/_emulator``):
knobs, request counters, a state dump and a reset to the built-in principals.

    with EmulatorServer(spec=path) as server:
        httpx.post(server.api_url + "/auth/token/full", json={...})
        assert server.counters()["writes"] == 0
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from tsemulator import EmulatorApp, EmulatorConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
API_PREFIX = "/api/rest/2.0"
IN_PROCESS_URL = "http://tsemulator.localhost"
"""Base URL of in-process emulators; requests never leave the process."""

_LISTENING = re.compile(r"tsemulator listening on (http://\S+)")


class EmulatorStartError(RuntimeError):
    """The emulator process exited or printed no URL in time."""


class _Control:
    """Helpers over the control API, shared by both controllers."""

    url: str
    _control: httpx.Client

    @property
    def api_url(self) -> str:
        return self.url + API_PREFIX

    def knobs(self) -> dict[str, Any]:
        return self._get("/knobs")

    def set_knobs(self, **knobs: Any) -> dict[str, Any]:
        """Change knobs, e.g. ``set_knobs(fault_rate=0.2, fault_seed=7)``; return them all."""
        return self._post("/knobs", knobs)

    def counters(self) -> dict[str, Any]:
        """Return ``total``, ``writes`` and counts per endpoint, keyed like ``POST /api/...``."""
        return self._get("/counters")

    def reset_counters(self) -> None:
        """Zero the counters and empty the request log."""
        self._post("/reset-counters", {})

    def requests(self) -> list[dict[str, Any]]:
        """Return the last API requests, oldest first, each with ``endpoint``, ``path``,
        ``status`` and ``body`` (secrets replaced by ``"***"``)."""
        entries: list[dict[str, Any]] = self._get("/requests")["requests"]
        return entries

    def state(self) -> dict[str, Any]:
        """Return every user and group, with direct memberships by name."""
        return self._get("/state")

    def reset(self) -> None:
        """Restore the built-in principals only; tokens stay valid."""
        self._post("/reset", {})

    def load(
        self,
        *,
        users: list[dict[str, Any]] | None = None,
        groups: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Insert principals directly, bypassing the API and its counters.

        Users take ``name``, ``display_name``, ``email``, ``account_type``,
        ``account_status``, ``password``, ``extended_properties`` and
        ``groups`` (names); groups take ``name``, ``display_name``, ``type``,
        ``description``, ``privileges`` and ``sub_groups`` (names).
        """
        return self._post("/load", {"users": users or [], "groups": groups or []})

    def populate(
        self,
        *,
        users: int = 0,
        groups: int = 0,
        memberships: int = 0,
        nested: int = 0,
        seed: int = 0,
        prefix: str = "",
    ) -> dict[str, Any]:
        """Add a synthetic population of LDAP users ``{prefix}user000000`` and groups
        ``{prefix}group00000``: ``memberships`` spread evenly over the users and
        ``nested`` acyclic nesting links, chosen by a generator seeded with ``seed``."""
        body = {
            "users": users,
            "groups": groups,
            "memberships": memberships,
            "nested": nested,
            "seed": seed,
            "prefix": prefix,
        }
        return self._post("/populate", body)

    def expire_tokens(self) -> int:
        """Expire every token and session now; return how many there were."""
        return int(self._post("/expire-tokens", {})["expired"])

    def token(self, username: str = "tsadmin", password: str = "admin") -> str:
        """Get a bearer token through the API (counted like any other request)."""
        response = self._control.post(
            API_PREFIX + "/auth/token/full", json={"username": username, "password": password}
        )
        response.raise_for_status()
        return str(response.json()["token"])

    def _get(self, path: str) -> dict[str, Any]:
        response = self._control.get("/_emulator" + path)
        response.raise_for_status()
        payload: dict[str, Any] = response.json()
        return payload

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self._control.post("/_emulator" + path, json=body)
        if response.status_code == 400:
            raise ValueError(response.json()["error"])
        response.raise_for_status()
        payload: dict[str, Any] = response.json()
        return payload


class EmulatorServer(_Control):
    """Run ``python -m tsemulator`` on a free loopback port until ``stop()``."""

    def __init__(
        self,
        *,
        state: str | Path = ":memory:",
        admin_password: str = "admin",
        spec: Path | None = None,
        allowed_email_domains: tuple[str, ...] = (),
        secret_key: str | None = None,
        latency_ms: int = 0,
        fault_rate: float = 0.0,
        fault_seed: int = 0,
        fault_kind: str = "before",
        rate_limit: str | None = None,
        token_validity: int | None = None,
        token_max_uses: int | None = None,
        verbose: bool = False,
        start_timeout: float = 30.0,
    ) -> None:
        self.args = [
            "--host", "127.0.0.1",
            "--port", "0",
            "--state", str(state),
            "--admin-password", admin_password,
            "--latency-ms", str(latency_ms),
            "--fault-rate", str(fault_rate),
            "--fault-seed", str(fault_seed),
            "--fault-kind", fault_kind,
        ]  # fmt: skip
        optional = {
            "--spec": spec,
            "--secret-key": secret_key,
            "--rate-limit": rate_limit,
            "--token-validity": token_validity,
            "--token-max-uses": token_max_uses,
            "--allowed-email-domains": ",".join(allowed_email_domains) or None,
        }
        for flag, value in optional.items():
            if value is not None:
                self.args += [flag, str(value)]
        if verbose:
            self.args.append("--verbose")
        self.start_timeout = start_timeout
        self.url = ""
        self.process: subprocess.Popen[str] | None = None
        self.log_path: Path | None = None
        """Standard error of the process while it runs; deleted by ``stop()``."""

    def start(self) -> Self:
        """Start the process and wait for its URL line; raise EmulatorStartError on failure."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(REPO_ROOT / "src"), env.get("PYTHONPATH")])
        )
        with tempfile.NamedTemporaryFile(
            prefix="tsemulator-", suffix=".log", delete=False
        ) as log_file:
            self.log_path = Path(log_file.name)
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tsemulator", *self.args],
                stdout=subprocess.PIPE,
                stderr=log_file,
                stdin=subprocess.DEVNULL,
                text=True,
                env=env,
            )
        self.url = self._read_url(self.process)
        self._control = httpx.Client(base_url=self.url, timeout=30.0)
        return self

    def _read_url(self, process: subprocess.Popen[str]) -> str:
        stdout = process.stdout
        assert stdout is not None
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.start_timeout)
        match = _LISTENING.search(lines[0]) if lines else None
        if match is None:
            exit_code = process.poll()
            tail = self.log_tail()
            self.stop()
            if exit_code is None:
                problem = f"printed no URL within {self.start_timeout:.0f} s"
            else:
                problem = f"exited with code {exit_code} before listening"
            raise EmulatorStartError(f"tsemulator {problem}; its log ended with:\n{tail}")
        return match.group(1)

    def log_tail(self, lines: int = 20) -> str:
        """Return the last lines the process wrote on standard error."""
        if self.log_path is None:
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Stop the process: SIGTERM, then SIGKILL after 10 s."""
        if getattr(self, "_control", None) is not None:
            self._control.close()
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None
        if self.log_path is not None:
            self.log_path.unlink(missing_ok=True)
            self.log_path = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()


class InProcessEmulator(_Control):
    """An emulator app in this process, reached through ``httpx.WSGITransport``."""

    def __init__(self, config: EmulatorConfig | None = None, **settings: Any) -> None:
        self.config = config or EmulatorConfig(**settings)
        self.app = EmulatorApp(self.config)
        self.url = IN_PROCESS_URL
        self.transport = httpx.WSGITransport(app=self.app)
        self._control = httpx.Client(transport=self.transport, base_url=self.url)

    def client(self, **kwargs: Any) -> httpx.Client:
        """Return an httpx client bound to the app; pass headers, timeout and so on."""
        return httpx.Client(transport=self.transport, base_url=self.url, **kwargs)

    def close(self) -> None:
        self._control.close()
        self.app.close()


def in_process_transport(
    config: EmulatorConfig | None = None, **settings: Any
) -> httpx.WSGITransport:
    """Return a transport to a new in-process emulator, for ``ThoughtSpotClient(transport=...)``."""
    return InProcessEmulator(config, **settings).transport
