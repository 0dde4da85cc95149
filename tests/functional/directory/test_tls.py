"""ldaps://, StartTLS and certificate verification against a real slapd."""

from __future__ import annotations

import pytest
from testkit import certs
from testkit.slapd import Slapd

from ldap2ts.directory import read_directory
from ldap2ts.errors import DirectoryError
from tests.fixtures.slapd import EDGE_BASE, Company, make_settings

NEVER_FALLS_BACK = "(ldap2ts never falls back to plaintext)"


def test_ldaps_with_ca_file(slapd_company: Company) -> None:
    server = slapd_company.server
    settings = make_settings(
        server, EDGE_BASE, ldap={"url": server.ldaps_url, "ca_file": server.ca_file}
    )

    snapshot = read_directory(settings)

    assert snapshot.complete
    assert len(snapshot.users) == 5


def test_start_tls_with_ca_file(slapd_company: Company) -> None:
    server = slapd_company.server
    settings = make_settings(server, EDGE_BASE, ldap={"start_tls": True, "ca_file": server.ca_file})

    snapshot = read_directory(settings)

    assert snapshot.complete
    assert len(snapshot.users) == 5


def test_ldaps_untrusted_certificate(slapd_company: Company) -> None:
    server = slapd_company.server
    settings = make_settings(server, EDGE_BASE, ldap={"url": server.ldaps_url})

    with pytest.raises(DirectoryError) as raised:
        read_directory(settings)

    assert str(raised.value) == (
        f"certificate of {server.ldaps_url} not trusted: self-signed certificate in certificate "
        "chain (verified against the system CA store); set ca_file to the PEM file of the CA "
        "that signed the server's certificate"
    )


def test_start_tls_wrong_ca(
    slapd_company: Company, tmp_path_factory: pytest.TempPathFactory
) -> None:
    server = slapd_company.server
    other_ca, _ = certs.make_ca(tmp_path_factory.mktemp("other-ca"), name="Some other CA")
    settings = make_settings(server, EDGE_BASE, ldap={"start_tls": True, "ca_file": str(other_ca)})

    with pytest.raises(DirectoryError) as raised:
        read_directory(settings)

    assert str(raised.value) == (
        f"certificate of {server.url} not trusted: self-signed certificate in certificate chain "
        f"(verified against CA file '{other_ca}'); set ca_file to the PEM file of the CA that "
        "signed the server's certificate"
    )


def test_start_tls_refused_without_fallback(slapd_plain: Slapd, slapd_company: Company) -> None:
    settings = make_settings(
        slapd_plain,
        EDGE_BASE,
        ldap={"start_tls": True, "ca_file": slapd_company.server.ca_file},
    )

    with pytest.raises(DirectoryError) as raised:
        read_directory(settings)

    assert str(raised.value) == (
        f"StartTLS refused by {slapd_plain.url}: Protocol error (unsupported extended "
        "operation); enable TLS on the server, or use ldaps:// if it listens for it "
        f"{NEVER_FALLS_BACK}"
    )


def test_verification_off_warns(slapd_company: Company, caplog: pytest.LogCaptureFixture) -> None:
    server = slapd_company.server
    settings = make_settings(server, EDGE_BASE, ldap={"url": server.ldaps_url, "verify_tls": False})

    snapshot = read_directory(settings)

    assert snapshot.complete
    assert (
        f"TLS certificate verification is off for {server.ldaps_url}: a server that "
        "impersonates it would receive the bind password"
    ) in caplog.text
