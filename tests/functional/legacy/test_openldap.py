"""``syncUsersAndGroups.py script --ldap_type OpenLdap`` against a plain OpenLDAP slapd."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from . import directory_data as data
from .conftest import Directory, run_legacy
from .test_script import ldap_groups, ldap_users, thoughtspot

if TYPE_CHECKING:
    from testkit.emulator import EmulatorServer

pytestmark = pytest.mark.slapd

STAFF = "cn=staff.ou=Groups@example.com"
ADMINS = "cn=admins.ou=Groups@example.com"


@pytest.mark.parametrize("flags", [["--ldap_type", "OpenLdap", "--user_identifier", "uid"],
                                   ["--ldap_type", "openldap"]])  # fmt: skip
def test_uid_names_and_group_of_names(
    ts_server: EmulatorServer, openldap_directory: Directory, legacy_env: dict[str, str],
    flags: list[str],
) -> None:  # fmt: skip
    result = run_legacy(legacy_env, "script", *thoughtspot(ts_server), *openldap_directory.bind,
                        "--sync", "--basedn", "dc=example,dc=com", *flags)  # fmt: skip
    assert result.returncode == 0, result.stderr

    users = ldap_users(ts_server)
    assert set(users) == set(data.OPENLDAP_USERS)
    assert users["jjenkins"]["display_name"] == "Jo Jenkins"
    assert users["jjenkins"]["email"] == "jjenkins@example.com"
    groups = ldap_groups(ts_server)
    assert set(groups) == {STAFF, ADMINS}
    assert sorted(groups[STAFF]["users"]) == ["jjenkins", "kfrost"]
    assert groups[STAFF]["sub_groups"] == [ADMINS]
    assert groups[ADMINS]["users"] == ["lwu"]


def test_openldap_dry_run_then_rerun(
    ts_server: EmulatorServer, openldap_directory: Directory, legacy_env: dict[str, str]
) -> None:
    flags = [*thoughtspot(ts_server), *openldap_directory.bind, "--sync", "--basedn",
             "dc=example,dc=com", "--ldap_type", "OpenLdap",
             "--user_identifier", "uid"]  # fmt: skip
    planned = run_legacy(legacy_env, "script", *flags, "--dry_run")
    assert planned.returncode == 0, planned.stderr
    assert "would create user name=jjenkins" in planned.stdout
    assert ts_server.counters()["writes"] == 0

    assert run_legacy(legacy_env, "script", *flags).returncode == 0
    ts_server.reset_counters()
    rerun = run_legacy(legacy_env, "script", *flags)
    assert rerun.returncode == 0, rerun.stderr
    assert ts_server.counters()["writes"] == 0
