"""Servers and helpers of the sync tests: a real slapd, the emulator, and the real ldap2ts CLI.

The slapd holds the small directory of ``directory.py`` and lives for the
whole session; the emulator (``ts_server``) is reset to its built-ins before
every test. ldap2ts runs as a subprocess of ``.venv/bin/ldap2ts`` with a
configuration file in the test's temporary folder.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from testkit.emulator import EmulatorServer
from testkit.slapd import Slapd

from tests.functional.sync import directory

LDAP2TS = Path(sys.executable).with_name("ldap2ts")
TS_PASSWORD = "admin"
"""Password of tsadmin in the emulator (EmulatorServer's default)."""
LDAP_PASSWORD = "Rd7-bind-pw-5813"
"""Password of the slapd's read-only account; unique, so that a test can search output for it."""

# Endpoint suffixes of every ThoughtSpot request that can change principals.
_WRITE_SUFFIXES = ("/create", "/update", "/delete", "/import", "/deactivate", "/activate")


@dataclass
class Run:
    """One finished ldap2ts process."""

    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("Error:")]


@pytest.fixture(scope="session")
def sync_slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slapd]:
    """A slapd with TLS (ldaps:// and StartTLS) holding the test directory."""
    with Slapd(tmp_path_factory.mktemp("sync-slapd"), suffix=directory.SUFFIX,
               reader_password=LDAP_PASSWORD, ldif=[directory.ldif()]) as server:
        yield server


def write_requests(server: EmulatorServer) -> dict[str, int]:
    """Return the requests, by endpoint, that could have changed a principal."""
    requests: dict[str, int] = server.counters()["requests"]
    return {
        endpoint: count
        for endpoint, count in requests.items()
        if endpoint.startswith("POST ") and endpoint.endswith(_WRITE_SUFFIXES)
    }


def config_text(slapd: Slapd, emulator: EmulatorServer, *, ldap: str = "", directory_: str = "",
                sync: str = "") -> str:
    """Return a configuration for the test directory; extra lines go into their sections."""
    return f"""\
[ldap]
url = "{slapd.url}"
bind_dn = "{slapd.reader_dn}"
password_file = "ldap.pw"
timeout = 5
{ldap}
[directory]
flavour = "OpenLDAP"
base_dn = "{directory.SUFFIX}"
{directory_}
[naming]
user_name_template = "{{uid}}@example.com"
group_name_template = "{{cn}}"

[thoughtspot]
url = "{emulator.url}"
username = "tsadmin"
password_file = "ts.pw"
timeout = 5
max_retries = 0

[sync]
max_removal_ratio = 0.5
{sync}"""


@pytest.fixture
def config_dir(tmp_path: Path, sync_slapd: Slapd) -> Path:
    """A folder with the two password files (mode 600) and a state folder."""
    (tmp_path / "ldap.pw").write_text(sync_slapd.reader_password + "\n")
    (tmp_path / "ts.pw").write_text(TS_PASSWORD + "\n")
    for name in ("ldap.pw", "ts.pw"):
        (tmp_path / name).chmod(0o600)
    (tmp_path / "state").mkdir()
    return tmp_path


@pytest.fixture
def write_config(config_dir: Path, sync_slapd: Slapd, ts_server: EmulatorServer) -> Any:
    """Write ldap2ts.toml (mode 600) with extra lines per section; return its path."""

    def write(**sections: str) -> Path:
        path = config_dir / "ldap2ts.toml"
        text = config_text(sync_slapd, ts_server, **sections)
        text = text.replace("[sync]\n", f'[sync]\nstate_dir = "{config_dir / "state"}"\n')
        path.write_text(text)
        path.chmod(0o600)
        return path

    return write


def clean_environment(home: Path) -> dict[str, str]:
    """The environment of an ldap2ts run: no LDAP2TS_ variable of the caller, a private HOME."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("LDAP2TS_")}
    environ["HOME"] = str(home)
    return environ


def run_ldap2ts(*arguments: str, cwd: Path, env: dict[str, str] | None = None,
                timeout: float = 60) -> Run:
    """Run the real ldap2ts with standard input closed (not a terminal)."""
    environ = clean_environment(cwd)
    environ.update(env or {})
    process = subprocess.run(
        [str(LDAP2TS), *arguments], cwd=cwd, env=environ, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, timeout=timeout, check=False,
    )
    return Run(process.returncode, process.stdout, process.stderr)


@pytest.fixture
def ldap2ts(config_dir: Path) -> Any:
    """Run ldap2ts in the test's folder: ``ldap2ts("plan", "-c", path)``."""

    def run(*arguments: str, env: dict[str, str] | None = None) -> Run:
        return run_ldap2ts(*arguments, cwd=config_dir, env=env)

    return run


def closed_port() -> int:
    """Return a loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers (for timeouts)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    done = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            accepted.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        done.set()
        thread.join(5)
        for connection in accepted:
            connection.close()
        listener.close()
