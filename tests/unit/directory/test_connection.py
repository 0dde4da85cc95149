"""LDAP URL and connection settings checks, made before any packet is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldap2ts.directory.connection import ServerAddress, check_settings, parse_url
from ldap2ts.errors import UsageError
from ldap2ts.settings import LdapSettings, Secret


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("ldap://dc1.example.com", ServerAddress("ldap", "dc1.example.com", 389)),
        ("ldaps://dc1.example.com", ServerAddress("ldaps", "dc1.example.com", 636)),
        ("LDAP://127.0.0.1:1389/", ServerAddress("ldap", "127.0.0.1", 1389)),
        ("ldaps://[::1]:6360", ServerAddress("ldaps", "::1", 6360)),
    ],
)
def test_parse_url(url: str, address: ServerAddress) -> None:
    assert parse_url(url) == address


def test_ipv6_url_round_trip() -> None:
    assert parse_url("ldaps://[::1]:6360").url == "ldaps://[::1]:6360"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("dc1.example.com", "invalid LDAP URL 'dc1.example.com': missing scheme"),
        (
            "http://dc1.example.com",
            "unsupported LDAP URL scheme 'http' in 'http://dc1.example.com'",
        ),
        ("ldapi:///var/run/slapd", "unsupported LDAP URL scheme 'ldapi'"),
        ("ldap://", "invalid LDAP URL 'ldap://': missing host name"),
        ("ldap://host:99999", "invalid LDAP URL 'ldap://host:99999': Port out of range"),
        ("ldap://host:abc", "invalid LDAP URL 'ldap://host:abc': Port could not be cast"),
        ("ldap://host:0", "invalid LDAP URL 'ldap://host:0': port 0"),
        ("ldap://host/dc=example,dc=com", "a base DN, filter or other part after the host"),
        ("ldap://[::1", "invalid LDAP URL 'ldap://[::1'"),
    ],
)
def test_invalid_url_message(url: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_url(url)

    assert message in str(raised.value)
    assert "ldap://HOST:389 or ldaps://HOST:636" in str(raised.value)


def test_url_with_password_not_repeated() -> None:
    with pytest.raises(UsageError) as raised:
        parse_url("ldap://reader:s3cret@host")

    assert str(raised.value).startswith("invalid LDAP URL: credentials do not belong in the URL")
    assert "s3cret" not in str(raised.value)


def test_start_tls_with_ldaps_rejected() -> None:
    settings = LdapSettings(url="ldaps://host", start_tls=True)

    with pytest.raises(UsageError, match="start_tls is set but 'ldaps://host' is already"):
        check_settings(settings)


def test_missing_ca_file_rejected(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    settings = LdapSettings(url="ldaps://host", ca_file=str(missing))

    with pytest.raises(UsageError) as raised:
        check_settings(settings)

    assert str(raised.value) == (
        f"invalid LDAP CA file '{missing}': file not found: give the path of a PEM file of "
        "CA certificates"
    )


def test_ca_file_folder_rejected(tmp_path: Path) -> None:
    settings = LdapSettings(url="ldaps://host", ca_file=str(tmp_path))

    with pytest.raises(UsageError) as raised:
        check_settings(settings)

    assert str(raised.value) == (
        f"invalid LDAP CA file '{tmp_path}': is a directory, not a file: give the path of a "
        "PEM file of CA certificates"
    )


def test_ca_file_without_certificate_rejected(tmp_path: Path) -> None:
    not_pem = tmp_path / "ldap2ts.toml"
    not_pem.write_text('[ldap]\nurl = "ldaps://host"\n')
    settings = LdapSettings(url="ldaps://host", ca_file=str(not_pem))

    with pytest.raises(UsageError) as raised:
        check_settings(settings)

    assert str(raised.value) == (
        f"invalid LDAP CA file '{not_pem}': no PEM certificate in the file (no "
        "'-----BEGIN CERTIFICATE-----' line): point it at a PEM bundle of CA certificates"
    )


def test_bind_dn_without_password_rejected() -> None:
    settings = LdapSettings(url="ldap://host", bind_dn="cn=reader,dc=example,dc=com")

    with pytest.raises(UsageError) as raised:
        check_settings(settings)

    assert str(raised.value).startswith(
        "missing password for bind DN 'cn=reader,dc=example,dc=com'"
    )


def test_invalid_bind_dn_rejected() -> None:
    settings = LdapSettings(url="ldap://host", bind_dn="reader", password=Secret("x", "test"))

    with pytest.raises(UsageError, match="invalid bind DN 'reader'"):
        check_settings(settings)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timeout", 0.0, "invalid LDAP timeout 0.0"),
        ("page_size", 0, "invalid LDAP page size 0"),
        ("range_step", 0, "invalid range step 0"),
    ],
)
def test_invalid_numbers_rejected(field: str, value: float, message: str) -> None:
    settings = LdapSettings(url="ldap://host")
    setattr(settings, field, value)

    with pytest.raises(UsageError, match=message):
        check_settings(settings)
