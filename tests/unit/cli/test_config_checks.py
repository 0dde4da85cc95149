"""Checks of single settings that protect a run from a typo: member attribute."""

from __future__ import annotations

import pytest

from ldap2ts.config import RawValue, load_settings
from ldap2ts.errors import ConfigError, ExitCode
from tests.unit.cli.conftest import WriteConfig

SECRET_ENV = {"LDAP2TS_TS_PASSWORD": "ts-secret"}


def flag_error(write_config: WriteConfig, key: str, value: str, flag: str) -> str:
    with pytest.raises(ConfigError) as raised:
        load_settings(
            config_file=str(write_config()),
            flags={key: RawValue(value, f"flag {flag}")},
            environ=SECRET_ENV,
        )
    assert raised.value.exit_code is ExitCode.USAGE
    return str(raised.value)


@pytest.mark.parametrize("value", ["membr", "memberOf", "member;range=0-*", ""])
def test_unsupported_member_attribute_rejected(write_config: WriteConfig, value: str) -> None:
    message = flag_error(write_config, "directory.member_attribute", value, "--member-attribute")

    assert message == (
        f"directory.member_attribute, flag --member-attribute: invalid value {value!r}: "
        "expected member, uniqueMember or memberUid (the group attribute that lists the members)"
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("member", "member"),
        ("MEMBER", "member"),
        ("uniquemember", "uniqueMember"),
        (" memberUID ", "memberUid"),
    ],
)
def test_member_attribute_spelling_normalised(
    write_config: WriteConfig, value: str, expected: str
) -> None:
    settings = load_settings(
        config_file=str(write_config()),
        flags={"directory.member_attribute": RawValue(value, "flag --member-attribute")},
        environ=SECRET_ENV,
    )

    assert settings.directory.member_attribute == expected
