"""Checks of the read settings made before connecting, and the attributes requested."""

from __future__ import annotations

from typing import Any

import pytest

from ldap2ts.directory.plan import plan_read
from ldap2ts.errors import UsageError
from ldap2ts.settings import (
    DirectorySettings,
    Flavour,
    LdapSettings,
    NamingSettings,
    Scope,
    Settings,
    ThoughtSpotSettings,
)


def settings(naming: dict[str, Any] | None = None, **directory: Any) -> Settings:
    directory.setdefault("base_dn", "dc=example,dc=com")
    return Settings(
        ldap=LdapSettings(url="ldap://127.0.0.1"),
        directory=DirectorySettings(**directory),
        naming=NamingSettings(**(naming or {})),
        thoughtspot=ThoughtSpotSettings(url="https://127.0.0.1:1", username="tsadmin"),
    )


def test_openldap_attributes() -> None:
    plan = plan_read(settings(flavour=Flavour.OPENLDAP, extra_attributes=("title",)))

    assert plan.user_attributes == [
        "cn", "uid", "mail", "displayName", "name", "userPrincipalName", "title",
        "entryUUID", "sAMAccountName",
    ]  # fmt: skip
    assert plan.group_attributes == [
        "cn",
        "uid",
        "mail",
        "displayName",
        "name",
        "title",
        "entryUUID",
    ]


def test_ad_attributes() -> None:
    plan = plan_read(settings(flavour=Flavour.AD))

    assert plan.user_attributes == [
        "cn", "uid", "mail", "displayName", "name", "userPrincipalName", "sAMAccountName",
        "objectGUID", "objectSid", "userAccountControl",
    ]  # fmt: skip
    assert "isCriticalSystemObject" in plan.group_attributes
    assert "member" not in plan.group_attributes


def test_template_fields_read() -> None:
    naming = {"user_name_template": "{employeeNumber}@example.com", "group_name_template": "{ou}"}

    plan = plan_read(settings(naming=naming))

    assert "employeeNumber" in plan.user_attributes
    assert "ou" in plan.group_attributes


def test_member_uid_reads_uid() -> None:
    plan = plan_read(settings(member_attribute="memberUid"))

    assert plan.members_are_uids
    assert "uid" in plan.user_attributes


@pytest.mark.parametrize(
    ("naming", "directory", "message"),
    [
        (
            {"user_identifier": "user principal"},
            {},
            "invalid user identifier attribute 'user principal'",
        ),
        ({"email_attribute": "mail("}, {}, "invalid email attribute 'mail('"),
        ({"user_display_name_attribute": ""}, {}, "invalid user display name attribute ''"),
        ({"group_display_name_attribute": "a b"}, {}, "invalid group display name attribute 'a b'"),
        (
            {"user_name_template": "{uid x}@x"},
            {},
            "invalid attribute in the user name template 'uid x'",
        ),
        ({}, {"extra_attributes": ("ok", "not ok")}, "invalid extra attribute 'not ok'"),
        ({}, {"member_attribute": "-member"}, "invalid member attribute '-member'"),
        (
            {},
            {"member_attribute": "memberOf"},
            "invalid member attribute 'memberOf' (directory.member_attribute): expected "
            "member, uniqueMember or memberUid",
        ),
        ({}, {"member_attribute": "membr"}, "invalid member attribute 'membr'"),
    ],
)
def test_invalid_attribute_names(
    naming: dict[str, Any], directory: dict[str, Any], message: str
) -> None:
    with pytest.raises(UsageError) as raised:
        plan_read(settings(naming=naming, **directory))

    assert str(raised.value).startswith(message)


def test_member_attribute_spelling_normalised() -> None:
    plan = plan_read(settings(member_attribute="UNIQUEMEMBER"))

    assert plan.member_attribute == "uniqueMember"
    assert not plan.members_are_uids


def test_regions() -> None:
    sub = plan_read(settings(base_dn="ou=People,dc=example,dc=com"))
    one = plan_read(settings(base_dn="ou=People,dc=example,dc=com", scope=Scope.ONE))
    base = plan_read(settings(base_dn="ou=People,dc=example,dc=com", scope=Scope.BASE))
    child = "cn=a,ou=people,dc=example,dc=com"
    grandchild = "cn=a,ou=x,ou=people,dc=example,dc=com"
    itself = "ou=people,dc=example,dc=com"

    assert sub.in_region(child)
    assert sub.in_region(grandchild)
    assert one.in_region(child)
    assert not one.in_region(grandchild)
    assert base.in_region(itself)
    assert not base.in_region(child)
    assert not sub.in_region("cn=a,ou=partners,dc=example,dc=com")
