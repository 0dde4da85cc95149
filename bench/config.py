"""The ldap2ts configuration file of a benchmark run, with its password files."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

LDAP_PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Addresses and logins of the throwaway servers of one run."""

    ldap_url: str
    ldap_bind_dn: str
    ldap_password: str
    base_dn: str
    ts_url: str
    ts_username: str
    ts_password: str


def write_config(folder: Path, endpoints: Endpoints, *, concurrency: int = 8) -> Path:
    """Write ldap2ts.toml and its two password files (mode 0600) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    _write_secret(folder / "ldap.pw", endpoints.ldap_password)
    _write_secret(folder / "thoughtspot.pw", endpoints.ts_password)
    state_dir = folder / "state"
    state_dir.mkdir(exist_ok=True)
    # json.dumps quotes a string the way TOML basic strings are quoted.
    text = f"""\
[ldap]
url = {json.dumps(endpoints.ldap_url)}
bind_dn = {json.dumps(endpoints.ldap_bind_dn)}
password_file = "ldap.pw"
page_size = {LDAP_PAGE_SIZE}

[directory]
flavour = "OpenLDAP"
base_dn = {json.dumps(endpoints.base_dn)}
scope = "sub"

[naming]
user_identifier = "uid"

[thoughtspot]
url = {json.dumps(endpoints.ts_url)}
username = {json.dumps(endpoints.ts_username)}
password_file = "thoughtspot.pw"
concurrency = {concurrency}

[sync]
state_dir = {json.dumps(str(state_dir))}
purge_action = "deactivate"
"""
    path = folder / "ldap2ts.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _write_secret(path: Path, value: str) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        # No newline: ldapsearch -y sends the whole file as the password.
        stream.write(value)
