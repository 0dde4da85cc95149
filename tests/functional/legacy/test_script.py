"""``syncUsersAndGroups.py script`` against a real slapd and the ThoughtSpot emulator.

The names checked here are the legacy ones that existing clusters hold:
DN-path group names, UPNs as they are, sAMAccountName with the DC domain,
and the auth-domain override.
"""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from . import directory_data as data
from .conftest import REPO_ROOT, Directory, run_legacy

if TYPE_CHECKING:
    from testkit.emulator import EmulatorServer

pytestmark = pytest.mark.slapd

TS_PASSWORD = "admin"
SALES = data.GROUP_NAMES[data.SALES]
SALES_EU = data.GROUP_NAMES[data.SALES_EU]
RND = data.GROUP_NAMES[data.RND]


def thoughtspot(server: EmulatorServer, *flags: str) -> list[str]:
    return ["--ts_hostport", server.url, "--ts_uname", "tsadmin", "--ts_pass", TS_PASSWORD,
            *flags]  # fmt: skip


def ldap_users(server: EmulatorServer) -> dict[str, dict[str, Any]]:
    return {user["name"]: user for user in server.state()["users"]
            if user["account_type"] == "LDAP_USER"}  # fmt: skip


def ldap_groups(server: EmulatorServer) -> dict[str, dict[str, Any]]:
    return {group["name"]: group for group in server.state()["groups"]
            if group["type"] == "LDAP_GROUP"}  # fmt: skip


def sync_ad(env: dict[str, str], server: EmulatorServer, directory: Directory,
            *flags: str) -> Any:  # fmt: skip
    return run_legacy(env, "script", *thoughtspot(server), *directory.bind, "--sync",
                      "--basedn", data.SUFFIX, *flags)  # fmt: skip


def api(server: EmulatorServer) -> httpx.Client:
    return httpx.Client(base_url=server.api_url,
                        headers={"Authorization": f"Bearer {server.token()}"})  # fmt: skip


