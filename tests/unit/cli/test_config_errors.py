"""Configuration errors: exact messages naming the key, the source, the value and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from ldap2ts.config import RawValue, load_settings
from ldap2ts.errors import ConfigError, ExitCode
from tests.unit.cli.conftest import MINIMAL, WriteConfig

SECRET_ENV = {"LDAP2TS_TS_PASSWORD": "ts-secret"}


def load_error(
    path: Path | None,
    *,
    environ: dict[str, str] | None = None,
    flags: dict[str, RawValue] | None = None,
) -> str:
    with pytest.raises(ConfigError) as raised:
        load_settings(
            config_file=str(path) if path else None,
            flags=flags or {},
            environ=SECRET_ENV if environ is None else environ,
        )
    assert raised.value.exit_code is ExitCode.USAGE
    return str(raised.value)


def with_line(key_line: str, section: str = "[ldap]") -> str:
    return MINIMAL.replace(section, f"{section}\n{key_line}", 1)


def test_unknown_key_names_line_and_suggestion(write_config: WriteConfig) -> None:
    path = write_config(with_line("timout = 5"))
    assert load_error(path) == (
        f"ldap.timout, file {path} line 2: unknown key 'timout' in [ldap]; did you mean timeout?"
    )


def test_unknown_section_names_line(write_config: WriteConfig) -> None:
    path = write_config(MINIMAL + "\n[snyc]\nforce = true\n")
    assert load_error(path) == (
        f"file {path} line 11: unknown section [snyc]; did you mean [sync]? "
        "Known sections: [ldap], [directory], [naming], [thoughtspot], [sync]"
    )


def test_wrong_type_names_value_and_expectation(write_config: WriteConfig) -> None:
    path = write_config(with_line('timeout = "soon"'))
    assert load_error(path) == (
        f"ldap.timeout, file {path} line 2: invalid value 'soon': expected a number"
    )


def test_boolean_key_rejects_text(write_config: WriteConfig) -> None:
    path = write_config(with_line('start_tls = "maybe"'))
    assert load_error(path) == (
        f"ldap.start_tls, file {path} line 2: invalid value 'maybe': expected true or false"
    )


def test_invalid_toml_names_line(write_config: WriteConfig) -> None:
    path = write_config('[ldap]\nurl = "ldap://127.0.0.1\n')
    assert load_error(path) == (
        f"invalid TOML in {path}: Illegal character '\\n' (at line 2, column 24)"
    )


def test_missing_file_names_flag_and_variable(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    assert load_error(path) == (
        f"configuration file {path} not found; check the path given to --config or LDAP2TS_CONFIG"
    )


def test_missing_setting_names_key_flag_and_variable(write_config: WriteConfig) -> None:
    path = write_config(MINIMAL.replace('base_dn = "dc=example,dc=com"\n', ""))
    assert load_error(path) == (
        "directory.base_dn: missing setting: set base_dn in [directory] of the configuration "
        "file, --base-dn or LDAP2TS_DIRECTORY_BASE_DN"
    )


def test_missing_thoughtspot_secret_lists_every_way(write_config: WriteConfig) -> None:
    assert load_error(write_config(), environ={}) == (
        "thoughtspot.password: missing secret: ThoughtSpot needs a password or a secret key; "
        "set LDAP2TS_TS_PASSWORD, --ts-password-file or password_file in [thoughtspot] of the "
        "configuration file, or LDAP2TS_TS_SECRET_KEY, --ts-secret-key-file or "
        "secret_key_file in [thoughtspot] of the configuration file"
    )


def test_missing_bind_password_without_terminal(write_config: WriteConfig) -> None:
    path = write_config(with_line('bind_dn = "cn=admin,dc=example,dc=com"'))
    assert load_error(path) == (
        "ldap.password: missing secret: bind_dn is 'cn=admin,dc=example,dc=com', so a "
        "password is needed; set LDAP2TS_LDAP_PASSWORD, --ldap-password-file or "
        "password_file in [ldap] of the configuration file"
    )


def test_secret_in_readable_file_is_refused(write_config: WriteConfig) -> None:
    path = write_config(with_line('password = "hunter2"'), mode=0o644)
    message = load_error(path, environ={})
    assert message == (
        f"ldap.password, file {path} line 2: the file contains a secret (ldap.password) but "
        f"its mode is 0644, so group or others can read it; run chmod 600 {path}, or move the "
        "secret to a password_file or an environment variable"
    )
    assert "hunter2" not in message


def test_secret_file_not_found(write_config: WriteConfig, tmp_path: Path) -> None:
    flags = {"ldap.password_file": RawValue(str(tmp_path / "nope"), "flag --ldap-password-file")}
    assert load_error(write_config(), flags=flags) == (
        f"ldap.password_file, flag --ldap-password-file: secret file {tmp_path / 'nope'} not found"
    )


def test_empty_secret_file_is_refused(write_config: WriteConfig, tmp_path: Path) -> None:
    empty = tmp_path / "empty.pw"
    empty.write_text("\n")
    flags = {"thoughtspot.password_file": RawValue(str(empty), "flag --ts-password-file")}
    assert load_error(write_config(), flags=flags, environ={}) == (
        f"thoughtspot.password_file, flag --ts-password-file: secret file {empty} is empty"
    )


def test_secret_and_secret_file_together_are_refused(
    write_config: WriteConfig, tmp_path: Path
) -> None:
    path = write_config(MINIMAL + 'password = "a"\npassword_file = "b.pw"\n')
    assert load_error(path, environ={}) == (
        f"thoughtspot.password: both thoughtspot.password (file {path} line 10) and "
        f"thoughtspot.password_file (file {path} line 11) are set; keep only one"
    )


def unknown_variable_warnings(
    write_config: WriteConfig, caplog: pytest.LogCaptureFixture, variable: str
) -> list[str]:
    load_settings(config_file=str(write_config()), flags={},
                  environ=SECRET_ENV | {variable: "x"})
    return [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]


def test_unknown_environment_variable_is_warned(
    write_config: WriteConfig, caplog: pytest.LogCaptureFixture
) -> None:
    assert unknown_variable_warnings(write_config, caplog, "LDAP2TS_LDAP_PASWORD") == [
        "ignoring unknown environment variable LDAP2TS_LDAP_PASWORD; "
        "did you mean LDAP2TS_LDAP_PASSWORD?"
    ]


def test_unknown_environment_variable_without_suggestion(
    write_config: WriteConfig, caplog: pytest.LogCaptureFixture
) -> None:
    assert unknown_variable_warnings(write_config, caplog, "LDAP2TS_ZZZ_QQQ") == [
        "ignoring unknown environment variable LDAP2TS_ZZZ_QQQ; unset it or correct its name"
    ]


def test_spec_variable_of_tests_is_ignored(
    write_config: WriteConfig, caplog: pytest.LogCaptureFixture
) -> None:
    assert unknown_variable_warnings(write_config, caplog, "LDAP2TS_TS_SPEC") == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("127.0.0.1:389", "not a URL: expected ldap://HOST[:PORT] or ldaps://HOST[:PORT]"),
        (
            "ldapx://127.0.0.1",
            "unknown scheme 'ldapx': expected ldap://HOST[:PORT] or ldaps://HOST[:PORT]",
        ),
        (
            "ldap://127.0.0.1:99999",
            "invalid port: expected a number from 1 to 65535 (389 for ldap, 636 for ldaps)",
        ),
        (
            "ldap://127.0.0.1:port",
            "invalid port: expected a number from 1 to 65535 (389 for ldap, 636 for ldaps)",
        ),
        ("ldap://", "no host name: expected ldap://HOST[:PORT] or ldaps://HOST[:PORT]"),
        (
            "ldap://127.0.0.1/dc=example",
            "unexpected path or query after the host: expected "
            "ldap://HOST[:PORT] or ldaps://HOST[:PORT]",
        ),
    ],
)
def test_invalid_ldap_url(write_config: WriteConfig, url: str, reason: str) -> None:
    flags = {"ldap.url": RawValue(url, "flag --ldap-url")}
    assert load_error(write_config(), flags=flags) == (
        f"ldap.url, flag --ldap-url: invalid value {url!r}: {reason}"
    )


def test_url_with_credentials_is_refused_unprinted(write_config: WriteConfig) -> None:
    environ = SECRET_ENV | {"LDAP2TS_TS_URL": "https://tsadmin:hunter2@127.0.0.1"}
    message = load_error(write_config(), environ=environ)
    assert message == (
        "thoughtspot.url, env LDAP2TS_TS_URL: invalid value 'https://***@127.0.0.1': "
        "credentials in the URL are not accepted, because the URL appears in logs and "
        "reports: remove them and give the user and password as settings; expected "
        "http://HOST[:PORT] or https://HOST[:PORT]"
    )
    assert "hunter2" not in message


def test_thoughtspot_url_needs_http_scheme(write_config: WriteConfig) -> None:
    environ = SECRET_ENV | {"LDAP2TS_TS_URL": "ftp://127.0.0.1"}
    assert load_error(write_config(), environ=environ) == (
        "thoughtspot.url, env LDAP2TS_TS_URL: invalid value 'ftp://127.0.0.1': unknown scheme "
        "'ftp': expected http://HOST[:PORT] or https://HOST[:PORT]"
    )


@pytest.mark.parametrize(
    ("key", "value", "reason"),
    [
        ("directory.scope", "deep", "expected base, one or sub (or 0, 1, 2)"),
        ("directory.flavour", "novell", "expected AD or OpenLDAP"),
        ("sync.purge_action", "wipe", "expected none or deactivate or delete"),
        (
            "directory.base_dn",
            "dc=example,dc",
            "invalid DN (RFC 4514): cannot parse 'dc' after 'dc=example,': an RDN is "
            "attribute=value, and a comma or other special character (, + \" \\ < > ; =) "
            "inside a value must be escaped with a backslash, such as \\, for a comma; if "
            "the comma before it belongs to the value, write 'dc=example\\,dc'",
        ),
        (
            "directory.filter",
            "(cn=a",
            "invalid LDAP filter (RFC 4515): expected ')' but found the end at position 6",
        ),
        (
            "directory.user_filter",
            "(&(uid=a)(cn=b(c)))",
            "invalid LDAP filter (RFC 4515): unescaped '(' in a value (write \\28) at position 15",
        ),
        ("sync.max_removal_ratio", "1.5", "expected a share from 0.0 to 1.0 (0.10 is 10 %)"),
        ("ldap.page_size", "0", "expected a number of at least 1"),
        (
            "naming.user_name_template",
            "{uid@example.com",
            "invalid template (expected '}' before end of string): expected text with "
            "{attribute} fields",
        ),
        (
            "ldap.ca_file",
            "/nonexistent/ca.pem",
            "file not found: give the path of a PEM file of CA certificates",
        ),
    ],
)
def test_invalid_value_from_flag(
    write_config: WriteConfig, key: str, value: str, reason: str
) -> None:
    flags = {key: RawValue(value, f"flag --set {key}")}
    assert load_error(write_config(), flags=flags) == (
        f"{key}, flag --set {key}: invalid value {value!r}: {reason}"
    )


def test_start_tls_with_ldaps_is_refused(write_config: WriteConfig) -> None:
    text = MINIMAL.replace(
        'url = "ldap://127.0.0.1:3890"', 'url = "ldaps://127.0.0.1:6360"\nstart_tls = true'
    )
    path = write_config(text)
    assert load_error(path) == (
        f"ldap.start_tls, file {path} line 3: start_tls is set but 'ldaps://127.0.0.1:6360' "
        "is an ldaps:// URL, which is already encrypted; use ldap:// with start_tls, or "
        "ldaps:// without it"
    )
