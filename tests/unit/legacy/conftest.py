"""Keep password variables and the logging set-up of syncUsersAndGroups.py out of other tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from ldap2ts.legacy.options import LDAP_PASSWORD_ENV, TS_PASSWORD_ENV


@pytest.fixture(autouse=True)
def restore_ldap2ts_logger(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(LDAP_PASSWORD_ENV, raising=False)
    monkeypatch.delenv(TS_PASSWORD_ENV, raising=False)
    root, package = logging.getLogger(), logging.getLogger("ldap2ts")
    root_handlers, root_level = list(root.handlers), root.level
    package_level = package.level
    yield
    root.handlers[:] = root_handlers
    root.setLevel(root_level)
    package.setLevel(package_level)
