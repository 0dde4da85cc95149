"""Default filters, the extra filter, and RFC 4515 syntax checks."""

from __future__ import annotations

import pytest

from ldap2ts.directory.filters import (
    AD_GROUP_FILTER,
    AD_USER_FILTER,
    OPENLDAP_GROUP_FILTER,
    OPENLDAP_USER_FILTER,
    and_filters,
    build_filters,
    equality_filter,
    validate_filter,
)
from ldap2ts.errors import UsageError
from ldap2ts.settings import DirectorySettings, Flavour


def test_ad_defaults_exclude_computers() -> None:
    filters = build_filters(DirectorySettings(flavour=Flavour.AD))

    assert filters.users == "(&(objectCategory=person)(objectClass=user)(!(objectClass=computer)))"
    assert filters.groups == "(objectClass=group)"


def test_openldap_defaults() -> None:
    filters = build_filters(DirectorySettings(flavour=Flavour.OPENLDAP))

    assert filters.users == "(objectClass=inetOrgPerson)"
    assert filters.groups == (
        "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))"
    )


def test_extra_filter_anded_to_both() -> None:
    filters = build_filters(DirectorySettings(flavour=Flavour.AD, filter="(cn=*)"))

    assert filters.users == f"(&{AD_USER_FILTER}(cn=*))"
    assert filters.groups == f"(&{AD_GROUP_FILTER}(cn=*))"


def test_extra_filter_without_parentheses_wrapped() -> None:
    filters = build_filters(DirectorySettings(flavour=Flavour.OPENLDAP, filter="cn=*"))

    assert filters.users == f"(&{OPENLDAP_USER_FILTER}(cn=*))"
    assert filters.groups == f"(&{OPENLDAP_GROUP_FILTER}(cn=*))"


def test_user_and_group_filters_replace_defaults() -> None:
    settings = DirectorySettings(
        flavour=Flavour.AD,
        user_filter="(objectClass=person)",
        group_filter="(objectClass=groupOfNames)",
        filter="(ou=x)",
    )

    filters = build_filters(settings)

    assert filters.users == "(&(objectClass=person)(ou=x))"
    assert filters.groups == "(&(objectClass=groupOfNames)(ou=x))"


def test_and_filters_single() -> None:
    assert and_filters("(a=b)") == "(a=b)"
    assert and_filters("(a=b)", "(c=d)") == "(&(a=b)(c=d))"


def test_equality_filter_escapes_value() -> None:
    assert equality_filter("uid", "a*(b)\\") == r"(uid=a\2a\28b\29\5c)"


@pytest.mark.parametrize(
    "text",
    [
        "(cn=*)",
        "(cn=a*b*c)",
        "(&(objectClass=person)(|(cn=a)(cn=b))(!(cn=c)))",
        "(cn>=a)",
        "(cn<=a)",
        "(cn~=a)",
        r"(cn=R&D\2c Europe)",
        r"(cn=\28x\29)",
        "(member:1.2.840.113556.1.4.1941:=cn=x,dc=y)",
        "(cn:dn:=x)",
        "(cn:=x)",
        "(cn:caseExactMatch:=x)",
        "(:dn:2.5.13.5:=x)",
        "(cn;lang-en=x)",
        "(2.5.4.3=x)",
        "(&)",
        "(|)",
        "(cn=Zoë)",
        "(cn=)",
    ],
)
def test_valid_filters(text: str) -> None:
    assert validate_filter(text) == text


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("(cn=a", "missing ')' at position 6"),
        ("(cn=a))", "unexpected text after the end of the filter at position 7"),
        ("(&(cn=a)", "missing ')' at position 9"),
        ("((cn=a))", "missing attribute description at position 2"),
        ("(cn)", "expected '=', '~=', '>=', '<=' or ':' after the attribute at position 4"),
        ("(=a)", "missing attribute description at position 2"),
        ("(cn=a(b)", "unescaped '(' in a value at position 6"),
        (r"(cn=a\zz)", "'\\' not followed by two hexadecimal digits at position 6"),
        ("(cn>=a*)", "unescaped '*' in a value at position 7"),
        ("(!(cn=a)(cn=b))", "expected ')', found '(' at position 9"),
        ("(:=x)", "missing matching rule after ':' at position 3"),
        ("(:dn:=x)", "missing matching rule after ':' at position 6"),
        ("(", "missing filter component at position 2"),
        ("(cn=a)(cn=b)", "unexpected text after the end of the filter at position 7"),
    ],
)
def test_invalid_filters_name_problem(text: str, problem: str) -> None:
    with pytest.raises(UsageError) as raised:
        validate_filter(text, label="filter")

    message = str(raised.value)
    assert message.startswith(f"invalid filter {text!r}: {problem}")
    assert "expected RFC 4515 syntax" in message


def test_empty_filter_rejected() -> None:
    with pytest.raises(UsageError, match="empty user filter"):
        validate_filter("  ", label="user filter")


def test_deep_nesting_rejected() -> None:
    text = "(!" * 150 + "(cn=a)" + ")" * 150

    with pytest.raises(UsageError, match="nested more than 100 levels"):
        validate_filter(text)


def test_build_filters_names_bad_setting() -> None:
    with pytest.raises(UsageError, match="invalid group filter '\\(objectClass=group'"):
        build_filters(DirectorySettings(group_filter="(objectClass=group"))
