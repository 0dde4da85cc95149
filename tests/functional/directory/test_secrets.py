"""The bind password never reaches logs, messages or reprs, even at debug level."""

from __future__ import annotations

import logging

import pytest

from ldap2ts.directory import read_directory
from ldap2ts.errors import DirectoryError
from ldap2ts.settings import Secret
from tests.fixtures.slapd import EDGE_BASE, Company, make_settings


def test_debug_read_never_shows_password(
    slapd_company: Company, caplog: pytest.LogCaptureFixture
) -> None:
    server = slapd_company.server
    settings = make_settings(
        server,
        EDGE_BASE,
        include_nontree_members=True,
        ldap={"start_tls": True, "ca_file": server.ca_file},
    )

    with caplog.at_level(logging.DEBUG):
        snapshot = read_directory(settings)

    assert caplog.records
    assert server.reader_password not in caplog.text
    assert server.reader_password not in repr(snapshot)
    assert server.reader_password not in repr(settings)


def test_wrong_password_never_shown(
    slapd_company: Company, caplog: pytest.LogCaptureFixture
) -> None:
    wrong = "Wr0ng-but-secret"
    settings = make_settings(
        slapd_company.server,
        EDGE_BASE,
        ldap={"password": Secret(wrong, "file /etc/ldap2ts/ldap.pw")},
    )

    with caplog.at_level(logging.DEBUG), pytest.raises(DirectoryError) as raised:
        read_directory(settings)

    assert "password from file /etc/ldap2ts/ldap.pw" in str(raised.value)
    assert wrong not in str(raised.value)
    assert wrong not in caplog.text


def test_anonymous_bind_reads(slapd_company: Company) -> None:
    snapshot = read_directory(make_settings(slapd_company.server, EDGE_BASE, bind="anonymous"))

    assert snapshot.complete
    assert len(snapshot.users) == 5
