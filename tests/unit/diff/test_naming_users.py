"""User names, display names and emails by the legacy rules."""

from __future__ import annotations

from typing import Any

from ldap2ts.model import DirectoryUser, name_key
from ldap2ts.naming import build_desired_state
from ldap2ts.settings import Flavour, NamingSettings

from .factories import settings, snapshot, user

LAB = "OU=People,OU=Lab,DC=lab,DC=example,DC=com"


def names_of(*users: DirectoryUser, **naming: str) -> list[str]:
    naming_settings = NamingSettings(**naming)
    state = build_desired_state(snapshot(users=users), settings(naming=naming_settings))
    return sorted(item.name for item in state.users.values())


def test_upn_is_the_name_by_default() -> None:
    keep = user(
        f"CN=Keep Me,{LAB}", userPrincipalName="keep-me@example.com", sAMAccountName="keepme"
    )

    assert names_of(keep) == ["keep-me@example.com"]


def test_authdomain_appended_even_to_upn() -> None:
    jdoe = user(f"CN=John Doe,{LAB}", userPrincipalName="jdoe@corp.example.com")
    state = build_desired_state(
        snapshot(users=(jdoe,)), settings(naming=NamingSettings(authdomain="corp.local"))
    )

    assert [item.name for item in state.users.values()] == ["jdoe@corp.example.com@corp.local"]


def test_authdomain_on_upn_warns_once_with_template() -> None:
    users = tuple(
        user(f"CN=User {number},{LAB}", userPrincipalName=f"user{number}@corp.example.com")
        for number in range(3)
    )
    state = build_desired_state(
        snapshot(users=users), settings(naming=NamingSettings(authdomain="corp.local"))
    )

    matching = [warning for warning in state.warnings if "corp.local" in warning]
    assert len(matching) == 1
    assert 'naming.user_name_template = "{userPrincipalName}"' in matching[0]
    assert "user0@corp.example.com becomes user0@corp.example.com@corp.local" in matching[0]


def test_authdomain_on_plain_values_gives_no_warning() -> None:
    plain = user(f"CN=Plain,{LAB}", sAMAccountName="plain")
    state = build_desired_state(
        snapshot(users=(plain,)),
        settings(naming=NamingSettings(user_identifier="sAMAccountName", authdomain="corp.local")),
    )

    assert [item.name for item in state.users.values()] == ["plain@corp.local"]
    assert state.warnings == []


def test_empty_authdomain_appends_nothing() -> None:
    keep = user(f"CN=Keep Me,{LAB}", userPrincipalName="keep-me@example.com")

    assert names_of(keep, authdomain="") == ["keep-me@example.com"]
    assert names_of(keep, authdomain="  ") == ["keep-me@example.com"]


def test_sam_account_name_gets_domain_of_dn() -> None:
    lnowak = user(
        f"CN=Lena Nowak,{LAB}", sAMAccountName="lnowak", userPrincipalName="lena@example.com"
    )

    assert names_of(lnowak, user_identifier="sAMAccountName") == ["lnowak@lab.example.com"]


def test_identifier_name_ignores_case() -> None:
    lnowak = user(f"CN=Lena Nowak,{LAB}", sAMAccountName="lnowak")

    assert names_of(lnowak, user_identifier="samaccountname") == ["lnowak@lab.example.com"]


def test_missing_upn_falls_back_to_sam() -> None:
    lnowak = user(f"CN=Lena Nowak,{LAB}", sAMAccountName="lnowak")

    assert names_of(lnowak) == ["lnowak@lab.example.com"]


def test_fallback_to_sam_takes_authdomain() -> None:
    lnowak = user(f"CN=Lena Nowak,{LAB}", sAMAccountName="lnowak")

    assert names_of(lnowak, authdomain="corp.local") == ["lnowak@corp.local"]


def test_user_without_identifier_or_sam_skipped() -> None:
    keep = user(f"CN=Keep Me,{LAB}", userPrincipalName="keep-me@example.com")
    drop = user(f"CN=Drop Me,{LAB}", cn="Drop Me")
    state = build_desired_state(snapshot(users=(keep, drop)), settings())

    assert list(state.users) == ["keep-me@example.com"]
    assert state.warnings == [
        f"1 user skipped, no userPrincipalName or sAMAccountName attribute: CN=Drop Me,{LAB}"
    ]


