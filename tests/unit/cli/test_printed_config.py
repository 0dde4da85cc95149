"""A configuration printed by the legacy front end loads back into the same settings."""

from __future__ import annotations

from pathlib import Path

from ldap2ts.config import load_settings
from ldap2ts.legacy.print_config import render_config
from ldap2ts.settings import (
    DirectorySettings,
    Flavour,
    LdapSettings,
    NamingSettings,
    PurgeAction,
    Scope,
    Secret,
    Settings,
    SyncSettings,
    ThoughtSpotSettings,
)


def test_printed_config_loads_back(tmp_path: Path) -> None:
    original = Settings(
        ldap=LdapSettings(
            url="ldaps://127.0.0.1:6360",
            bind_dn="cn=admin,dc=example,dc=com",
            password=Secret("ldap-secret", "flag --ldap_pass"),
        ),
        directory=DirectorySettings(
            flavour=Flavour.OPENLDAP,
            base_dn="dc=example,dc=com",
            scope=Scope.ONE,
            filter="(cn=*)",
            member_attribute="uniqueMember",
        ),
        naming=NamingSettings(user_identifier="uid", authdomain="example.com"),
        thoughtspot=ThoughtSpotSettings(
            url="https://127.0.0.1:8443",
            username="tsadmin",
            password=Secret("ts-secret", "flag --ts_pass"),
            verify_tls=False,
        ),
        sync=SyncSettings(purge_action=PurgeAction.DELETE, protect=("ceo@example.com",)),
    )
    path = tmp_path / "ldap2ts.toml"
    path.write_text(render_config(original))
    path.chmod(0o600)

    loaded = load_settings(
        config_file=str(path),
        flags={},
        environ={"LDAP2TS_LDAP_PASSWORD": "ldap-secret", "LDAP2TS_TS_PASSWORD": "ts-secret"},
    )

    assert "ldap-secret" not in path.read_text()
    assert "ts-secret" not in path.read_text()
    assert loaded.ldap == original.ldap
    assert loaded.directory == original.directory
    assert loaded.naming == original.naming
    assert loaded.thoughtspot == original.thoughtspot
    assert loaded.sync == original.sync
