"""Group names from DNs, group display names, and naming templates."""

from __future__ import annotations

from typing import Any

import pytest

from ldap2ts.errors import ConfigError, ExitCode
from ldap2ts.model import DirectoryEntry, DirectoryGroup
from ldap2ts.naming import build_desired_state, check_naming
from ldap2ts.settings import NamingSettings

from .factories import group, settings, snapshot, user


def group_names(*groups: DirectoryGroup, naming: NamingSettings | None = None) -> list[str]:
    state = build_desired_state(snapshot(groups=groups), settings(naming=naming))
    return sorted(item.name for item in state.groups.values())


def test_group_name_is_dn_path_and_domain() -> None:
    sales = group("CN=Sales,OU=Groups,OU=Lab,DC=lab,DC=example,DC=com")

    assert group_names(sales) == ["CN=Sales.OU=Groups.OU=Lab@lab.example.com"]


def test_group_name_keeps_escaped_comma() -> None:
    rnd = group(r"cn=R&D\, Europe,ou=Groups,dc=example,dc=com")

    assert group_names(rnd) == [r"cn=R&D\, Europe.ou=Groups@example.com"]


def test_hex_escape_rendered_like_server() -> None:
    rnd = group(r"cn=R&D\2C Europe,ou=Groups,dc=example,dc=com")

    assert group_names(rnd) == [r"cn=R&D\, Europe.ou=Groups@example.com"]


def test_special_characters_escaped_in_name() -> None:
    odd = group(r"cn=a\+b \3Cc\3E \22d\22 \23e,ou=Groups,dc=example,dc=com")

    assert group_names(odd) == [r"cn=a\+b \<c\> \"d\" #e.ou=Groups@example.com"]


def test_unicode_group_name() -> None:
    ventes = group("cn=Ventes Île-de-France,ou=Groupes,dc=example,dc=com")

    assert group_names(ventes) == ["cn=Ventes Île-de-France.ou=Groupes@example.com"]


def test_group_without_dc_keeps_bare_at() -> None:
    sales = group("cn=Sales,ou=Groups,o=Example")

    assert group_names(sales) == ["cn=Sales.ou=Groups.o=Example@"]


def test_group_display_name_chain() -> None:
    dn = "CN=Sales,OU=Groups,DC=example,DC=com"
    cases: list[tuple[dict[str, Any], str]] = [
        ({"displayName": "Display", "name": "Name", "cn": "Common"}, "Display"),
        ({"name": "Name", "cn": "Common"}, "Name"),
        ({"cn": "Common"}, "Common"),
        ({}, dn),
    ]
    for attributes, expected in cases:
        state = build_desired_state(snapshot(groups=(group(dn, **attributes),)), settings())

        only = state.groups["cn=sales.ou=groups@example.com"]
        assert only.display_name == expected, attributes


def test_group_display_name_attribute_first() -> None:
    sales = group(
        "CN=Sales,OU=Groups,DC=example,DC=com", displayName="Display", description="Chosen"
    )
    naming = NamingSettings(group_display_name_attribute="description")
    state = build_desired_state(snapshot(groups=(sales,)), settings(naming=naming))

    assert state.groups["cn=sales.ou=groups@example.com"].display_name == "Chosen"


def test_user_template() -> None:
    jjenkins = user("uid=jjenkins,ou=People,dc=example,dc=com", uid="jjenkins")
    naming = NamingSettings(user_name_template="{uid}@example.com")
    state = build_desired_state(snapshot(users=(jjenkins,)), settings(naming=naming))

    assert [item.name for item in state.users.values()] == ["jjenkins@example.com"]


def test_template_attribute_ignores_case() -> None:
    jjenkins = user("uid=jjenkins,ou=People,dc=example,dc=com", uid="jjenkins", sn="Jenkins")
    naming = NamingSettings(user_name_template="{UID}.{Sn}@example.com")
    state = build_desired_state(snapshot(users=(jjenkins,)), settings(naming=naming))

    assert [item.name for item in state.users.values()] == ["jjenkins.Jenkins@example.com"]


def test_template_keeps_literal_braces() -> None:
    jjenkins = user("uid=jjenkins,ou=People,dc=example,dc=com", uid="jjenkins")
    naming = NamingSettings(user_name_template="{{{uid}}}")
    state = build_desired_state(snapshot(users=(jjenkins,)), settings(naming=naming))

    assert [item.name for item in state.users.values()] == ["{jjenkins}"]


def test_template_missing_attribute_skips_user() -> None:
    keep = user("uid=keep-me,ou=People,dc=example,dc=com", uid="keep-me")
    drop = user("cn=drop-me,ou=People,dc=example,dc=com", cn="drop-me")
    naming = NamingSettings(user_name_template="{uid}@example.com")
    state = build_desired_state(snapshot(users=(keep, drop)), settings(naming=naming))

    assert list(state.users) == ["keep-me@example.com"]
    assert state.warnings == [
        "1 user skipped, no uid attribute for the template '{uid}@example.com': "
        "cn=drop-me,ou=People,dc=example,dc=com"
    ]


def test_group_template() -> None:
    sales = group("CN=Sales,OU=Groups,DC=example,DC=com", cn="Sales")
    naming = NamingSettings(group_name_template="{cn}")
    state = build_desired_state(snapshot(groups=(sales,)), settings(naming=naming))

    assert [item.name for item in state.groups.values()] == ["Sales"]


@pytest.mark.parametrize(
    "template",
    ["{uid", "uid}", "{}", "{0}", "{uid!r}", "{uid:>9}", "{user.name}", "{a[0]}", "static"],
)
def test_invalid_template_raises_config_error(template: str) -> None:
    naming = NamingSettings(user_name_template=template)

    with pytest.raises(ConfigError) as raised:
        build_desired_state(snapshot(), settings(naming=naming))

    assert raised.value.key == "naming.user_name_template"
    assert repr(template) in str(raised.value)
    assert raised.value.exit_code is ExitCode.USAGE


def test_invalid_group_template_names_its_key() -> None:
    naming = NamingSettings(group_name_template="{cn")

    with pytest.raises(ConfigError, match=r"^naming.group_name_template: invalid template '\{cn'"):
        build_desired_state(snapshot(), settings(naming=naming))


def test_invalid_group_dn_skipped() -> None:
    broken = DirectoryGroup(
        DirectoryEntry(dn="cn=#zz,dc=example,dc=com", dn_key="broken", attributes={}),
        frozenset(),
    )
    state = build_desired_state(snapshot(groups=(broken,)), settings())

    assert state.groups == {}
    assert state.warnings == [
        "1 group skipped, the DN is not valid (RFC 4514): cn=#zz,dc=example,dc=com"
    ]


def test_check_naming_without_directory() -> None:
    check_naming(NamingSettings(user_name_template="{uid}@example.com", group_name_template="{cn}"))

    with pytest.raises(ConfigError, match="naming.user_name_template"):
        check_naming(NamingSettings(user_name_template="{uid!r}"))
