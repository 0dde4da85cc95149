"""Parsing of the legacy ``script`` flags: defaults, every flag, usage errors, en dashes."""

from __future__ import annotations

import pytest

from ldap2ts.errors import UsageError
from ldap2ts.legacy.command_line import parse_command_line
from ldap2ts.legacy.options import LegacyOptions
from ldap2ts.settings import Flavour, Scope

BASE = [
    "script",
    "--ts_hostport", "https://ts.example.com:443",
    "--ts_uname", "tsadmin",
    "--ts_pass", "ts-secret",
    "--ldap_hostport", "ldap://dc1.example.com:389",
    "--ldap_uname", "CN=sync,CN=Users,DC=example,DC=com",
    "--ldap_pass", "ldap-secret",
]  # fmt: skip


def parse(*extra: str) -> LegacyOptions:
    options = parse_command_line([*BASE, *extra]).options
    assert options is not None
    return options


def usage_error(*arguments: str) -> str:
    with pytest.raises(UsageError) as caught:
        parse_command_line(list(arguments))
    return str(caught.value)


def test_defaults_are_the_legacy_ones() -> None:
    options = parse()
    assert options.sync is False
    assert options.purge is False
    assert options.purge_users is False
    assert options.purge_groups is False
    assert options.dry_run is False
    assert options.disable_ssl is False
    assert options.basedn is None
    assert options.scope is Scope.SUB
    assert options.filter_str == "(cn=*)"
    assert options.include_nontree_members is False
    assert options.user_identifier is None
    assert options.resolved_user_identifier == "userPrincipalName"
    assert options.authdomain_identifier is None
    assert options.email_identifier == "mail"
    assert options.user_display_name_identifier == "displayName"
    assert options.group_display_name_identifier == "displayName"
    assert options.ldap_type is Flavour.AD
    assert options.member_str == "member"
    assert options.keep_local_membership is False
    assert options.upsert_group is False
    assert options.upsert_user is False
    assert options.force is False


def test_connection_flags_are_read() -> None:
    options = parse()
    assert options.ts_hostport == "https://ts.example.com:443"
    assert options.ts_uname == "tsadmin"
    assert options.ts_pass is not None and options.ts_pass.reveal() == "ts-secret"
    assert options.ts_pass.source == "flag --ts_pass"
    assert options.ldap_hostport == "ldap://dc1.example.com:389"
    assert options.ldap_uname == "CN=sync,CN=Users,DC=example,DC=com"
    assert options.ldap_pass is not None and options.ldap_pass.reveal() == "ldap-secret"


@pytest.mark.parametrize(
    ("flag", "attribute"),
    [
        ("--disable_ssl", "disable_ssl"),
        ("--sync", "sync"),
        ("--purge", "purge"),
        ("--purge_users", "purge_users"),
        ("--purge_groups", "purge_groups"),
        ("--dry_run", "dry_run"),
        ("--include_nontree_members", "include_nontree_members"),
        ("--keep_local_membership", "keep_local_membership"),
        ("--upsert_user", "upsert_user"),
        ("--upsert_group", "upsert_group"),
        ("--force", "force"),
    ],
)
def test_switch_sets_its_option(flag: str, attribute: str) -> None:
    extra = [flag, "--basedn", "DC=example,DC=com"]
    assert getattr(parse(*extra), attribute) is True


@pytest.mark.parametrize(
    ("flag", "value", "attribute", "expected"),
    [
        ("--basedn", "OU=Lab,DC=example,DC=com", "basedn", "OU=Lab,DC=example,DC=com"),
        ("--filter_str", "(|(CN=Sales)(CN=R\\26D))", "filter_str", "(|(CN=Sales)(CN=R\\26D))"),
        ("--user_identifier", "sAMAccountName", "user_identifier", "sAMAccountName"),
        ("--authdomain_identifier", "corp.local", "authdomain_identifier", "corp.local"),
        ("--email_identifier", "userPrincipalName", "email_identifier", "userPrincipalName"),
        ("--user_display_name_identifier", "cn", "user_display_name_identifier", "cn"),
        ("--group_display_name_identifier", "name", "group_display_name_identifier", "name"),
        ("--member_str", "uniqueMember", "member_str", "uniqueMember"),
        ("--ldap_ca_file", "/etc/ssl/ldap-ca.pem", "ldap_ca_file", "/etc/ssl/ldap-ca.pem"),
        ("--ts_ca_file", "/etc/ssl/ts-ca.pem", "ts_ca_file", "/etc/ssl/ts-ca.pem"),
    ],
)
def test_valued_flag_sets_its_option(flag: str, value: str, attribute: str, expected: str) -> None:
    assert getattr(parse(flag, value), attribute) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", Scope.BASE), ("1", Scope.ONE), ("2", Scope.SUB), ("BASE", Scope.BASE),
     ("LEVEL", Scope.ONE), ("SUBTREE", Scope.SUB), ("sub", Scope.SUB)],
)  # fmt: skip
def test_scope_accepts_legacy_values(value: str, expected: Scope) -> None:
    assert parse("--scope", value).scope is expected


