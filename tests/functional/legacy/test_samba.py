"""The documented ``script`` command against a Samba AD domain controller.

Samba evaluates Active Directory's own filters, so this run needs no
setting beyond the legacy flags and the CA file of the test domain.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import ldap.dn
import pytest
from testkit import samba_content
from testkit.samba import DEFAULT_ADMIN_PASSWORD

from .conftest import run_legacy
from .test_script import ldap_groups, ldap_users, thoughtspot

if TYPE_CHECKING:
    from testkit.emulator import EmulatorServer
    from testkit.samba import SambaDC

pytestmark = pytest.mark.samba

DOMAIN = samba_content.DOMAIN


def expected_names() -> tuple[set[str], set[str]]:
    """Return the legacy user and group names of a sync of OU=Groups,OU=Sync with its members."""
    groups = [group for group in samba_content.GROUPS if group.ou == "OU=Groups"]
    group_names = {f"CN={ldap.dn.escape_dn_chars(group.cn)}.OU=Groups.OU=Sync@{DOMAIN}"
                   for group in groups}  # fmt: skip
    user_names = set()
    for group in groups:
        for sam in group.users:
            user = samba_content.user_by_sam(sam)
            # AD leaves a user's primary group out of that group's member list.
            if not user.disabled and user.primary_group != group.cn:
                user_names.add(f"{sam}@{DOMAIN}")
    return user_names, group_names


def test_documented_command_on_samba(
    ts_server: EmulatorServer, samba_dc: SambaDC, legacy_env: dict[str, str]
) -> None:
    legacy_env["LDAP2TS_LDAP_CA_FILE"] = str(samba_dc.ca_file)
    base_dn = f"OU=Groups,{samba_content.sync_dn(samba_dc.base_dn)}"
    result = run_legacy(legacy_env, "script", *thoughtspot(ts_server),
                        "--ldap_hostport", samba_dc.ldaps_url, "--ldap_uname", samba_dc.admin_dn,
                        "--ldap_pass", DEFAULT_ADMIN_PASSWORD, "--sync", "--basedn", base_dn,
                        "--include_nontree_members",
                        "--user_identifier", "sAMAccountName")  # fmt: skip
    assert result.returncode == 0, result.stderr

    users, groups = expected_names()
    assert set(ldap_users(ts_server)) == users
    assert set(ldap_groups(ts_server)) == groups
    engineering = ldap_groups(ts_server)[f"CN=Engineering.OU=Groups.OU=Sync@{DOMAIN}"]
    assert sorted(engineering["users"]) == [f"alice@{DOMAIN}", f"dave@{DOMAIN}"]
    assert engineering["sub_groups"] == [f"CN=Platform.OU=Groups.OU=Sync@{DOMAIN}"]
