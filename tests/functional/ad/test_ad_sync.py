"""Full runs of ldap2ts and syncUsersAndGroups.py from Samba AD into the ThoughtSpot emulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from testkit import samba_content
from testkit.emulator import EmulatorServer
from testkit.samba import SambaDC

from .conftest import NO_BULK

pytestmark = pytest.mark.samba

LDAP2TS = Path(sys.executable).with_name("ldap2ts")
REPO_ROOT = Path(__file__).resolve().parents[3]
TS_PASSWORD = "admin"
"""Password of tsadmin in the emulator (EmulatorServer's default)."""
DOMAIN = "corp.example.test"


def group_name(cn: str) -> str:
    group = samba_content.group_by_cn(cn)
    escaped = cn.replace(",", "\\,")
    path = ".".join(part for part in (f"CN={escaped}", *group.ou.split(","), "OU=Sync"))
    return f"{path}@{DOMAIN}"


def enabled_user_names(*, bulk: bool) -> set[str]:
    users = [user for user in samba_content.USERS if not user.disabled]
    if bulk:
        users += list(samba_content.bulk_users())
    return {f"{user.sam}@{DOMAIN}" for user in users}


def ldap_users(server: EmulatorServer) -> dict[str, dict[str, Any]]:
    return {
        user["name"]: user
        for user in server.state()["users"]
        if user["account_type"] == "LDAP_USER"
    }


def ldap_groups(server: EmulatorServer) -> dict[str, dict[str, Any]]:
    return {
        group["name"]: group for group in server.state()["groups"] if group["type"] == "LDAP_GROUP"
    }


def expected_members(cn: str) -> set[str]:
    group = samba_content.group_by_cn(cn)
    users = {samba_content.user_by_sam(sam) for sam in group.users}
    return {f"{user.sam}@{DOMAIN}" for user in users if not user.disabled}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder with the two password files (mode 600) and a state folder."""
    (tmp_path / "ldap.pw").write_text(samba_content.USER_PASSWORD + "\n")
    (tmp_path / "ts.pw").write_text(TS_PASSWORD + "\n")
    for name in ("ldap.pw", "ts.pw"):
        (tmp_path / name).chmod(0o600)
    (tmp_path / "state").mkdir()
    return tmp_path


def write_config(folder: Path, dc: SambaDC, ts: EmulatorServer, *, directory: str = "") -> Path:
    path = folder / "ldap2ts.toml"
    path.write_text(f"""\
[ldap]
url = "{dc.ldaps_url}"
bind_dn = "{samba_content.SERVICE_ACCOUNT.dn(dc.base_dn)}"
password_file = "ldap.pw"
ca_file = "{dc.ca_file}"
timeout = 30

[directory]
flavour = "AD"
base_dn = "{samba_content.sync_dn(dc.base_dn)}"
{directory}
[thoughtspot]
url = "{ts.url}"
username = "tsadmin"
password_file = "ts.pw"
timeout = 30
max_retries = 0

[sync]
state_dir = "{folder / "state"}"
max_removal_ratio = 0.5
""")
    path.chmod(0o600)
    return path


def run(
    command: list[str], folder: Path, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("LDAP2TS_")
    }
    environment["HOME"] = str(folder)
    environment["XDG_STATE_HOME"] = str(folder / "state")
    return subprocess.run(
        command,
        cwd=cwd or folder,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )


def ldap2ts(folder: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return run([str(LDAP2TS), *arguments, "-c", str(folder / "ldap2ts.toml")], folder)


def set_account_control(dc: SambaDC, sam: str, value: int) -> None:
    connection = dc.connect()
    try:
        dn = samba_content.user_by_sam(sam).dn(dc.base_dn)
        samba_content.set_attribute(connection, dn, "userAccountControl", str(value))
    finally:
        connection.unbind_s()


# --- ldap2ts ------------------------------------------------------------------------


def test_apply_creates_principals_and_memberships(
    samba_dc: SambaDC, ts_server: EmulatorServer, folder: Path
) -> None:
    write_config(folder, samba_dc, ts_server, directory="primary_groups = true")

    applied = ldap2ts(folder, "apply", "--yes", "--report", str(folder / "report.json"))
    checked = ldap2ts(folder, "check")

    assert applied.returncode == 0, applied.stderr
    users = ldap_users(ts_server)
    groups = ldap_groups(ts_server)
    assert set(users) == enabled_user_names(bulk=True)
    assert set(groups) == {group_name(group.cn) for group in samba_content.GROUPS}
    assert set(groups[group_name("Engineering")]["users"]) == expected_members("Engineering")
    assert groups[group_name("Engineering")]["sub_groups"] == [group_name("Platform")]
    assert set(groups[group_name("Mixed")]["users"]) == {f"zcelik@{DOMAIN}"}
    assert set(groups[group_name("Contractors")]["users"]) == {f"grace@{DOMAIN}"}
    assert len(groups[group_name(samba_content.BULK_GROUP)]["users"]) == samba_content.BULK_USERS
    assert groups[group_name("Former Staff")]["users"] == []
    assert users[f"alice@{DOMAIN}"]["display_name"] == "Alice Archer"
    assert users[f"jdoe@{DOMAIN}"]["display_name"] == "Jane Doe"
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_report_carries_guid_anchors(
    samba_dc: SambaDC, ts_server: EmulatorServer, folder: Path
) -> None:
    write_config(folder, samba_dc, ts_server, directory=f'filter = "{NO_BULK}"')

    planned = ldap2ts(folder, "plan", "--report", str(folder / "report.json"))

    assert planned.returncode == 0, planned.stderr
    report_text = (folder / "report.json").read_text()
    connection = samba_dc.connect()
    try:
        alice_dn = samba_content.user_by_sam("alice").dn(samba_dc.base_dn)
        raw = connection.search_s(alice_dn, 0, attrlist=["objectGUID"])[0][1]["objectGUID"][0]
    finally:
        connection.unbind_s()

    assert str(uuid.UUID(bytes_le=raw)) in report_text
    json.loads(report_text)


def test_disabled_user_deactivated_then_reactivated(
    fresh_samba_dc: SambaDC, ts_server: EmulatorServer, folder: Path
) -> None:
    write_config(folder, fresh_samba_dc, ts_server, directory=f'filter = "{NO_BULK}"')
    first = ldap2ts(folder, "apply", "--yes")

    set_account_control(fresh_samba_dc, "alice", samba_content.DISABLED)
    disabling = ldap2ts(folder, "apply", "--yes")
    status_disabled = ldap_users(ts_server)[f"alice@{DOMAIN}"]["account_status"]

    set_account_control(fresh_samba_dc, "alice", samba_content.ENABLED_NO_EXPIRY)
    enabling = ldap2ts(folder, "apply", "--yes")
    status_enabled = ldap_users(ts_server)[f"alice@{DOMAIN}"]["account_status"]

    assert first.returncode == 0, first.stderr
    assert disabling.returncode == 0, disabling.stderr
    assert "deactivate user" in disabling.stdout
    assert status_disabled == "INACTIVE"
    assert enabling.returncode == 0, enabling.stderr
    assert "reactivate user" in enabling.stdout
    assert status_enabled == "ACTIVE"


def test_disabled_user_created_inactive_when_included(
    samba_dc: SambaDC, ts_server: EmulatorServer, folder: Path
) -> None:
    directory = f'filter = "{NO_BULK}"\ninclude_disabled = true'
    write_config(folder, samba_dc, ts_server, directory=directory)

    applied = ldap2ts(folder, "apply", "--yes")

    users = ldap_users(ts_server)
    assert applied.returncode == 0, applied.stderr
    assert users[f"bob@{DOMAIN}"]["account_status"] == "INACTIVE"
    assert users[f"carol@{DOMAIN}"]["account_status"] == "INACTIVE"
    assert users[f"dave@{DOMAIN}"]["account_status"] == "ACTIVE"


def test_root_read_syncs_and_removes(
    fresh_samba_dc: SambaDC, ts_server: EmulatorServer, folder: Path
) -> None:
    # From the domain root Samba also returns a continuation reference; the
    # read stays complete, so a user deleted in AD is removed.
    directory = f'base_dn = "{fresh_samba_dc.base_dn}"\nfilter = "{NO_BULK}"'
    config = write_config(folder, fresh_samba_dc, ts_server, directory=directory)
    config.write_text(config.read_text().replace(
        f'base_dn = "{samba_content.sync_dn(fresh_samba_dc.base_dn)}"\n', ""
    ))  # fmt: skip
    first = ldap2ts(folder, "apply", "--yes")
    connection = fresh_samba_dc.connect()
    try:
        connection.delete_s(samba_content.user_by_sam("dave").dn(fresh_samba_dc.base_dn))
    finally:
        connection.unbind_s()

    second = ldap2ts(folder, "apply", "--yes")

    users = ldap_users(ts_server)
    groups = ldap_groups(ts_server)
    assert first.returncode == 0, first.stderr
    # krbtgt and Guest are disabled in every domain.
    assert f"krbtgt@{DOMAIN}" not in users
    assert f"Guest@{DOMAIN}" not in users
    assert f"Administrator@{DOMAIN}" in users
    assert f"CN=Domain Users.CN=Users@{DOMAIN}" not in groups
    assert group_name("Engineering") in groups
    assert second.returncode == 0, second.stderr
    assert users[f"dave@{DOMAIN}"]["account_status"] == "INACTIVE"
    assert f"dave@{DOMAIN}" not in groups[group_name("Engineering")]["users"]


# --- syncUsersAndGroups.py -----------------------------------------------------------


def legacy(
    folder: Path, dc: SambaDC, ts: EmulatorServer, *flags: str, bind: str | None = None
) -> Any:
    """Run the legacy command, binding as the service account's DN or as ``bind``."""
    command = [
        sys.executable, "syncUsersAndGroups.py", "script",
        "--ts_hostport", ts.url, "--ts_uname", "tsadmin", "--ts_pass", TS_PASSWORD,
        "--ldap_hostport", dc.ldaps_url, "--ldap_ca_file", str(dc.ca_file),
        "--ldap_uname", bind or samba_content.SERVICE_ACCOUNT.dn(dc.base_dn),
        "--ldap_pass", samba_content.USER_PASSWORD,
        "--basedn", samba_content.sync_dn(dc.base_dn), *flags,
    ]  # fmt: skip
    return run(command, folder, cwd=REPO_ROOT)


def test_legacy_script_sync(samba_dc: SambaDC, ts_server: EmulatorServer, folder: Path) -> None:
    # AD accepts a user principal name in place of the bind DN.
    upn = samba_content.SERVICE_ACCOUNT.upn
    result = legacy(folder, samba_dc, ts_server, "--sync", bind=upn)

    users = ldap_users(ts_server)
    groups = ldap_groups(ts_server)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(users) == enabled_user_names(bulk=True)
    assert set(groups) == {group_name(group.cn) for group in samba_content.GROUPS}
    assert set(groups[group_name("Sales, EMEA")]["users"]) == expected_members("Sales, EMEA")
    assert groups[group_name("Platform")]["sub_groups"] == [group_name("SRE")]
    assert set(groups[group_name("Mixed")]["users"]) == {f"zcelik@{DOMAIN}"}
    assert len(groups[group_name(samba_content.BULK_GROUP)]["users"]) == samba_content.BULK_USERS


def test_legacy_script_sam_account_name_with_authdomain(
    samba_dc: SambaDC, ts_server: EmulatorServer, folder: Path
) -> None:
    result = legacy(
        folder, samba_dc, ts_server, "--sync", "--filter_str", NO_BULK,
        "--user_identifier", "sAMAccountName", "--authdomain_identifier", "CORP",
    )  # fmt: skip

    users = ldap_users(ts_server)
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(users) == {f"{user.sam}@CORP" for user in samba_content.USERS if not user.disabled}


def test_legacy_script_purge_after_delete(
    fresh_samba_dc: SambaDC, ts_server: EmulatorServer, folder: Path
) -> None:
    first = legacy(folder, fresh_samba_dc, ts_server, "--sync", "--filter_str", NO_BULK)
    connection = fresh_samba_dc.connect()
    try:
        connection.delete_s(samba_content.user_by_sam("erin").dn(fresh_samba_dc.base_dn))
        connection.delete_s(samba_content.group_by_cn("Empty Group").dn(fresh_samba_dc.base_dn))
    finally:
        connection.unbind_s()

    refused = legacy(
        folder, fresh_samba_dc, ts_server, "--sync", "--filter_str", NO_BULK, "--purge"
    )
    forced = legacy(
        folder, fresh_samba_dc, ts_server, "--sync", "--filter_str", NO_BULK, "--purge", "--force"
    )

    assert first.returncode == 0, first.stdout + first.stderr
    # Two of 17 managed principals is over the default limit of 10%.
    assert refused.returncode == 4, refused.stdout + refused.stderr
    assert forced.returncode == 0, forced.stdout + forced.stderr
    assert f"erin@{DOMAIN}" not in ldap_users(ts_server)
    assert group_name("Empty Group") not in ldap_groups(ts_server)
    assert f"alice@{DOMAIN}" in ldap_users(ts_server)
