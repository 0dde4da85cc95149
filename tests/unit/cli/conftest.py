"""Helpers for configuration and command-line unit tests: config files and a clean environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

MINIMAL = """\
[ldap]
url = "ldap://127.0.0.1:3890"

[directory]
base_dn = "dc=example,dc=com"

[thoughtspot]
url = "https://127.0.0.1:8443"
username = "tsadmin"
"""

WriteConfig = Callable[..., Path]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Drop every LDAP2TS_ variable of the developer's shell."""
    for variable in list(os.environ):
        if variable.startswith("LDAP2TS_"):
            monkeypatch.delenv(variable)
    yield


@pytest.fixture
def write_config(tmp_path: Path) -> WriteConfig:
    """Write a TOML file (mode 600 unless told) and return its path."""

    def write(text: str = MINIMAL, *, name: str = "ldap2ts.toml", mode: int = 0o600) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        path.chmod(mode)
        return path

    return write
