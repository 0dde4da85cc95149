"""``--member_str`` of the legacy command line: a wrong attribute never empties the groups."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .conftest import Directory
from .test_script import ldap_groups, sync_ad

if TYPE_CHECKING:
    from testkit.emulator import EmulatorServer

pytestmark = pytest.mark.slapd


def members(server: EmulatorServer) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    return {
        name: (frozenset(group["users"]), frozenset(group["sub_groups"]))
        for name, group in ldap_groups(server).items()
    }


@pytest.mark.parametrize("attribute", ["membr", "memberOf"])
def test_unsupported_member_str_rejected(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str], attribute: str
) -> None:
    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    before = members(ts_server)
    writes = ts_server.counters()["writes"]

    result = sync_ad(legacy_env, ts_server, ad_directory, "--member_str", attribute)

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if line.startswith("Error:")] == [
        f"Error: invalid member attribute {attribute!r} (--member_str): "
        "expected member, uniqueMember or memberUid"
    ]
    assert ts_server.counters()["writes"] == writes
    assert members(ts_server) == before


def test_unused_member_str_refused(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    before = members(ts_server)
    writes = ts_server.counters()["writes"]

    result = sync_ad(legacy_env, ts_server, ad_directory, "--member_str", "uniqueMember")

    assert result.returncode == 4, result.stderr
    assert "groups read has a value in uniqueMember" in result.stdout + result.stderr
    assert "group memberships from" in result.stderr
    assert "rerun with --force" in result.stderr
    assert ts_server.counters()["writes"] == writes
    assert members(ts_server) == before
