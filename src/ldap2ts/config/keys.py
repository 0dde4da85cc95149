"""The catalogue of configuration keys: sections, types, flags and environment variables.

A key is written ``section.name`` (``ldap.url``). The keys of a section are the
field names of its dataclass in ``ldap2ts.settings``, so a field appended
there becomes a key here without a change, plus the ``*_file`` keys that name
a file holding a secret.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass

from ldap2ts.settings import (
    DirectorySettings,
    LdapSettings,
    NamingSettings,
    SyncSettings,
    ThoughtSpotSettings,
)

SECTIONS: dict[str, type] = {
    "ldap": LdapSettings,
    "directory": DirectorySettings,
    "naming": NamingSettings,
    "thoughtspot": ThoughtSpotSettings,
    "sync": SyncSettings,
}

ENV_PREFIX = "LDAP2TS_"
CONFIG_ENV = "LDAP2TS_CONFIG"

# Environment variables may shorten the thoughtspot section to TS
# (LDAP2TS_TS_PASSWORD is the documented name of the ThoughtSpot password).
ENV_SECTION_ALIASES = {"TS": "thoughtspot"}

# --set may shorten it too (--set ts.url=...), in either case; a TOML file may not.
SET_SECTION_ALIASES = {"ts": "thoughtspot"}

SECRET_KEYS = ("ldap.password", "thoughtspot.password", "thoughtspot.secret_key")
"""Keys whose value is a Secret."""

SECRET_FILE_KEYS = {
    "ldap.password_file": "ldap.password",
    "thoughtspot.password_file": "thoughtspot.password",
    "thoughtspot.secret_key_file": "thoughtspot.secret_key",
}
"""Keys naming a file that holds a secret, mapped to the secret's key."""

REQUIRED_KEYS = ("ldap.url", "directory.base_dn", "thoughtspot.url", "thoughtspot.username")

FLAGS: dict[str, str] = {
    "ldap.url": "--ldap-url",
    "ldap.bind_dn": "--bind-dn",
    "ldap.password_file": "--ldap-password-file",
    "ldap.ca_file": "--ldap-ca-file",
    "ldap.start_tls": "--start-tls",
    "directory.flavour": "--flavour",
    "directory.base_dn": "--base-dn",
    "directory.scope": "--scope",
    "directory.filter": "--filter",
    "directory.member_attribute": "--member-attribute",
    "thoughtspot.url": "--ts-url",
    "thoughtspot.username": "--ts-username",
    "thoughtspot.password_file": "--ts-password-file",
    "thoughtspot.secret_key_file": "--ts-secret-key-file",
    "thoughtspot.ca_file": "--ts-ca-file",
    "sync.purge_action": "--purge-action",
    "sync.state_dir": "--state-dir",
    "sync.force": "--force",
}
"""Dedicated command-line flags; every other key is set with --set SECTION.KEY=VALUE."""


@dataclass(frozen=True, slots=True)
class Key:
    section: str
    name: str
    type_hint: object
    """The resolved annotation of the settings field; str for the *_file keys."""

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.name}"

    @property
    def env_var(self) -> str:
        if self.dotted == "thoughtspot.password":
            return "LDAP2TS_TS_PASSWORD"
        if self.dotted == "thoughtspot.secret_key":
            return "LDAP2TS_TS_SECRET_KEY"
        return f"{ENV_PREFIX}{self.section.upper()}_{self.name.upper()}"

    @property
    def flag(self) -> str | None:
        return FLAGS.get(self.dotted)

    @property
    def is_secret(self) -> bool:
        return self.dotted in SECRET_KEYS


def _build_catalogue() -> dict[str, Key]:
    keys: dict[str, Key] = {}
    for section, cls in SECTIONS.items():
        hints = typing.get_type_hints(cls)
        for settings_field in dataclasses.fields(cls):
            key = Key(section, settings_field.name, hints[settings_field.name])
            keys[key.dotted] = key
    for dotted in SECRET_FILE_KEYS:
        section, name = dotted.split(".")
        keys[dotted] = Key(section, name, str)
    return keys


KEYS: dict[str, Key] = _build_catalogue()


def keys_of(section: str) -> list[str]:
    """Return the key names of one section, in declaration order."""
    return [key.name for key in KEYS.values() if key.section == section]
