"""The Samba AD test server itself: TLS, binds and the loaded content."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import ldap
import pytest
from testkit import samba_content
from testkit.samba import SambaDC

pytestmark = pytest.mark.samba


def _tls_connection(url: str, ca_file: str) -> Any:
    connection = ldap.initialize(url)
    connection.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
    connection.set_option(ldap.OPT_NETWORK_TIMEOUT, 10)
    connection.set_option(ldap.OPT_X_TLS_CACERTFILE, ca_file)
    connection.set_option(ldap.OPT_X_TLS_REQUIRE_CERT, ldap.OPT_X_TLS_DEMAND)
    connection.set_option(ldap.OPT_X_TLS_NEWCTX, 0)
    return connection


def test_ldaps_bind_with_explicit_ca(samba_dc: SambaDC) -> None:
    connection = _tls_connection(samba_dc.ldaps_url, str(samba_dc.ca_file))
    connection.simple_bind_s(samba_dc.admin_dn, samba_dc.admin_password)

    root_dse = connection.search_s("", ldap.SCOPE_BASE, attrlist=["defaultNamingContext"])

    assert root_dse[0][1]["defaultNamingContext"] == [samba_dc.base_dn.encode()]


def test_ldaps_rejects_unrelated_ca(samba_dc: SambaDC, tmp_path: Path) -> None:
    other_ca = tmp_path / "other-ca.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=unrelated CA", "-keyout", str(tmp_path / "other-ca.key"),
         "-out", str(other_ca)],
        check=True, capture_output=True,
    )  # fmt: skip
    connection = _tls_connection(samba_dc.ldaps_url, str(other_ca))

    with pytest.raises(ldap.SERVER_DOWN):
        connection.simple_bind_s(samba_dc.admin_dn, samba_dc.admin_password)


def test_plain_ldap_simple_bind_rejected(samba_dc: SambaDC) -> None:
    connection = ldap.initialize(samba_dc.ldap_url)
    connection.set_option(ldap.OPT_NETWORK_TIMEOUT, 10)

    with pytest.raises(ldap.STRONG_AUTH_REQUIRED):
        connection.simple_bind_s(samba_dc.admin_dn, samba_dc.admin_password)


def test_start_tls_then_bind(samba_dc: SambaDC) -> None:
    connection = _tls_connection(samba_dc.ldap_url, str(samba_dc.ca_file))
    connection.start_tls_s()

    connection.simple_bind_s(samba_dc.admin_dn, samba_dc.admin_password)


def test_user_password_bind(samba_dc: SambaDC) -> None:
    alice = samba_content.user_by_sam("alice")

    connection = samba_dc.connect(alice.dn(samba_dc.base_dn), samba_content.USER_PASSWORD)

    connection.unbind_s()


def test_bulk_group_holds_every_bulk_user(samba_dc: SambaDC) -> None:
    group_dn = samba_content.group_by_cn(samba_content.BULK_GROUP).dn(samba_dc.base_dn)
    connection = samba_dc.connect()

    result = connection.search_s(group_dn, ldap.SCOPE_BASE, attrlist=["member"])

    assert len(result[0][1]["member"]) == samba_content.BULK_USERS


def test_primary_group_not_in_member(samba_dc: SambaDC) -> None:
    grace = samba_content.user_by_sam("grace")
    contractors_dn = samba_content.group_by_cn("Contractors").dn(samba_dc.base_dn)
    connection = samba_dc.connect()

    user = connection.search_s(
        grace.dn(samba_dc.base_dn), ldap.SCOPE_BASE, attrlist=["primaryGroupID"]
    )
    group = connection.search_s(contractors_dn, ldap.SCOPE_BASE, attrlist=["member"])

    assert int(user[0][1]["primaryGroupID"][0]) == samba_content.group_rid(
        connection, contractors_dn
    )
    assert "member" not in group[0][1]


def test_fresh_controller_undoes_changes(samba_dc: SambaDC, samba_template: SambaDC) -> None:
    alice_dn = samba_content.user_by_sam("alice").dn(samba_dc.base_dn)
    connection = samba_dc.connect()
    samba_content.set_attribute(connection, alice_dn, "displayName", "Changed")

    samba_dc.restore(samba_template)

    result = samba_dc.connect().search_s(alice_dn, ldap.SCOPE_BASE, attrlist=["displayName"])
    assert result[0][1]["displayName"] == [b"Alice Archer"]
