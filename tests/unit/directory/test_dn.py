"""DN parsing, normalised keys, filter escaping and DC domains."""

from __future__ import annotations

import pytest

from ldap2ts import dn
from ldap2ts.errors import UsageError


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            r"cn=R&D\2C Europe,ou=Groups,dc=example,dc=com",
            r"CN=R&D\, Europe,OU=Groups,DC=Example,DC=COM",
        ),
        ("cn=Alice Smith,dc=example,dc=com", "cn = alice  smith , dc=example, dc=com"),
        ("cn=a+uid=b,dc=example,dc=com", "UID=B+CN=A,dc=example,dc=com"),
        (r"cn=\#hash,dc=x", r"cn=\23hash,dc=x"),
        (r"cn=Quote \"Q\",dc=x", r"cn=Quote \22Q\22,dc=x"),
        ("2.5.4.3=Alice,0.9.2342.19200300.100.1.25=x", "cn=alice,dc=x"),
        ("cn=Zoë,dc=x", "cn=ZOË,dc=x"),
        ("cn=Zoe\u0308,dc=x", "cn=Zoë,dc=x"),
    ],
)
def test_normalize_equal_spellings(first: str, second: str) -> None:
    assert dn.normalize(first) == dn.normalize(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("cn=Alice,dc=example,dc=com", "cn=Alice,dc=example,dc=org"),
        (r"cn=a\,b,dc=x", "cn=a,cn=b,dc=x"),
        (r"cn=a\+uid=b,dc=x", "cn=a+uid=b,dc=x"),
    ],
)
def test_normalize_different_entries(first: str, second: str) -> None:
    assert dn.normalize(first) != dn.normalize(second)


def test_normalize_key_is_a_dn() -> None:
    key = dn.normalize(r"CN=R&D\, Europe+UID=X\+Y,OU=Groups,DC=Example,DC=COM")

    assert key == r"cn=r&d\2c europe+uid=x\2by,ou=groups,dc=example,dc=com"
    assert dn.normalize(key) == key


def test_normalize_escapes_every_special_character() -> None:
    key = dn.normalize(r"cn=\#a\,b\+c\\d\"e\<f\>g\;h\=i,dc=x")

    assert key == r"cn=\23a\2cb\2bc\5cd\22e\3cf\3eg\3bh\3di,dc=x"


@pytest.mark.parametrize("bad", ["garbage", "cn=a,,dc=x", "cn=a,dc", 'cn=a"b,dc=x', "=x"])
def test_parse_invalid_dn_names_value(bad: str) -> None:
    with pytest.raises(UsageError) as raised:
        dn.parse(bad, label="base DN")

    assert f"invalid base DN {bad!r}" in str(raised.value)


def test_validate_empty_dn_is_missing() -> None:
    with pytest.raises(UsageError, match="missing base DN"):
        dn.validate("  ", label="base DN")


def test_try_normalize_invalid_gives_none() -> None:
    assert dn.try_normalize("not a dn") is None


def test_is_under() -> None:
    base = dn.normalize("ou=Corp,dc=example,dc=com")

    assert dn.is_under(dn.normalize("cn=a,ou=People,OU=corp,dc=example,dc=com"), base)
    assert dn.is_under(base, base)
    assert not dn.is_under(dn.normalize("cn=a,ou=Partners,dc=example,dc=com"), base)
    assert not dn.is_under(dn.normalize("ou=xCorp,dc=example,dc=com"), base)


def test_is_under_ignores_escaped_comma() -> None:
    base = dn.normalize("dc=com")
    inside_value = dn.normalize(r"cn=a\,dc=com")

    assert not dn.is_under(inside_value, base)


def test_parent_key() -> None:
    assert dn.parent_key(dn.normalize(r"cn=a\,b,ou=x,dc=y")) == "ou=x,dc=y"
    assert dn.parent_key("dc=com") == ""


def test_domain_of() -> None:
    assert dn.domain_of("CN=Sales,OU=Groups,DC=lab,DC=example,DC=com") == "lab.example.com"
    assert dn.domain_of("cn=x,ou=y,o=Example") == ""
    assert dn.domain_of("cn=x,0.9.2342.19200300.100.1.25=example") == "example"


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("a*b", r"a\2ab"),
        ("(x)", r"\28x\29"),
        ("back\\slash", r"back\5cslash"),
        ("nul\x00", r"nul\00"),
        ("R&D, Europe", "R&D, Europe"),
        ("Zoë", "Zoë"),
    ],
)
def test_escape_filter_value(value: str, escaped: str) -> None:
    assert dn.escape_filter_value(value) == escaped


def test_escape_rdn_value_round_trip() -> None:
    value = ' #R&D, "Europe"+<x>;\\ '
    text = f"cn={dn.escape_rdn_value(value)},dc=x"

    assert dn.parse(text)[0][0][1] == value


@pytest.mark.parametrize(
    ("value", "member"),
    [
        ("uid=ada,dc=x#'0101'B", "uid=ada,dc=x"),
        ("uid=ada,dc=x#''B", "uid=ada,dc=x"),
        ("uid=ada,dc=x", "uid=ada,dc=x"),
        (r"cn=a\#'1'B,dc=x", r"cn=a\#'1'B,dc=x"),
        (r"cn=a,dc=x\#'1'B", r"cn=a,dc=x\#'1'B"),
        (r"cn=a,dc=x\\#'1'B", r"cn=a,dc=x\\"),
        ("cn=a,dc=x#'12'B", "cn=a,dc=x#'12'B"),
    ],
)
def test_strip_unique_id(value: str, member: str) -> None:
    assert dn.strip_unique_id(value) == member


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ou=R&D, Europe,dc=example,dc=com",
            "cannot parse ' Europe' after 'ou=R&D,': an RDN is attribute=value, and a comma or "
            'other special character (, + " \\ < > ; =) inside a value must be escaped with a '
            "backslash, such as \\, for a comma; if the comma before it belongs to the value, "
            "write 'ou=R&D\\, Europe,dc=example,dc=com'",
        ),
        (
            "cn=a+b,dc=example,dc=com",
            "cannot parse 'cn=a+b' at the start: an RDN is attribute=value, and a comma or "
            'other special character (, + " \\ < > ; =) inside a value must be escaped with a '
            "backslash, such as \\, for a comma",
        ),
        ("dc=example,,dc=com", "empty RDN after 'dc=example,'; remove the extra comma"),
        (",dc=com", "empty RDN at the start; remove the extra comma"),
        ("dc=example,dc=com,", "empty RDN after 'dc=example,dc=com,'; remove the extra comma"),
    ],
)
def test_syntax_error_names_failing_rdn(text: str, expected: str) -> None:
    assert dn.describe_syntax_error(text) == expected


def test_syntax_error_skips_escaped_commas() -> None:
    message = dn.describe_syntax_error("cn=Back\\,Slash\\\\,x,dc=com")

    assert message.startswith("cannot parse 'x' after 'cn=Back\\,Slash\\\\,':")


def test_validate_names_failing_rdn() -> None:
    with pytest.raises(UsageError) as raised:
        dn.validate("ou=R&D, Europe,dc=example,dc=com", label="base DN")

    assert str(raised.value).startswith(
        "invalid base DN 'ou=R&D, Europe,dc=example,dc=com': cannot parse ' Europe' after"
    )