@pytest.mark.parametrize("value", ["AD", "ad", "Ad"])
def test_ldap_type_ad_any_case(value: str) -> None:
    assert parse("--ldap_type", value).ldap_type is Flavour.AD


@pytest.mark.parametrize("value", ["OpenLdap", "openldap", "OPENLDAP", "OpenLDAP"])
def test_ldap_type_openldap_any_case(value: str) -> None:
    options = parse("--ldap_type", value)
    assert options.ldap_type is Flavour.OPENLDAP
    assert options.resolved_user_identifier == "uid"


def test_openldap_keeps_explicit_identifier() -> None:
    options = parse("--ldap_type", "OpenLdap", "--user_identifier", "mail")
    assert options.resolved_user_identifier == "mail"


def test_en_dash_flag_is_accepted_with_warning() -> None:
    arguments = [BASE[0], "\u2013-ts_hostport", *BASE[2:], "\u2013-sync", "\u2014basedn", "DC=x"]
    invocation = parse_command_line(arguments)
    assert invocation.options is not None
    assert invocation.options.ts_hostport == "https://ts.example.com:443"
    assert invocation.options.sync is True
    assert invocation.options.basedn == "DC=x"
    dash_warnings = [warning for warning in invocation.warnings if "typographic dash" in warning]
    assert len(dash_warnings) == 3
    assert dash_warnings[0].startswith("read '\u2013-ts_hostport' as --ts_hostport")
    assert "U+2013" in dash_warnings[0]
    assert "U+2014" in dash_warnings[2]


def test_en_dash_with_equals_sign() -> None:
    options = parse("\u2013-basedn=DC=example,DC=com")
    assert options.basedn == "DC=example,DC=com"


def test_en_dash_in_a_value_is_kept() -> None:
    arguments = [*BASE[:5], "--ts_pass", "\u2013-sync"] + BASE[7:]
    invocation = parse_command_line(arguments)
    assert invocation.options is not None
    assert invocation.options.ts_pass is not None
    assert invocation.options.ts_pass.reveal() == "\u2013-sync"
    assert invocation.options.sync is False


def test_en_dash_unknown_flag_is_an_error() -> None:
    message = usage_error(*BASE, "\u2013-no_such_flag")
    assert "unrecognized arguments: \u2013-no_such_flag" in message


@pytest.mark.parametrize("kind", ["--purge_users", "--purge_groups"])
def test_purge_with_single_kind_is_rejected(kind: str) -> None:
    message = usage_error(*BASE, "--sync", "--basedn", "DC=x", "--purge", kind)
    assert message.startswith(f"--purge cannot be combined with {kind}")


def test_purge_users_and_groups_together_are_allowed() -> None:
    options = parse("--purge_users", "--purge_groups")
    assert options.purge_users is True
    assert options.purge_groups is True


@pytest.mark.parametrize("flag", ["--ts_hostport", "--ts_uname", "--ldap_hostport", "--ldap_uname"])
def test_required_flag_missing(flag: str) -> None:
    arguments = list(BASE)
    index = arguments.index(flag)
    del arguments[index : index + 2]
    assert usage_error(*arguments) == f"{flag} is required"


def test_sync_needs_basedn() -> None:
    assert usage_error(*BASE, "--sync").startswith("--basedn is required with --sync")


def test_missing_password_names_the_variable() -> None:
    arguments = [argument for argument in BASE if argument not in ("--ts_pass", "ts-secret")]
    message = usage_error(*arguments)
    assert message.startswith(
        "--ts_pass is missing: set the environment variable LDAP2TS_TS_PASSWORD"
    )


def test_passwords_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LDAP2TS_TS_PASSWORD", "from-env-ts")
    monkeypatch.setenv("LDAP2TS_LDAP_PASSWORD", "from-env-ldap")
    arguments = [
        a for a in BASE if a not in ("--ts_pass", "ts-secret", "--ldap_pass", "ldap-secret")
    ]
    invocation = parse_command_line(arguments)
    assert invocation.options is not None
    assert invocation.options.ts_pass is not None
    assert invocation.options.ts_pass.reveal() == "from-env-ts"
    assert invocation.options.ts_pass.source == "env LDAP2TS_TS_PASSWORD"
    assert invocation.options.ldap_pass is not None
    assert invocation.options.ldap_pass.reveal() == "from-env-ldap"
    assert not [warning for warning in invocation.warnings if "password" in warning]


def test_password_flag_warns_and_points_to_alternatives() -> None:
    invocation = parse_command_line(BASE)
    password_warnings = [warning for warning in invocation.warnings if "password" in warning]
    assert len(password_warnings) == 2
    assert password_warnings[0].startswith("--ts_pass puts the password on the command line")
    assert "LDAP2TS_TS_PASSWORD" in password_warnings[0]
    assert "password_file" in password_warnings[0]
    assert "LDAP2TS_LDAP_PASSWORD" in password_warnings[1]
    assert all("secret" not in warning for warning in invocation.warnings)


