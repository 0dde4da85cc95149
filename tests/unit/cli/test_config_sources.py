"""Settings from file, environment and flags: precedence, types and secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldap2ts.config import RawValue, load_settings
from ldap2ts.config.sources import find_key_lines
from ldap2ts.settings import Flavour, PurgeAction, Scope
from tests.unit.cli.conftest import MINIMAL, WriteConfig

SECRET_ENV = {"LDAP2TS_TS_PASSWORD": "ts-secret"}


def test_file_values_are_read(write_config: WriteConfig) -> None:
    path = write_config(MINIMAL + "\n[sync]\nmax_removals = 20\nprotect = ['ceo@example.com']\n")
    settings = load_settings(config_file=str(path), flags={}, environ=SECRET_ENV)
    assert settings.ldap.url == "ldap://127.0.0.1:3890"
    assert settings.directory.base_dn == "dc=example,dc=com"
    assert settings.thoughtspot.username == "tsadmin"
    assert settings.sync.max_removals == 20
    assert settings.sync.protect == ("ceo@example.com",)
    assert settings.config_file == str(path)


def test_environment_wins_over_file(write_config: WriteConfig) -> None:
    path = write_config()
    environ = SECRET_ENV | {"LDAP2TS_LDAP_URL": "ldaps://127.0.0.1:6360"}
    settings = load_settings(config_file=str(path), flags={}, environ=environ)
    assert settings.ldap.url == "ldaps://127.0.0.1:6360"


def test_flag_wins_over_environment(write_config: WriteConfig) -> None:
    path = write_config()
    environ = SECRET_ENV | {"LDAP2TS_LDAP_URL": "ldaps://127.0.0.1:6360"}
    flags = {"ldap.url": RawValue("ldap://127.0.0.1:1389", "flag --ldap-url")}
    settings = load_settings(config_file=str(path), flags=flags, environ=environ)
    assert settings.ldap.url == "ldap://127.0.0.1:1389"


def test_environment_alone_is_enough() -> None:
    environ = SECRET_ENV | {
        "LDAP2TS_LDAP_URL": "ldap://127.0.0.1:3890",
        "LDAP2TS_DIRECTORY_BASE_DN": "dc=example,dc=com",
        "LDAP2TS_TS_URL": "https://127.0.0.1:8443",
        "LDAP2TS_THOUGHTSPOT_USERNAME": "tsadmin",
        "LDAP2TS_DIRECTORY_FLAVOUR": "openldap",
        "LDAP2TS_DIRECTORY_SCOPE": "one",
        "LDAP2TS_SYNC_PURGE_ACTION": "Delete",
        "LDAP2TS_SYNC_FORCE": "yes",
        "LDAP2TS_LDAP_TIMEOUT": "2.5",
        "LDAP2TS_SYNC_PROTECT": "a@example.com, b@example.com",
    }
    settings = load_settings(config_file=None, flags={}, environ=environ)
    assert settings.thoughtspot.url == "https://127.0.0.1:8443"
    assert settings.directory.flavour is Flavour.OPENLDAP
    assert settings.directory.scope is Scope.ONE
    assert settings.sync.purge_action is PurgeAction.DELETE
    assert settings.sync.force is True
    assert settings.ldap.timeout == 2.5
    assert settings.sync.protect == ("a@example.com", "b@example.com")
    assert settings.config_file is None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("0", Scope.BASE),
        ("1", Scope.ONE),
        ("2", Scope.SUB),
        ('"base"', Scope.BASE),
        ('"subtree"', Scope.SUB),
        ('"ONE"', Scope.ONE),
    ],
)
def test_scope_accepts_names_and_numbers(
    write_config: WriteConfig, written: str, expected: Scope
) -> None:
    text = MINIMAL.replace(
        'base_dn = "dc=example,dc=com"', f'base_dn = "dc=example,dc=com"\nscope = {written}'
    )
    settings = load_settings(config_file=str(write_config(text)), flags={}, environ=SECRET_ENV)
    assert settings.directory.scope is expected


def test_empty_optional_value_means_unset(write_config: WriteConfig) -> None:
    environ = SECRET_ENV | {"LDAP2TS_DIRECTORY_FILTER": ""}
    settings = load_settings(config_file=str(write_config()), flags={}, environ=environ)
    assert settings.directory.filter is None


def test_find_key_lines_follows_tables_and_dotted_keys() -> None:
    text = 'ldap.url = "x"\n\n[directory]\n# comment\nbase_dn = "y"\n[ "sync" ]\nforce=true\n'
    lines = find_key_lines(text)
    assert lines["ldap.url"] == 1
    assert lines["directory"] == 3
    assert lines["directory.base_dn"] == 5
    assert lines["sync.force"] == 7


def test_find_key_lines_skips_multiline_strings() -> None:
    text = '[naming]\nuser_name_template = """\nurl = 1\n"""\n[ldap]\nurl = "x"\n'
    lines = find_key_lines(text)
    assert "naming.url" not in lines
    assert lines["ldap.url"] == 6


# --- Secrets ------------------------------------------------------------------


def test_secret_from_environment(write_config: WriteConfig) -> None:
    settings = load_settings(config_file=str(write_config()), flags={}, environ=SECRET_ENV)
    assert settings.thoughtspot.password is not None
    assert settings.thoughtspot.password.reveal() == "ts-secret"
    assert settings.thoughtspot.password.source == "env LDAP2TS_TS_PASSWORD"


def test_secret_key_from_environment(write_config: WriteConfig) -> None:
    environ = {"LDAP2TS_TS_SECRET_KEY": "0f1e2d"}
    settings = load_settings(config_file=str(write_config()), flags={}, environ=environ)
    assert settings.thoughtspot.password is None
    assert settings.thoughtspot.secret_key is not None
    assert settings.thoughtspot.secret_key.reveal() == "0f1e2d"


def test_secret_file_loses_one_trailing_newline(write_config: WriteConfig, tmp_path: Path) -> None:
    secret_file = tmp_path / "ts.pw"
    secret_file.write_text("pass word\n\n")
    secret_file.chmod(0o600)
    flags = {"thoughtspot.password_file": RawValue(str(secret_file), "flag --ts-password-file")}
    settings = load_settings(config_file=str(write_config()), flags=flags, environ={})
    assert settings.thoughtspot.password is not None
    assert settings.thoughtspot.password.reveal() == "pass word\n"
    assert settings.thoughtspot.password.source == f"file {secret_file}"


def test_password_file_relative_to_config_file(write_config: WriteConfig, tmp_path: Path) -> None:
    (tmp_path / "ts.pw").write_text("from-file\n")
    text = MINIMAL + 'password_file = "ts.pw"\n'
    settings = load_settings(config_file=str(write_config(text)), flags={}, environ={})
    assert settings.thoughtspot.password is not None
    assert settings.thoughtspot.password.reveal() == "from-file"


def test_flag_file_wins_over_environment_secret(write_config: WriteConfig, tmp_path: Path) -> None:
    secret_file = tmp_path / "ts.pw"
    secret_file.write_text("from-flag")
    flags = {"thoughtspot.password_file": RawValue(str(secret_file), "flag --ts-password-file")}
    settings = load_settings(config_file=str(write_config()), flags=flags, environ=SECRET_ENV)
    assert settings.thoughtspot.password is not None
    assert settings.thoughtspot.password.reveal() == "from-flag"


def test_secret_in_private_config_file_is_accepted(write_config: WriteConfig) -> None:
    path = write_config(MINIMAL + 'password = "in-file"\n', mode=0o600)
    settings = load_settings(config_file=str(path), flags={}, environ={})
    assert settings.thoughtspot.password is not None
    assert settings.thoughtspot.password.reveal() == "in-file"


def test_prompt_asks_for_missing_bind_password(write_config: WriteConfig) -> None:
    text = MINIMAL.replace(
        'url = "ldap://127.0.0.1:3890"',
        'url = "ldap://127.0.0.1:3890"\nbind_dn = "cn=admin,dc=example,dc=com"',
    )
    prompts: list[str] = []

    def prompt(text: str) -> str:
        prompts.append(text)
        return "typed"

    settings = load_settings(
        config_file=str(write_config(text)), flags={}, environ=SECRET_ENV, prompt=prompt
    )
    assert prompts == ["LDAP password for cn=admin,dc=example,dc=com: "]
    assert settings.ldap.password is not None
    assert settings.ldap.password.reveal() == "typed"
    assert settings.ldap.password.source == "prompt"


def test_anonymous_bind_needs_no_password(write_config: WriteConfig) -> None:
    def prompt(text: str) -> str:
        raise AssertionError(f"unexpected prompt {text!r}")

    settings = load_settings(
        config_file=str(write_config()), flags={}, environ=SECRET_ENV, prompt=prompt
    )
    assert settings.ldap.bind_dn is None
    assert settings.ldap.password is None


def test_settings_repr_hides_secrets(write_config: WriteConfig) -> None:
    environ = SECRET_ENV | {
        "LDAP2TS_LDAP_BIND_DN": "cn=admin,dc=example,dc=com",
        "LDAP2TS_LDAP_PASSWORD": "ldap-secret",
    }
    settings = load_settings(config_file=str(write_config()), flags={}, environ=environ)
    text = repr(settings) + str(settings)
    assert "ts-secret" not in text
    assert "ldap-secret" not in text
    assert "env LDAP2TS_LDAP_PASSWORD" in text


def test_logs_name_secret_sources_only(
    write_config: WriteConfig, caplog: pytest.LogCaptureFixture
) -> None:
    environ = SECRET_ENV | {
        "LDAP2TS_LDAP_BIND_DN": "cn=admin,dc=example,dc=com",
        "LDAP2TS_LDAP_PASSWORD": "ldap-secret",
    }
    caplog.set_level("DEBUG", logger="ldap2ts")
    load_settings(config_file=str(write_config()), flags={}, environ=environ)
    assert "ldap.password from env LDAP2TS_LDAP_PASSWORD" in caplog.messages
    assert "thoughtspot.password from env LDAP2TS_TS_PASSWORD" in caplog.messages
    assert "ldap-secret" not in caplog.text
    assert "ts-secret" not in caplog.text
