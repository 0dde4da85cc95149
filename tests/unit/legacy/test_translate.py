"""Translation of legacy flags into ldap2ts Settings: one row per legacy meaning."""

from __future__ import annotations

import pytest

from ldap2ts.legacy.command_line import parse_command_line
from ldap2ts.legacy.translate import to_settings
from ldap2ts.settings import Flavour, PurgeAction, Scope, Secret, Settings

from .test_flags import BASE


def settings_for(*extra: str) -> Settings:
    options = parse_command_line([*BASE, "--basedn", "DC=example,DC=com", *extra]).options
    assert options is not None
    return to_settings(options)


def field(settings: Settings, path: str) -> object:
    section, name = path.split(".")
    return getattr(getattr(settings, section), name)


def test_default_translation() -> None:
    settings = settings_for()
    assert settings.ldap.url == "ldap://dc1.example.com:389"
    assert settings.ldap.bind_dn == "CN=sync,CN=Users,DC=example,DC=com"
    assert settings.ldap.password == Secret("ldap-secret", "any")
    assert settings.ldap.verify_tls is True
    assert settings.directory.flavour is Flavour.AD
    assert settings.directory.base_dn == "DC=example,DC=com"
    assert settings.directory.scope is Scope.SUB
    assert settings.directory.filter == "(cn=*)"
    assert settings.directory.member_attribute == "member"
    assert settings.directory.include_nontree_members is False
    assert settings.naming.user_identifier == "userPrincipalName"
    assert settings.naming.authdomain is None
    assert settings.naming.email_attribute == "mail"
    assert settings.naming.user_display_name_attribute == "displayName"
    assert settings.naming.group_display_name_attribute == "displayName"
    assert settings.naming.user_name_template is None
    assert settings.naming.group_name_template is None
    assert settings.thoughtspot.url == "https://ts.example.com:443"
    assert settings.thoughtspot.username == "tsadmin"
    assert settings.thoughtspot.password == Secret("ts-secret", "any")
    assert settings.thoughtspot.verify_tls is True
    assert settings.sync.upsert_users is False
    assert settings.sync.upsert_groups is False
    assert settings.sync.keep_local_membership is False
    assert settings.sync.purge_users is False
    assert settings.sync.purge_groups is False
    assert settings.sync.purge_action is PurgeAction.NONE
    assert settings.sync.force is False


@pytest.mark.parametrize(
    ("flags", "path", "expected"),
    [
        (["--disable_ssl"], "thoughtspot.verify_tls", False),
        (["--ts_ca_file", "/ca.pem"], "thoughtspot.ca_file", "/ca.pem"),
        (["--ldap_ca_file", "/ca.pem"], "ldap.ca_file", "/ca.pem"),
        (["--scope", "0"], "directory.scope", Scope.BASE),
        (["--scope", "1"], "directory.scope", Scope.ONE),
        (["--filter_str", "(objectClass=*)"], "directory.filter", "(objectClass=*)"),
        (["--include_nontree_members"], "directory.include_nontree_members", True),
        (["--member_str", "memberUid"], "directory.member_attribute", "memberUid"),
        (["--ldap_type", "openldap"], "directory.flavour", Flavour.OPENLDAP),
        (["--ldap_type", "openldap"], "naming.user_identifier", "uid"),
        (["--user_identifier", "sAMAccountName"], "naming.user_identifier", "sAMAccountName"),
        (["--authdomain_identifier", "corp.local"], "naming.authdomain", "corp.local"),
        (["--authdomain_identifier", ""], "naming.authdomain", None),
        (["--email_identifier", "proxyAddresses"], "naming.email_attribute", "proxyAddresses"),
        (["--user_display_name_identifier", "cn"], "naming.user_display_name_attribute", "cn"),
        (["--group_display_name_identifier", "cn"], "naming.group_display_name_attribute", "cn"),
        (["--keep_local_membership"], "sync.keep_local_membership", True),
        (["--upsert_user"], "sync.upsert_users", True),
        (["--upsert_user"], "sync.upsert_groups", False),
        (["--upsert_group"], "sync.upsert_groups", True),
        (["--upsert_group"], "sync.upsert_users", False),
        (["--force"], "sync.force", True),
    ],
)
def test_flag_translation(flags: list[str], path: str, expected: object) -> None:
    assert field(settings_for(*flags), path) == expected


@pytest.mark.parametrize(
    ("flags", "users", "groups"),
    [
        (["--purge"], True, True),
        (["--purge_users"], True, False),
        (["--purge_groups"], False, True),
        (["--purge_users", "--purge_groups"], True, True),
    ],
)
def test_purge_flags_delete(flags: list[str], users: bool, groups: bool) -> None:
    settings = settings_for(*flags)
    assert settings.sync.purge_users is users
    assert settings.sync.purge_groups is groups
    assert settings.sync.purge_action is PurgeAction.DELETE


def test_purge_keeps_safety_thresholds() -> None:
    settings = settings_for("--purge")
    defaults = Settings.__dataclass_fields__["sync"].default_factory()  # type: ignore[misc]
    assert settings.sync.max_removals == defaults.max_removals
    assert settings.sync.max_removal_ratio == defaults.max_removal_ratio
    assert settings.sync.force is False


def test_ad_filtering_stays_on() -> None:
    directory = settings_for().directory
    assert directory.include_disabled is False
    assert directory.exclude_system_groups is True


def test_secrets_do_not_show_in_repr() -> None:
    text = repr(settings_for())
    assert "ts-secret" not in text
    assert "ldap-secret" not in text
    assert "flag --ts_pass" in text