def test_print_config_needs_no_password() -> None:
    arguments = [
        a for a in BASE if a not in ("--ts_pass", "ts-secret", "--ldap_pass", "ldap-secret")
    ]
    invocation = parse_command_line([*arguments, "--basedn", "DC=x", "--print-config"])
    assert invocation.print_config is True
    assert invocation.options is not None
    assert invocation.options.ts_pass is None


def test_print_config_underscore_spelling() -> None:
    invocation = parse_command_line([*BASE, "--basedn", "DC=x", "--print_config"])
    assert invocation.print_config is True


def test_debug_flag() -> None:
    assert parse_command_line([*BASE, "--debug"]).debug is True
    assert parse_command_line(["interactive", "--debug"]).debug is True


def test_interactive_takes_no_legacy_flags() -> None:
    invocation = parse_command_line(["interactive"])
    assert invocation.command == "interactive"
    assert invocation.options is None


@pytest.mark.parametrize(
    ("flag", "value", "expected"),
    [
        (
            "--ts_hostport",
            "ts.example.com:8088",
            "--ts_hostport 'ts.example.com:8088': expected http://",
        ),
        (
            "--ts_hostport",
            "ftp://ts.example.com",
            "--ts_hostport 'ftp://ts.example.com': expected http://",
        ),
        ("--ts_hostport", "https://ts:99999", "--ts_hostport 'https://ts:99999': invalid port"),
        ("--ldap_hostport", "ldap//dc1", "--ldap_hostport 'ldap//dc1': expected ldap://host:port"),
        ("--ldap_hostport", "https://dc1", "--ldap_hostport 'https://dc1': expected ldap://"),
        ("--ldap_uname", "CN=sync,,DC=x", "--ldap_uname 'CN=sync,,DC=x': invalid DN syntax"),
        ("--basedn", "DC=example;DC=com,", "--basedn 'DC=example;DC=com,': invalid DN syntax"),
        ("--scope", "3", "--scope '3': expected 0 (base), 1 (one level) or 2 (subtree)"),
        ("--filter_str", "(cn=*", "--filter_str '(cn=*': expected ')' but found the end"),
        ("--filter_str", "(cn=a)(cn=b)", "--filter_str '(cn=a)(cn=b)': unexpected text after"),
        ("--filter_str", "(cn=R\\, x)", "--filter_str '(cn=R\\\\, x)': a backslash must be"),
        ("--ldap_type", "Novell", "--ldap_type 'Novell': expected AD or OpenLdap"),
        ("--user_identifier", "user id", "--user_identifier 'user id': expected an LDAP attribute"),
        ("--member_str", "member;x!", "--member_str 'member;x!': expected an LDAP attribute"),
        ("--authdomain_identifier", "@corp", "--authdomain_identifier '@corp': expected a domain"),
    ],
)
def test_invalid_value_names_flag(flag: str, value: str, expected: str) -> None:
    arguments = [argument for argument in BASE]
    if flag in arguments:
        arguments[arguments.index(flag) + 1] = value
    else:
        arguments += [flag, value]
    assert usage_error(*arguments).startswith(expected)


def test_unknown_flag_is_a_usage_error() -> None:
    message = usage_error(*BASE, "--no_such_flag")
    assert message == "unrecognized arguments: --no_such_flag (see syncUsersAndGroups.py --help)"


def test_missing_sub_command() -> None:
    assert "required: {interactive,script}" in usage_error()


@pytest.mark.parametrize(
    "flag",
    ["--org_mapping", "--org_attr", "--remove_user_orgs", "--remove_group_orgs",
     "--add_recursive_org_membership"],
)  # fmt: skip
def test_org_flags_are_rejected(flag: str) -> None:
    message = usage_error(*BASE, flag)
    assert message.startswith(f"{flag} is not supported: ldap2ts does not map users and groups")


def test_org_file_flag_is_rejected() -> None:
    message = usage_error(*BASE, "--org_file_input", "orgs.csv")
    assert message.startswith("--org_file_input is not supported")


def test_filter_without_parentheses_is_wrapped() -> None:
    assert parse("--filter_str", "objectClass=user").filter_str == "(objectClass=user)"


def test_abbreviated_flag_still_works() -> None:
    assert parse("--upsert_u").upsert_user is True


def test_credentials_in_url_are_rejected() -> None:
    arguments = list(BASE)
    arguments[arguments.index("--ts_hostport") + 1] = "https://tsadmin:secret@ts.example.com"
    message = usage_error(*arguments)
    assert message.startswith("--ts_hostport 'https://tsadmin:secret@ts.example.com': a user name")


def test_print_config_needs_basedn() -> None:
    message = usage_error(*BASE, "--print-config")
    assert message.startswith("--basedn is required with --print-config")
