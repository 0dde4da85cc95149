"""Keep LDAP2TS_ variables and the logging set-up of syncUsersAndGroups.py out of other tests."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def restore_ldap2ts_logger(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in [name for name in os.environ if name.startswith("LDAP2TS_")]:
        monkeypatch.delenv(name)
    root, package = logging.getLogger(), logging.getLogger("ldap2ts")
    root_handlers, root_level = list(root.handlers), root.level
    package_level = package.level
    yield
    root.handlers[:] = root_handlers
    root.setLevel(root_level)
    package.setLevel(package_level)
