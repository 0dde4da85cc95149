"""Keep the logging set-up of ``syncUsersAndGroups.py`` from leaking between tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from ldap2ts.legacy.options import LDAP_PASSWORD_ENV, TS_PASSWORD_ENV


@pytest.fixture(autouse=True)
def restore_ldap2ts_logger(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(LDAP_PASSWORD_ENV, raising=False)
    monkeypatch.delenv(TS_PASSWORD_ENV, raising=False)
    package = logging.getLogger("ldap2ts")
    handlers, level = list(package.handlers), package.level
    yield
    package.handlers[:] = handlers
    package.setLevel(level)
