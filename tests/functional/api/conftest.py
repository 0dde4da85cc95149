"""A small sample company in a real slapd, the emulator, and runners for the CLI and the examples.

The directory is the seeded sample company (40 staff, 3 partners outside
``ou=Corp``) with two additions the example hooks read: the first three
staff are contractors (``employeeType``), and every staff member has a
``departmentNumber``.
"""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from testkit import sample
from testkit.emulator import EmulatorServer
from testkit.slapd import Slapd

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "examples"
BIN = Path(sys.executable).parent
LDAP2TS = BIN / "ldap2ts"
LDAP_PASSWORD = "Api-reader-pw-4471"
"""Password of the slapd's read-only account; unique, so that a test can search output for it."""
TS_PASSWORD = "admin"
CONTRACTORS = 3
DEPARTMENTS = ("Sales EMEA", "Engineering", "Finance")


@dataclass(frozen=True)
class Company:
    server: Slapd
    directory: sample.SampleDirectory

    @property
    def staff(self) -> list[sample.SampleUser]:
        return self.directory.users

    @property
    def contractors(self) -> list[sample.SampleUser]:
        return self.directory.users[:CONTRACTORS]

    def department_of(self, user: sample.SampleUser) -> str:
        return DEPARTMENTS[self.directory.users.index(user) % len(DEPARTMENTS)]


def _dn_line(dn: str) -> str:
    """Return the LDIF dn line, base64-encoded when the DN is not plain ASCII (RFC 2849)."""
    if dn.isascii():
        return f"dn: {dn}"
    return f"dn:: {base64.b64encode(dn.encode()).decode()}"


def _additions(directory: sample.SampleDirectory) -> str:
    blocks = []
    for index, user in enumerate(directory.users):
        lines = [_dn_line(user.dn), "changetype: modify",
                 "add: departmentNumber", f"departmentNumber: {DEPARTMENTS[index % 3]}", "-"]
        if index < CONTRACTORS:
            lines += ["add: employeeType", "employeeType: Contractor", "-"]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


@pytest.fixture(scope="session")
def company(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Company]:
    directory = sample.openldap_company(users=40, partners=3)
    server = Slapd(tmp_path_factory.mktemp("api-slapd"), tls=False,
                   reader_password=LDAP_PASSWORD, ldif=[directory.ldif])
    with server:
        server.modify_ldif(_additions(directory))
        yield Company(server, directory)


def config_text(company: Company, emulator: EmulatorServer, folder: Path, username: str,
                **extra: str) -> str:
    """Return a configuration for the company; ``extra`` maps a section to more lines."""
    return f"""\
[ldap]
url = "{company.server.url}"
bind_dn = "{company.server.reader_dn}"
password_file = "ldap.pw"
timeout = 5
{extra.get("ldap", "")}
[directory]
flavour = "OpenLDAP"
base_dn = "{company.directory.base}"
extra_attributes = ["employeeType", "departmentNumber"]
{extra.get("directory", "")}
[naming]
user_name_template = "{{uid}}@example.com"
group_name_template = "{{cn}}"
{extra.get("naming", "")}
[thoughtspot]
url = "{emulator.url}"
username = "{username}"
password_file = "ts.pw"
timeout = 10
max_retries = 0

[sync]
state_dir = "{folder / "state"}"
max_removal_ratio = 0.5
{extra.get("sync", "")}"""


@pytest.fixture
def folder(tmp_path: Path, company: Company) -> Path:
    """The test's folder, with the password files (mode 600) and a state folder."""
    (tmp_path / "ldap.pw").write_text(LDAP_PASSWORD + "\n")
    (tmp_path / "ts.pw").write_text(TS_PASSWORD + "\n")
    for name in ("ldap.pw", "ts.pw"):
        (tmp_path / name).chmod(0o600)
    (tmp_path / "state").mkdir()
    return tmp_path


@pytest.fixture
def write_config(folder: Path, company: Company, ts_server: EmulatorServer) -> Any:
    """Write ldap2ts.toml in the test's folder with extra lines per section; return its path."""

    def write(username: str = "tsadmin", **extra: str) -> Path:
        path = folder / "ldap2ts.toml"
        path.write_text(config_text(company, ts_server, folder, username, **extra))
        path.chmod(0o600)
        return path

    return write


SERVICE_ACCOUNT = "ldap2ts-svc"
SERVICE_PASSWORD = "Ts-svc-pw-3318"
"""A ThoughtSpot administrator whose password appears nowhere else, for secret greps."""


@pytest.fixture
def service_account(ts_server: EmulatorServer, folder: Path) -> str:
    """Add an administrator with a unique password to the emulator; write it to ts.pw."""
    ts_server.load(users=[{
        "name": SERVICE_ACCOUNT, "display_name": "ldap2ts service", "account_type": "LOCAL_USER",
        "password": SERVICE_PASSWORD, "groups": ["Administrator"],
    }])  # fmt: skip
    (folder / "ts.pw").write_text(SERVICE_PASSWORD + "\n")
    return SERVICE_ACCOUNT


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("Error:")]


def environment(folder: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """An environment without the caller's LDAP2TS_ variables, HOME in the test's folder."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("LDAP2TS_")}
    environ["HOME"] = str(folder)
    environ["PATH"] = f"{BIN}{os.pathsep}{environ.get('PATH', '')}"
    environ.update(extra or {})
    return environ


def run_command(command: list[str], folder: Path, env: dict[str, str] | None = None) -> Run:
    process = subprocess.run(command, cwd=folder, env=environment(folder, env),
                             stdin=subprocess.DEVNULL, capture_output=True, text=True,
                             timeout=120, check=False)  # fmt: skip
    return Run(process.returncode, process.stdout, process.stderr)


@pytest.fixture
def ldap2ts(folder: Path) -> Any:
    """Run the real ldap2ts in the test's folder with standard input closed."""

    def run(*arguments: str, env: dict[str, str] | None = None) -> Run:
        return run_command([str(LDAP2TS), *arguments], folder, env)

    return run


@pytest.fixture
def example(folder: Path) -> Any:
    """Run an example script with the venv's Python: ``example("sync_with_hooks.py", ...)``."""

    def run(script: str, *arguments: str, env: dict[str, str] | None = None) -> Run:
        return run_command([sys.executable, str(EXAMPLES / script), *arguments], folder, env)

    return run
