"""Paged reads past a server's size limit, with pages smaller and larger than the limit."""

from __future__ import annotations

import pytest

from ldap2ts.directory import read_directory
from tests.fixtures.slapd import BULK_BASE, BULK_USERS, SIZE_LIMIT, Company, make_settings


@pytest.mark.parametrize("page_size", [1, 333, SIZE_LIMIT, 5000])
def test_every_page_size_reads_all(slapd_company: Company, page_size: int) -> None:
    settings = make_settings(slapd_company.server, BULK_BASE, ldap={"page_size": page_size})

    snapshot = read_directory(settings)

    assert snapshot.complete, snapshot.incomplete_reasons
    assert len(snapshot.users) == BULK_USERS
    assert len(snapshot.groups) == 1


def test_searches_counted_per_page(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, BULK_BASE, ldap={"page_size": 500})

    snapshot = read_directory(settings)

    # Users: 3 pages of 500, 500 and 200. Groups: one page.
    assert snapshot.searches == 4


def test_page_size_over_server_limit_halved(
    slapd_company: Company, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(slapd_company.server, BULK_BASE, ldap={"page_size": 1500})

    snapshot = read_directory(settings)

    assert snapshot.complete
    assert len(snapshot.users) == BULK_USERS
    assert (
        f"users search under {BULK_BASE!r} stopped after 0 entries: Administrative limit "
        "exceeded (illegal pagedResults page size); asking again with pages of 750 entries "
        "(lower page_size to avoid this)"
    ) in caplog.text


def test_admin_bind_reads_all(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, BULK_BASE, bind="admin")

    snapshot = read_directory(settings)

    assert snapshot.complete
    assert len(snapshot.users) == BULK_USERS


def test_progress_reports_each_page(slapd_company: Company) -> None:
    settings = make_settings(slapd_company.server, BULK_BASE, ldap={"page_size": 500})
    calls: list[tuple[str, int]] = []

    read_directory(settings, progress=lambda phase, count: calls.append((phase, count)))

    assert calls == [("users", 500), ("users", 1000), ("users", 1200), ("groups", 1)]
