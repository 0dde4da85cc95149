"""LDAP2TS_ variables under the legacy command line: extra settings, ignored keys, passwords."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit.certs import make_ca

from ldap2ts.errors import ConfigError
from ldap2ts.legacy.command_line import parse_command_line
from ldap2ts.legacy.environment import environment_values, settings_for_run
from ldap2ts.legacy.options import LegacyOptions

from .test_flags import BASE

WITHOUT_PASSWORDS = [a for a in BASE if a not in ("--ts_pass", "ts-secret", "--ldap_pass",
                                                  "ldap-secret")]  # fmt: skip


def options() -> LegacyOptions:
    parsed = parse_command_line([*BASE, "--basedn", "DC=example,DC=com"]).options
    assert parsed is not None
    return parsed


def test_settings_without_flag_come_from_environment() -> None:
    values = environment_values({
        "LDAP2TS_SYNC_MAX_REMOVALS": "7",
        "LDAP2TS_SYNC_STATE_DIR": "/var/lib/ldap2ts",
        "LDAP2TS_DIRECTORY_USER_FILTER": "(objectClass=user)",
        "LDAP2TS_SYNC_PROTECT": "ceo@example.com,cfo@example.com",
    })  # fmt: skip
    settings, warnings = settings_for_run(options(), values)
    assert settings.sync.max_removals == 7
    assert settings.sync.state_dir == "/var/lib/ldap2ts"
    assert settings.directory.user_filter == "(objectClass=user)"
    assert settings.sync.protect == ("ceo@example.com", "cfo@example.com")
    assert warnings == []


def test_flag_keys_ignore_environment() -> None:
    values = environment_values({"LDAP2TS_DIRECTORY_BASE_DN": "DC=other,DC=com",
                                 "LDAP2TS_SYNC_UPSERT_USERS": "true"})  # fmt: skip
    settings, warnings = settings_for_run(options(), values)
    assert settings.directory.base_dn == "DC=example,DC=com"
    assert settings.sync.upsert_users is False
    assert warnings == [
        "LDAP2TS_DIRECTORY_BASE_DN is ignored: syncUsersAndGroups.py sets directory.base_dn "
        "from its own flags",
        "LDAP2TS_SYNC_UPSERT_USERS is ignored: syncUsersAndGroups.py sets sync.upsert_users "
        "from its own flags",
    ]


def test_invalid_environment_value_is_a_config_error() -> None:
    values = environment_values({"LDAP2TS_SYNC_MAX_REMOVALS": "many"})
    with pytest.raises(ConfigError, match="sync.max_removals, env LDAP2TS_SYNC_MAX_REMOVALS"):
        settings_for_run(options(), values)


def test_unknown_variable_is_warned(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("LDAP2TS_SYNC_MAX_REMOVAL", "5")
    parse_command_line([*BASE, "--basedn", "DC=x"])
    messages = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    warnings = [message for message in messages if "LDAP2TS_SYNC_MAX_REMOVAL" in message]
    assert warnings == [
        "ignoring unknown environment variable LDAP2TS_SYNC_MAX_REMOVAL; "
        "did you mean LDAP2TS_SYNC_MAX_REMOVALS?"
    ]


def test_password_from_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret_file = tmp_path / "ts.password"
    secret_file.write_text("from-file\n")
    secret_file.chmod(0o600)
    monkeypatch.setenv("LDAP2TS_TS_PASSWORD_FILE", str(secret_file))
    monkeypatch.setenv("LDAP2TS_LDAP_PASSWORD", "from-env")
    parsed = parse_command_line(WITHOUT_PASSWORDS).options
    assert parsed is not None
    assert parsed.ts_pass is not None
    assert parsed.ts_pass.reveal() == "from-file"
    assert parsed.ts_pass.source == f"file {secret_file}"
    assert parsed.ldap_pass is not None
    assert parsed.ldap_pass.reveal() == "from-env"


def test_ca_file_from_environment_unless_flag(tmp_path: Path) -> None:
    ca_file, _ = make_ca(tmp_path)
    values = environment_values({"LDAP2TS_LDAP_CA_FILE": str(ca_file)})
    settings, warnings = settings_for_run(options(), values)
    assert settings.ldap.ca_file == str(ca_file)
    assert warnings == []

    parsed = parse_command_line([*BASE, "--ldap_ca_file", "/etc/ssl/flag.pem"]).options
    assert parsed is not None
    settings, _ = settings_for_run(parsed, values)
    assert settings.ldap.ca_file == "/etc/ssl/flag.pem"
