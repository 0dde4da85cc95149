"""ldap2ts.load_settings: from a TOML file, a dict and keyword arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

import ldap2ts
from ldap2ts.settings import Flavour, PurgeAction, Scope

REQUIRED = {
    "ldap": {"url": "ldap://127.0.0.1:389"},
    "directory": {"base_dn": "dc=example,dc=com"},
    "thoughtspot": {"url": "https://127.0.0.1:8443", "username": "tsadmin", "password": "pw-1"},
}


def test_from_dict() -> None:
    settings = ldap2ts.load_settings(values=REQUIRED, environ={})
    assert settings.ldap.url == "ldap://127.0.0.1:389"
    assert settings.directory.base_dn == "dc=example,dc=com"
    assert settings.thoughtspot.password is not None
    assert settings.thoughtspot.password.reveal() == "pw-1"
    assert settings.config_file is None


def test_keyword_sections_win_over_dict() -> None:
    settings = ldap2ts.load_settings(
        values=REQUIRED, environ={},
        directory={"base_dn": "ou=people,dc=example,dc=com", "flavour": Flavour.OPENLDAP,
                   "scope": Scope.ONE},
        sync={"purge_action": "delete", "protect": ("svc-*",)},
    )  # fmt: skip
    assert settings.directory.base_dn == "ou=people,dc=example,dc=com"
    assert settings.directory.flavour is Flavour.OPENLDAP
    assert settings.directory.scope is Scope.ONE
    assert settings.sync.purge_action is PurgeAction.DELETE
    assert settings.sync.protect == ("svc-*",)


def test_file_then_arguments(tmp_path: Path) -> None:
    path = tmp_path / "ldap2ts.toml"
    path.write_text(
        '[ldap]\nurl = "ldap://127.0.0.1:389"\n'
        '[directory]\nbase_dn = "dc=example,dc=com"\n'
        '[naming]\nhooks = ["mymodule:skip"]\n'
        '[thoughtspot]\nurl = "https://127.0.0.1:8443"\nusername = "tsadmin"\n'
    )
    settings = ldap2ts.load_settings(
        path, environ={"LDAP2TS_TS_PASSWORD": "from-env"},
        ldap={"url": "ldaps://127.0.0.1:636"},
    )  # fmt: skip
    assert settings.config_file == str(path)
    assert settings.ldap.url == "ldaps://127.0.0.1:636"
    assert settings.naming.hooks == ("mymodule:skip",)
    assert settings.thoughtspot.password is not None
    assert settings.thoughtspot.password.source == "env LDAP2TS_TS_PASSWORD"


def test_secret_object_keeps_its_source() -> None:
    values = {**REQUIRED, "thoughtspot": {"url": "https://127.0.0.1:8443", "username": "tsadmin",
                                          "password": ldap2ts.Secret("pw-2", "vault")}}
    settings = ldap2ts.load_settings(values=values, environ={})
    assert settings.thoughtspot.password == ldap2ts.Secret("pw-2", "vault")
    assert settings.thoughtspot.password.source == "vault"


def test_unknown_key_is_config_error() -> None:
    with pytest.raises(ldap2ts.ConfigError) as caught:
        ldap2ts.load_settings(values=REQUIRED, environ={}, ldap={"uri": "ldap://x"})
    assert str(caught.value) == "argument: unknown key 'ldap.uri'"
    assert caught.value.exit_code == 2


def test_missing_setting_names_key() -> None:
    with pytest.raises(ldap2ts.ConfigError, match="^directory.base_dn: missing setting"):
        ldap2ts.load_settings(values={"ldap": REQUIRED["ldap"],
                                      "thoughtspot": REQUIRED["thoughtspot"]}, environ={})


def test_invalid_value_names_argument() -> None:
    with pytest.raises(ldap2ts.ConfigError, match="ldap.timeout, argument ldap.timeout"):
        ldap2ts.load_settings(values=REQUIRED, environ={}, ldap={"timeout": "soon"})


def test_section_must_be_mapping() -> None:
    with pytest.raises(ldap2ts.ConfigError, match="section 'ldap' must be a mapping"):
        ldap2ts.load_settings(values={"ldap": "ldap://x"}, environ={})  # type: ignore[dict-item]
