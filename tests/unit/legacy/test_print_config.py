"""``--print-config``: the ldap2ts command and TOML file equivalent to a legacy run."""

from __future__ import annotations

import tomllib

import pytest

from ldap2ts.legacy.command_line import parse_command_line
from ldap2ts.legacy.print_config import render_command, render_migration, render_value
from ldap2ts.legacy.translate import to_settings
from ldap2ts.settings import Flavour, PurgeAction, Scope

from .test_flags import BASE


def migration(*extra: str) -> str:
    options = parse_command_line([*BASE, "--basedn", "DC=example,DC=com", *extra]).options
    assert options is not None
    return render_migration(options, to_settings(options))


def test_output_is_valid_toml() -> None:
    document = tomllib.loads(migration("--sync"))
    assert list(document) == ["ldap", "directory", "naming", "thoughtspot", "sync"]


def test_legacy_values_are_written() -> None:
    document = tomllib.loads(migration("--sync", "--ldap_type", "OpenLdap", "--scope", "1"))
    assert document["ldap"] == {"url": "ldap://dc1.example.com:389",
                                "bind_dn": "CN=sync,CN=Users,DC=example,DC=com"}  # fmt: skip
    assert document["directory"] == {
        "flavour": "OpenLDAP",
        "base_dn": "DC=example,DC=com",
        "scope": "one",
        "filter": "(cn=*)",
        "member_attribute": "member",
        "include_nontree_members": False,
    }
    assert document["naming"]["user_identifier"] == "uid"
    assert document["thoughtspot"] == {"url": "https://ts.example.com:443", "username": "tsadmin",
                                       "verify_tls": True}  # fmt: skip
    assert document["sync"] == {
        "upsert_users": False,
        "upsert_groups": False,
        "keep_local_membership": False,
        "purge_users": False,
        "purge_groups": False,
        "purge_action": "none",
    }


def test_purge_and_options_are_written() -> None:
    document = tomllib.loads(
        migration("--sync", "--purge", "--upsert_user", "--keep_local_membership", "--disable_ssl",
                  "--authdomain_identifier", "corp.local", "--ldap_ca_file", "/etc/ssl/ca.pem")
    )  # fmt: skip
    assert document["sync"]["purge_action"] == "delete"
    assert document["sync"]["purge_users"] is True
    assert document["sync"]["purge_groups"] is True
    assert document["sync"]["upsert_users"] is True
    assert document["sync"]["keep_local_membership"] is True
    assert document["thoughtspot"]["verify_tls"] is False
    assert document["naming"]["authdomain"] == "corp.local"
    assert document["ldap"]["ca_file"] == "/etc/ssl/ca.pem"


def test_passwords_are_never_written() -> None:
    text = migration("--sync")
    assert "ts-secret" not in text
    assert "ldap-secret" not in text
    assert "password" not in tomllib.loads(text)["ldap"]
    assert "# The password is not written here: set LDAP2TS_LDAP_PASSWORD" in text
    assert "# The password is not written here: set LDAP2TS_TS_PASSWORD" in text
    assert '# password_file = "/etc/ldap2ts/ldap.password"' in text


def test_force_goes_on_the_command_line() -> None:
    text = migration("--sync", "--purge", "--force")
    assert "force" not in tomllib.loads(text)["sync"]
    assert "#   ldap2ts apply --yes --config ldap2ts.toml --force" in text


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (["--sync"], ["ldap2ts plan --config ldap2ts.toml  # review the plan first",
                      "ldap2ts apply --yes --config ldap2ts.toml  # unattended, as from cron"]),
        (["--sync", "--dry_run"], ["ldap2ts plan --config ldap2ts.toml"]),
        ([], ["ldap2ts plan --config ldap2ts.toml"
              "  # the legacy run without --sync synced nothing"]),
    ],
)  # fmt: skip
def test_command_follows_mode(flags: list[str], expected: list[str]) -> None:
    options = parse_command_line([*BASE, "--basedn", "DC=x", *flags]).options
    assert options is not None
    commands = render_command(options)
    assert commands[0].startswith("export LDAP2TS_LDAP_PASSWORD=... LDAP2TS_TS_PASSWORD=...")
    assert commands[1:] == expected


def test_command_quotes_the_path() -> None:
    options = parse_command_line([*BASE, "--basedn", "DC=x", "--sync", "--dry_run"]).options
    assert options is not None
    assert render_command(options, "my config.toml")[1] == "ldap2ts plan --config 'my config.toml'"


def test_dn_with_escapes_round_trips() -> None:
    base_dn = 'OU=R&D\\, Europe,OU=\\"Quoted\\",DC=example,DC=com'
    text = migration("--basedn", base_dn)
    assert tomllib.loads(text)["directory"]["base_dn"] == base_dn


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, "true"),
        (False, "false"),
        (500, "500"),
        (0.1, "0.1"),
        ("a\\b", '"a\\\\b"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("tab\tand\nline", '"tab\\tand\\nline"'),
        ("bell\x07", '"bell\\u0007"'),
        (Scope.SUB, '"sub"'),
        (Scope.BASE, '"base"'),
        (Flavour.OPENLDAP, '"OpenLDAP"'),
        (PurgeAction.DELETE, '"delete"'),
        (("a", "b"), '["a", "b"]'),
        ((), "[]"),
    ],
)
def test_render_value(value: object, expected: str) -> None:
    assert render_value(value) == expected


@pytest.mark.parametrize(
    "text", ["a\\b", 'say "hi"', "tab\tand\nline", "bell\x07", "Zo\u00eb \u2713"]
)
def test_string_round_trips(text: str) -> None:
    assert tomllib.loads(f"key = {render_value(text)}")["key"] == text


def test_render_value_rejects_unknown_types() -> None:
    with pytest.raises(TypeError, match="cannot write object to TOML"):
        render_value(object())
