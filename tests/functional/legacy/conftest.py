"""Servers and a runner for the functional tests of syncUsersAndGroups.py.

Two slapd servers start once per session on loopback: one Active Directory
shaped (msuser schema) and one plain OpenLDAP. The ThoughtSpot emulator
comes from ``tests.fixtures.emulator`` (``ts_server``, reset for each test).
The command runs as ThoughtSpot's documentation prints it: ``python3
syncUsersAndGroups.py ...`` from the top of the checkout.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from .directory_data import ad_ldif, openldap_ldif

if TYPE_CHECKING:
    from testkit.slapd import Slapd

REPO_ROOT = Path(__file__).resolve().parents[3]
PYTHON3 = shutil.which("python3") or sys.executable
"""The interpreter the documented command names; the launcher moves to .venv when needed."""

SIZE_LIMIT = 3
"""Entries a search by the "limited" account may return, to make a read incomplete."""


@dataclass(frozen=True, slots=True)
class Directory:
    server: Slapd

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def bind(self) -> list[str]:
        """Return the legacy flags that bind as the directory's administrator."""
        return [
            "--ldap_hostport", self.server.url,
            "--ldap_uname", self.server.admin_dn,
            "--ldap_pass", self.server.admin_password,
        ]  # fmt: skip


@pytest.fixture(scope="session")
def ad_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Directory]:
    """slapd with the msuser schema, holding the Active Directory shaped sample."""
    from testkit.slapd import Slapd

    workdir = tmp_path_factory.mktemp("legacy-ad-slapd")
    with Slapd(workdir, suffix="dc=example,dc=com", tls=False, ms_schema=True,
               size_limit=SIZE_LIMIT, ldif=[ad_ldif()]) as server:  # fmt: skip
        yield Directory(server)


@pytest.fixture(scope="session")
def openldap_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Directory]:
    """Plain slapd with inetOrgPerson users and groupOfNames groups."""
    from testkit.slapd import Slapd

    workdir = tmp_path_factory.mktemp("legacy-openldap-slapd")
    with Slapd(workdir, suffix="dc=example,dc=com", tls=False, ldif=[openldap_ldif()]) as server:
        yield Directory(server)


# slapd cannot evaluate the AD flavour's (objectCategory=person): the msuser
# schema gives objectCategory no equality rule, so the term is undefined for
# every entry. Runs against it replace the user filter with one that slapd
# evaluates and that selects the same entries (users that are not computers);
# Active Directory and Samba need no such setting.
SLAPD_AD_USER_FILTER = {
    "LDAP2TS_DIRECTORY_USER_FILTER": "(&(objectClass=user)(!(objectClass=computer)))"
}


@pytest.fixture
def legacy_env(tmp_path: Path, request: pytest.FixtureRequest) -> dict[str, str]:
    """Environment of one run: no other LDAP2TS_ variables, journal and lock under tmp_path."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("LDAP2TS_")}
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    if "ad_directory" in request.fixturenames:
        env.update(SLAPD_AD_USER_FILTER)
    return env


def run_legacy(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run ``python3 syncUsersAndGroups.py ARGUMENTS`` from the checkout and capture it."""
    return subprocess.run(
        [PYTHON3, "syncUsersAndGroups.py", *arguments],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
