"""A directory read that ends early removes nothing and makes the run partial."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from testkit.emulator import EmulatorServer
from testkit.slapd import Slapd

from ldap2ts.errors import ExitCode
from tests.functional.sync import directory
from tests.functional.sync.conftest import LDAP_PASSWORD, write_requests
from tests.functional.sync.thoughtspot import Admin, ldap_users


@pytest.fixture(scope="session")
def capped_slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slapd]:
    """The test directory on a slapd whose "limited" account reads at most 3 entries a search."""
    with Slapd(tmp_path_factory.mktemp("capped-slapd"), suffix=directory.SUFFIX,
               reader_password=LDAP_PASSWORD, size_limit=3,
               ldif=[directory.ldif()]) as server:
        yield server


def test_incomplete_read_holds_back_removals(
    ldap2ts: Any, write_config: Any, config_dir: Path, capped_slapd: Slapd,
    ts_server: EmulatorServer,
) -> None:
    config = write_config()
    assert ldap2ts("apply", "--yes", "-c", str(config)).code == ExitCode.OK
    admin = Admin(ts_server)
    admin.create_user("mallory@example.com", account_type="LDAP_USER")
    admin.close()
    ts_server.reset_counters()

    run = ldap2ts("apply", "--yes", "-c", str(config), "--ldap-url", capped_slapd.url,
                  "--bind-dn", capped_slapd.limited_dn, "--set", "ldap.page_size=2")

    assert run.code == ExitCode.PARTIAL, run.stderr
    assert run.error_lines == []
    assert any("incomplete" in line for line in run.stderr.splitlines())
    headings = [line for line in run.stdout.splitlines() if not line.startswith("  ")]
    removing = ("remove member (", "deactivate user (", "delete user (", "delete group (")
    assert [heading for heading in headings if heading.startswith(removing)] == []
    held_back = [line for line in run.stdout.splitlines()
                 if line.startswith("  deactivate user name=mallory@example.com: ")]
    assert len(held_back) == 1
    assert "the directory read is incomplete" in held_back[0]
    users = ldap_users(ts_server)
    assert {user["account_status"] for user in users.values()} == {"ACTIVE"}
    assert write_requests(ts_server) == {}