def test_documented_command_gives_legacy_names(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    result = sync_ad(legacy_env, ts_server, ad_directory)
    assert result.returncode == 0, result.stderr

    users = ldap_users(ts_server)
    groups = ldap_groups(ts_server)
    assert set(users) == set(data.UPN_NAMES.values())
    assert set(groups) == set(data.GROUP_NAMES.values())
    sales = groups[SALES]
    assert sorted(sales["users"]) == ["jdoe@example.com", "mary.major@example.com",
                                      "ppartner@example.com"]  # fmt: skip
    assert sales["sub_groups"] == [SALES_EU]
    assert groups[SALES_EU]["users"] == ["lnowak@example.com"]
    rnd = groups[RND]
    assert sorted(rnd["users"]) == ["bslash@example.com", "jdoe@example.com"]
    assert rnd["display_name"] == "R&D Europe"
    assert users["jdoe@example.com"]["display_name"] == "John Doe"
    assert users["jdoe@example.com"]["email"] == "jdoe@mail.example.com"


def test_existing_names_match_ignoring_case(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    with api(ts_server) as client:
        client.post("/groups/create", json={
            "name": data.AD_SPELLING[data.SALES], "display_name": "Sales", "type": "LDAP_GROUP",
        }).raise_for_status()  # fmt: skip
        client.post("/users/create", json={
            "name": "JDoe@Example.com", "display_name": "John Doe", "password": "Seed-pass-1",
            "email": "jdoe@mail.example.com", "account_type": "LDAP_USER",
        }).raise_for_status()  # fmt: skip

    result = sync_ad(legacy_env, ts_server, ad_directory)
    assert result.returncode == 0, result.stderr
    groups = ldap_groups(ts_server)
    assert data.AD_SPELLING[data.SALES] in groups
    assert SALES not in groups
    assert "JDoe@Example.com" in groups[data.AD_SPELLING[data.SALES]]["users"]
    assert "jdoe@example.com" not in ldap_users(ts_server)


def test_disabled_computer_and_system_left_out(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    result = sync_ad(legacy_env, ts_server, ad_directory, "--user_identifier", "sAMAccountName")
    assert result.returncode == 0, result.stderr
    names = [principal["name"] for kind in ("users", "groups")
             for principal in ts_server.state()[kind]]  # fmt: skip
    for left_out in data.LEFT_OUT:
        assert not [name for name in names if left_out.lower() in name.lower()], left_out


def test_samaccountname_gets_dc_domain(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    result = sync_ad(legacy_env, ts_server, ad_directory, "--user_identifier", "sAMAccountName")
    assert result.returncode == 0, result.stderr
    assert set(ldap_users(ts_server)) == set(data.SAM_NAMES.values())


def test_authdomain_overrides_dc_domain(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    result = sync_ad(legacy_env, ts_server, ad_directory, "--user_identifier", "sAMAccountName",
                     "--authdomain_identifier", "corp.local")  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = {name.split("@")[0] + "@corp.local" for name in data.SAM_NAMES.values()}
    assert set(ldap_users(ts_server)) == expected


def test_authdomain_is_appended_to_upn(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    result = sync_ad(legacy_env, ts_server, ad_directory, "--authdomain_identifier", "corp.local")
    assert result.returncode == 0, result.stderr
    users = set(ldap_users(ts_server))
    assert "jdoe@example.com@corp.local" in users
    assert "lnowak@corp.local" in users


def test_en_dash_command_runs(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    flags = thoughtspot(ts_server)
    flags[0] = "\u2013-ts_hostport"
    result = run_legacy(legacy_env, "script", *flags, *ad_directory.bind, "\u2013-sync",
                        "--basedn", data.SUFFIX)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Warning: read '\u2013-ts_hostport' as --ts_hostport" in result.stderr
    assert "Warning: read '\u2013-sync' as --sync" in result.stderr
    assert set(ldap_users(ts_server)) == set(data.UPN_NAMES.values())


def test_password_flags_warn(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    result = sync_ad(legacy_env, ts_server, ad_directory, "--dry_run")
    assert result.returncode == 0, result.stderr
    assert "Warning: --ts_pass puts the password on the command line" in result.stderr
    assert "Warning: --ldap_pass puts the password on the command line" in result.stderr


def test_passwords_from_environment(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    legacy_env["LDAP2TS_TS_PASSWORD"] = TS_PASSWORD
    legacy_env["LDAP2TS_LDAP_PASSWORD"] = ad_directory.server.admin_password
    result = run_legacy(legacy_env, "script", "--ts_hostport", ts_server.url, "--ts_uname",
                        "tsadmin", "--ldap_hostport", ad_directory.url, "--ldap_uname",
                        ad_directory.server.admin_dn, "--sync",
                        "--basedn", data.SUFFIX)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "puts the password on the command line" not in result.stderr
    assert set(ldap_users(ts_server)) == set(data.UPN_NAMES.values())


def test_without_sync_nothing_is_contacted(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    result = run_legacy(legacy_env, "script", *thoughtspot(ts_server), *ad_directory.bind,
                        "--purge", "--basedn", data.SUFFIX)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("Nothing was synced: --sync was not given, so no user or group "
                             "was read or changed.\n")  # fmt: skip
    assert "Warning: --purge has no effect without --sync" in result.stderr
    assert ts_server.counters()["total"] == 0


def test_dry_run_changes_nothing(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    result = sync_ad(legacy_env, ts_server, ad_directory, "--dry_run")
    assert result.returncode == 0, result.stderr
    assert "would create user name=jdoe@example.com" in result.stdout
    assert f"would create group name={SALES}" in result.stdout
    assert ts_server.counters()["writes"] == 0
    assert ldap_users(ts_server) == {}


def test_rerun_writes_nothing(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    ts_server.reset_counters()
    result = sync_ad(legacy_env, ts_server, ad_directory)
    assert result.returncode == 0, result.stderr
    assert ts_server.counters()["writes"] == 0


def test_existing_users_kept_without_upsert(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    user_id = ldap_users(ts_server)["jdoe@example.com"]["id"]
    with api(ts_server) as client:
        client.post(f"/users/{user_id}/update", json={"display_name": "Changed By Hand"})

    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    assert ldap_users(ts_server)["jdoe@example.com"]["display_name"] == "Changed By Hand"

    result = sync_ad(legacy_env, ts_server, ad_directory, "--upsert_user")
    assert result.returncode == 0, result.stderr
    assert ldap_users(ts_server)["jdoe@example.com"]["display_name"] == "John Doe"


def test_existing_groups_kept_without_upsert(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    group = ldap_groups(ts_server)[RND]
    with api(ts_server) as client:
        client.post(f"/groups/{group['id']}/update", json={"display_name": "Renamed"})

    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    assert ldap_groups(ts_server)[group["name"]]["display_name"] == "Renamed"

    result = sync_ad(legacy_env, ts_server, ad_directory, "--upsert_group")
    assert result.returncode == 0, result.stderr
    assert ldap_groups(ts_server)[group["name"]]["display_name"] == "R&D Europe"


def add_local_member(server: EmulatorServer, group_name: str) -> None:
    """Create the LOCAL user local.analyst and add it to a synced group by hand."""
    with api(server) as client:
        response = client.post("/users/create", json={
            "name": "local.analyst", "display_name": "Local Analyst", "password": "Local-pass-1",
            "email": "local.analyst@example.com", "account_type": "LOCAL_USER",
            "group_identifiers": [group_name],
        })  # fmt: skip
        response.raise_for_status()


def test_local_member_removed_by_default(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    add_local_member(ts_server, SALES)
    # One removal of the 8 memberships is 12.5 %, over the default limit of 10 %.
    env = {**legacy_env, "LDAP2TS_SYNC_MAX_REMOVAL_RATIO": "0.5"}

    result = sync_ad(env, ts_server, ad_directory)
    assert result.returncode == 0, result.stderr
    assert "local.analyst" not in ldap_groups(ts_server)[SALES]["users"]
    # The plan's warning names the variable that sets the managed scope.
    assert "; set LDAP2TS_SYNC_MANAGED_SCOPE to choose it" in result.stdout
    assert "sync.managed_scope" not in result.stdout
    names = [user["name"] for user in ts_server.state()["users"]]
    assert "local.analyst" in names


def test_keep_local_membership(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    add_local_member(ts_server, SALES)

    result = sync_ad(legacy_env, ts_server, ad_directory, "--keep_local_membership")
    assert result.returncode == 0, result.stderr
    assert "local.analyst" in ldap_groups(ts_server)[SALES]["users"]


def seed_for_purge(server: EmulatorServer) -> None:
    """Add principals that are not in the directory: two managed, three not managed."""
    users = [
        ("gone@example.com", "LDAP_USER"),
        ("someone@other.org", "LDAP_USER"),
        ("local.analyst", "LOCAL_USER"),
    ]
    groups = [
        ("CN=Old.OU=Groups@example.com", "LDAP_GROUP"),
        ("Finance Local", "LOCAL_GROUP"),
    ]
    with api(server) as client:
        for name, account_type in users:
            client.post("/users/create", json={
                "name": name, "display_name": name, "password": "Seed-pass-1",
                "email": "seed@example.com", "account_type": account_type,
            }).raise_for_status()  # fmt: skip
        for name, group_type in groups:
            client.post("/groups/create", json={
                "name": name, "display_name": name, "type": group_type,
            }).raise_for_status()  # fmt: skip


def all_names(server: EmulatorServer) -> set[str]:
    state = server.state()
    return {principal["name"] for kind in ("users", "groups") for principal in state[kind]}


def test_purge_over_threshold_needs_force(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    seed_for_purge(ts_server)
    before = all_names(ts_server)

    result = sync_ad(legacy_env, ts_server, ad_directory, "--purge")
    assert result.returncode == 4, result.stderr
    assert "rerun with --force" in result.stderr
    assert all_names(ts_server) == before


def test_purge_deletes_only_managed(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    seed_for_purge(ts_server)
    before = all_names(ts_server)

    result = sync_ad(legacy_env, ts_server, ad_directory, "--purge", "--force")
    assert result.returncode == 0, result.stderr
    after = all_names(ts_server)
    assert before - after == {"gone@example.com", "CN=Old.OU=Groups@example.com"}
    assert {"someone@other.org", "local.analyst", "Finance Local", "tsadmin"} <= after


def test_purge_users_keeps_groups(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    seed_for_purge(ts_server)
    before = all_names(ts_server)

    result = sync_ad(legacy_env, ts_server, ad_directory, "--purge_users", "--force")
    assert result.returncode == 0, result.stderr
    assert before - all_names(ts_server) == {"gone@example.com"}


def test_purge_groups_keeps_users(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    seed_for_purge(ts_server)
    before = all_names(ts_server)

    result = sync_ad(legacy_env, ts_server, ad_directory, "--purge_groups", "--force")
    assert result.returncode == 0, result.stderr
    assert before - all_names(ts_server) == {"CN=Old.OU=Groups@example.com"}


def test_incomplete_read_deletes_nothing(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    assert sync_ad(legacy_env, ts_server, ad_directory).returncode == 0
    seed_for_purge(ts_server)
    before = all_names(ts_server)

    server = ad_directory.server
    result = run_legacy(legacy_env, "script", *thoughtspot(ts_server),
                        "--ldap_hostport", server.url, "--ldap_uname", server.limited_dn,
                        "--ldap_pass", server.limited_password, "--sync", "--purge", "--force",
                        "--basedn", data.SUFFIX)  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "incomplete" in result.stderr
    assert all_names(ts_server) >= before


def test_login_failure_changes_nothing(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    flags = thoughtspot(ts_server)
    flags[flags.index("--ts_pass") + 1] = "wrong-password"
    result = run_legacy(legacy_env, "script", *flags, *ad_directory.bind, "--sync", "--purge",
                        "--force", "--basedn", data.SUFFIX)  # fmt: skip
    assert result.returncode == 5
    assert result.stderr.count("Error: ") == 1
    assert "wrong-password" not in result.stderr
    assert ts_server.counters()["writes"] == 0


def test_include_nontree_members(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    result = run_legacy(legacy_env, "script", *thoughtspot(ts_server), *ad_directory.bind,
                        "--sync", "--basedn", data.GROUPS)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert set(ldap_groups(ts_server)) == set(data.GROUP_NAMES.values())
    assert ldap_users(ts_server) == {}
    # The hint names the legacy flag, not the ldap2ts configuration key.
    assert "; give --include_nontree_members to read them" in result.stderr
    assert "set include_nontree_members" not in result.stderr

    result = run_legacy(legacy_env, "script", *thoughtspot(ts_server), *ad_directory.bind,
                        "--sync", "--basedn", data.GROUPS, "--include_nontree_members")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert set(ldap_users(ts_server)) == set(data.UPN_NAMES.values())
    sales = ldap_groups(ts_server)[SALES]
    assert "ppartner@example.com" in sales["users"]


def test_documented_group_filter_follows_members(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    # ThoughtSpot's documentation picks groups by name and relies on
    # --include_nontree_members to bring in their users, recursively.
    flags = ["--filter_str", "(|(CN=Sales)(CN=Sales EU))"]
    result = sync_ad(legacy_env, ts_server, ad_directory, *flags)
    assert result.returncode == 0, result.stderr
    assert set(ldap_groups(ts_server)) == {SALES, SALES_EU}
    assert ldap_users(ts_server) == {}

    result = sync_ad(legacy_env, ts_server, ad_directory, *flags, "--include_nontree_members")
    assert result.returncode == 0, result.stderr
    assert set(ldap_users(ts_server)) == {"jdoe@example.com", "mary.major@example.com",
                                          "ppartner@example.com", "lnowak@example.com"}  # fmt: skip
    groups = ldap_groups(ts_server)
    assert set(groups) == {SALES, SALES_EU}
    assert groups[SALES_EU]["users"] == ["lnowak@example.com"]
    assert groups[SALES]["sub_groups"] == [SALES_EU]


def test_filter_and_scope(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    result = run_legacy(legacy_env, "script", *thoughtspot(ts_server), *ad_directory.bind,
                        "--sync", "--basedn", data.GROUPS, "--scope", "1",
                        "--filter_str", "(cn=Sales*)")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert set(ldap_groups(ts_server)) == {SALES,
                                           SALES_EU}  # fmt: skip


def create_admin(server: EmulatorServer, name: str, password: str) -> None:
    """Create a LOCAL administrator, so that the run logs in with a distinctive password."""
    with api(server) as client:
        client.post("/users/create", json={
            "name": name, "display_name": name, "password": password,
            "email": f"{name}@example.com", "account_type": "LOCAL_USER",
            "group_identifiers": ["Administrator"],
        }).raise_for_status()  # fmt: skip


def test_debug_logs_no_secret(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    ts_password = "Ts-Pass-7f3k9q"
    create_admin(ts_server, "sync.admin", ts_password)
    result = run_legacy(legacy_env, "script", "--ts_hostport", ts_server.url,
                        "--ts_uname", "sync.admin", "--ts_pass", ts_password,
                        *ad_directory.bind, "--sync", "--basedn", data.SUFFIX,
                        "--debug")  # fmt: skip
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    assert "debug " in result.stderr
    assert ts_password not in output
    assert ad_directory.server.admin_password not in output
    # Whole entries would show attributes that the sync never reads.
    assert "nTSecurityDescriptor" not in output
    assert "instanceType" not in output
    assert set(ldap_users(ts_server)) == set(data.UPN_NAMES.values())


def test_print_config_migrates_to_ldap2ts(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str],
    tmp_path: Path,
) -> None:  # fmt: skip
    printed = run_legacy(legacy_env, "script", *thoughtspot(ts_server), *ad_directory.bind,
                         "--sync", "--basedn", data.SUFFIX, "--user_identifier",
                         "sAMAccountName", "--print-config")  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    assert "admin-secret" not in printed.stdout
    config = tmp_path / "ldap2ts.toml"
    config.write_text(printed.stdout)
    config.chmod(0o600)
    assert tomllib.loads(printed.stdout)["naming"]["user_identifier"] == "sAMAccountName"

    legacy_env["LDAP2TS_TS_PASSWORD"] = TS_PASSWORD
    legacy_env["LDAP2TS_LDAP_PASSWORD"] = ad_directory.server.admin_password
    ldap2ts = REPO_ROOT / ".venv" / "bin" / "ldap2ts"
    applied = subprocess.run([str(ldap2ts), "apply", "--yes", "--config", str(config)],
                             env=legacy_env, capture_output=True, text=True, timeout=120,
                             check=False)  # fmt: skip
    assert applied.returncode == 0, applied.stderr
    assert set(ldap_users(ts_server)) == set(data.SAM_NAMES.values())

    ts_server.reset_counters()
    rerun = sync_ad(legacy_env, ts_server, ad_directory, "--user_identifier", "sAMAccountName")
    assert rerun.returncode == 0, rerun.stderr
    assert ts_server.counters()["writes"] == 0


def test_default_ad_user_filter_on_slapd(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    # slapd's msuser schema gives objectCategory no equality rule, so the AD
    # flavour's (objectCategory=person) matches nothing, and --filter_str, which
    # is ANDed with it, cannot help; LDAP2TS_DIRECTORY_USER_FILTER replaces it.
    env = {name: value for name, value in legacy_env.items()
           if name != "LDAP2TS_DIRECTORY_USER_FILTER"}  # fmt: skip

    result = sync_ad(env, ts_server, ad_directory)
    assert result.returncode == 0, result.stderr
    assert ldap_users(ts_server) == {}
    assert set(ldap_groups(ts_server)) == set(data.GROUP_NAMES.values())

    result = sync_ad(env, ts_server, ad_directory,
                     "--filter_str", "(|(objectClass=user)(objectClass=group))")  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert ldap_users(ts_server) == {}
    assert set(ldap_groups(ts_server)) == set(data.GROUP_NAMES.values())

    result = sync_ad(legacy_env, ts_server, ad_directory)
    assert result.returncode == 0, result.stderr
    assert set(ldap_users(ts_server)) == set(data.UPN_NAMES.values())


def test_docs_name_ad_user_filter() -> None:
    text = (REPO_ROOT / "docs" / "legacy.md").read_text()
    assert "(&(objectCategory=person)(objectClass=user)(!(objectClass=computer)))" in text
    assert "LDAP2TS_DIRECTORY_USER_FILTER='(&(objectClass=user)(!(objectClass=computer)))'" in text