def test_many_skipped_users_give_one_warning() -> None:
    drops = tuple(user(f"CN=Drop {number:02},{LAB}", cn="x") for number in range(12))
    state = build_desired_state(snapshot(users=drops), settings())

    assert len(state.warnings) == 1
    assert state.warnings[0].startswith("12 users skipped, no userPrincipalName")
    assert state.warnings[0].endswith("; and 7 more")


def test_openldap_uid_is_bare() -> None:
    jjenkins = user(
        "uid=jjenkins000000,ou=People,dc=example,dc=com",
        uid="jjenkins000000",
        cn="Jane Jenkins",
        mail="jjenkins@example.com",
    )
    state = build_desired_state(
        snapshot(users=(jjenkins,)),
        settings(flavour=Flavour.OPENLDAP, naming=NamingSettings(user_identifier="uid")),
    )

    assert [item.name for item in state.users.values()] == ["jjenkins000000"]


def test_unicode_dn_and_values() -> None:
    zoe = user(f"CN=Zoë Åström,{LAB}", sAMAccountName="zastrom", displayName="Zoë Åström")
    state = build_desired_state(
        snapshot(users=(zoe,)), settings(naming=NamingSettings(user_identifier="sAMAccountName"))
    )

    only = state.users["zastrom@lab.example.com"]
    assert only.display_name == "Zoë Åström"
    assert only.source_dn == f"CN=Zoë Åström,{LAB}"


def test_escaped_dn_user_named() -> None:
    backslash = user(r"CN=Back\\Slash\, Jr.,OU=People,DC=example,DC=com", sAMAccountName="bslash")

    assert names_of(backslash, user_identifier="sAMAccountName") == ["bslash@example.com"]


def test_display_name_attribute_first() -> None:
    keep = user(
        f"CN=Keep,{LAB}",
        userPrincipalName="keep@example.com",
        displayName="Display",
        name="Name",
        cn="Common",
        description="Chosen",
    )
    state = build_desired_state(
        snapshot(users=(keep,)),
        settings(naming=NamingSettings(user_display_name_attribute="description")),
    )

    assert state.users["keep@example.com"].display_name == "Chosen"


def test_display_name_fallback_chain() -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"displayName": "Display", "name": "Name", "cn": "Common"}, "Display"),
        ({"name": "Name", "cn": "Common"}, "Name"),
        ({"cn": "Common"}, "Common"),
        ({}, "keep@example.com"),
    ]
    for attributes, expected in cases:
        keep = user(f"CN=Keep,{LAB}", userPrincipalName="keep@example.com", **attributes)
        state = build_desired_state(snapshot(users=(keep,)), settings())

        assert state.users["keep@example.com"].display_name == expected, attributes


def test_email_is_first_value() -> None:
    keep = user(
        f"CN=Keep,{LAB}",
        userPrincipalName="keep@example.com",
        mail=("first@example.com", "second@example.com"),
    )
    state = build_desired_state(snapshot(users=(keep,)), settings())

    assert state.users["keep@example.com"].email == "first@example.com"


def test_email_attribute_configurable() -> None:
    keep = user(
        f"CN=Keep,{LAB}",
        userPrincipalName="keep@example.com",
        mail="mail@example.com",
        otherMailbox="other@example.com",
    )
    state = build_desired_state(
        snapshot(users=(keep,)), settings(naming=NamingSettings(email_attribute="otherMailbox"))
    )

    assert state.users["keep@example.com"].email == "other@example.com"


def test_missing_email_is_none() -> None:
    keep = user(f"CN=Keep,{LAB}", userPrincipalName="keep@example.com")
    state = build_desired_state(snapshot(users=(keep,)), settings())

    assert state.users["keep@example.com"].email is None


def test_disabled_user_is_inactive() -> None:
    disabled = user(f"CN=Disabled,{LAB}", disabled=True, userPrincipalName="disabled@example.com")
    state = build_desired_state(snapshot(users=(disabled,)), settings())

    assert state.users["disabled@example.com"].active is False


def test_anchor_carried() -> None:
    keep = user(f"CN=Keep,{LAB}", anchor="guid-1", userPrincipalName="keep@example.com")
    state = build_desired_state(snapshot(users=(keep,)), settings())

    assert state.users["keep@example.com"].anchor == "guid-1"


def test_incomplete_read_carried() -> None:
    keep = user(f"CN=Keep,{LAB}", userPrincipalName="keep@example.com")
    state = build_desired_state(
        snapshot(users=(keep,), incomplete="size limit exceeded"), settings()
    )

    assert state.complete is False
    assert state.incomplete_reasons == ["size limit exceeded"]
    assert name_key("Keep@Example.com") in state.users
