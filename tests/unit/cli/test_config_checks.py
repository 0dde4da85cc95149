"""Checks of single settings that catch a typo: member attribute, CA and password files, DNs."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit.certs import make_ca

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


CA_KEYS = [("ldap.ca_file", "--ldap-ca-file"), ("thoughtspot.ca_file", "--ts-ca-file")]
PEM_HINT = "give the path of a PEM file of CA certificates"


@pytest.mark.parametrize(("key", "flag"), CA_KEYS)
def test_ca_file_folder_rejected(
    write_config: WriteConfig, tmp_path: Path, key: str, flag: str
) -> None:
    message = flag_error(write_config, key, str(tmp_path), flag)

    assert message == (
        f"{key}, flag {flag}: invalid value {str(tmp_path)!r}: is a directory, not a file: "
        f"{PEM_HINT}"
    )


@pytest.mark.parametrize(("key", "flag"), CA_KEYS)
def test_ca_file_missing_rejected(
    write_config: WriteConfig, tmp_path: Path, key: str, flag: str
) -> None:
    missing = str(tmp_path / "nope.pem")

    message = flag_error(write_config, key, missing, flag)

    assert message == f"{key}, flag {flag}: invalid value {missing!r}: file not found: {PEM_HINT}"


@pytest.mark.parametrize(("key", "flag"), CA_KEYS)
def test_ca_file_without_certificate_rejected(
    write_config: WriteConfig, key: str, flag: str
) -> None:
    not_pem = str(write_config(name="not-a-ca.toml"))

    message = flag_error(write_config, key, not_pem, flag)

    assert message == (
        f"{key}, flag {flag}: invalid value {not_pem!r}: no PEM certificate in the file (no "
        "'-----BEGIN CERTIFICATE-----' line): point it at a PEM bundle of CA certificates"
    )


def test_ca_file_with_broken_certificate_rejected(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.pem"
    broken.write_text("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")

    message = flag_error(write_config, "ldap.ca_file", str(broken), "--ldap-ca-file")

    assert message.startswith(
        f"ldap.ca_file, flag --ldap-ca-file: invalid value {str(broken)!r}: the certificates "
        "in the file cannot be loaded ("
    )
    assert message.endswith("): point it at a PEM bundle of CA certificates")


def test_pem_ca_file_accepted(write_config: WriteConfig, tmp_path: Path) -> None:
    ca_file, _ = make_ca(tmp_path)

    settings = load_settings(
        config_file=str(write_config()),
        flags={
            "ldap.ca_file": RawValue(str(ca_file), "flag --ldap-ca-file"),
            "thoughtspot.ca_file": RawValue(str(ca_file), "flag --ts-ca-file"),
        },
        environ=SECRET_ENV,
    )

    assert settings.ldap.ca_file == str(ca_file)
    assert settings.thoughtspot.ca_file == str(ca_file)


def test_password_file_folder_rejected(write_config: WriteConfig, tmp_path: Path) -> None:
    message = flag_error(write_config, "ldap.password_file", str(tmp_path), "--ldap-password-file")

    assert message == (
        f"ldap.password_file, flag --ldap-password-file: secret file {tmp_path} is a "
        "directory, not a file: give the path of the file that contains the secret"
    )


def test_base_dn_with_bare_comma_rejected(write_config: WriteConfig) -> None:
    base = "ou=R&D, Ünïcödé,dc=example,dc=com"

    message = flag_error(write_config, "directory.base_dn", base, "--base-dn")

    assert message == (
        f"directory.base_dn, flag --base-dn: invalid value {base!r}: invalid DN (RFC 4514): "
        "cannot parse ' Ünïcödé' after 'ou=R&D,': an RDN is attribute=value, and a comma or "
        'other special character (, + " \\ < > ; =) inside a value must be escaped with a '
        "backslash, such as \\, for a comma; if the comma before it belongs to the value, "
        "write 'ou=R&D\\, Ünïcödé,dc=example,dc=com'"
    )


def test_escaped_comma_in_base_dn_accepted(write_config: WriteConfig) -> None:
    base = "ou=R&D\\, Ünïcödé,dc=example,dc=com"

    settings = load_settings(
        config_file=str(write_config()),
        flags={"directory.base_dn": RawValue(base, "flag --base-dn")},
        environ=SECRET_ENV,
    )

    assert settings.directory.base_dn == base
