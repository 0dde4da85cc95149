"""``syncUsersAndGroups.py`` as a whole: exit codes, Error lines, warnings, --print-config."""

from __future__ import annotations

import tomllib

import pytest

from ldap2ts.legacy import main
from ldap2ts.legacy.run import NOTHING_SYNCED

from .test_flags import BASE


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_purge_conflict_exits_2_with_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *BASE, "--sync", "--basedn", "DC=x", "--purge", "--purge_groups")
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        "Error: --purge cannot be combined with --purge_groups: --purge already covers users "
        "and groups, so give only one of them"
    ]


def test_unknown_flag_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *BASE, "--bogus")
    assert code == 2
    assert err.splitlines() == [
        "Error: unrecognized arguments: --bogus (see syncUsersAndGroups.py --help)"
    ]
    assert "Traceback" not in err


def test_invalid_value_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, *BASE, "--scope", "7")
    assert code == 2
    assert err.splitlines() == [
        "Error: --scope '7': expected 0 (base), 1 (one level) or 2 (subtree)"
    ]


def test_without_sync_nothing_is_synced(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *BASE)
    assert code == 0
    assert out == NOTHING_SYNCED + "\n"
    assert "Warning: --ts_pass puts the password on the command line" in err
    assert "Warning: --ldap_pass puts the password on the command line" in err


def test_purge_without_sync_warns(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *BASE, "--purge", "--dry_run")
    assert code == 0
    assert out == NOTHING_SYNCED + "\n"
    assert "Warning: --purge has no effect without --sync" in err
    assert "Warning: --dry_run has no effect without --sync" in err


def test_disable_ssl_warns_on_every_run(capsys: pytest.CaptureFixture[str]) -> None:
    _, _, err = run(capsys, *BASE, "--disable_ssl")
    assert "Warning: --disable_ssl: ThoughtSpot's TLS certificate is not verified" in err


def test_en_dash_warning_is_printed(capsys: pytest.CaptureFixture[str]) -> None:
    arguments = [BASE[0], "\u2013-ts_hostport", *BASE[2:]]
    code, out, err = run(capsys, *arguments)
    assert code == 0
    assert out == NOTHING_SYNCED + "\n"
    assert "Warning: read '\u2013-ts_hostport' as --ts_hostport" in err


def test_print_config_prints_toml(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *BASE, "--sync", "--purge", "--basedn", "DC=example,DC=com",
                         "--print-config")  # fmt: skip
    assert code == 0
    assert out.startswith("# ldap2ts configuration equivalent to this syncUsersAndGroups.py")
    assert tomllib.loads(out)["sync"]["purge_action"] == "delete"
    assert "ts-secret" not in out + err
    assert "ldap-secret" not in out + err


def test_debug_logs_no_secret(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *BASE, "--debug", "--disable_ssl")
    assert code == 0
    assert "ts-secret" not in out + err
    assert "ldap-secret" not in out + err


def test_help_lists_every_legacy_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["script", "--help"])
    assert stopped.value.code == 0
    text = capsys.readouterr().out
    for flag in ("--ts_hostport", "--disable_ssl", "--ts_uname", "--ts_pass", "--ldap_hostport",
                 "--ldap_uname", "--ldap_pass", "--sync", "--purge", "--purge_users",
                 "--purge_groups", "--dry_run", "--basedn", "--scope", "--filter_str",
                 "--include_nontree_members", "--user_identifier", "--authdomain_identifier",
                 "--email_identifier", "--user_display_name_identifier",
                 "--group_display_name_identifier", "--ldap_type", "--member_str",
                 "--keep_local_membership", "--upsert_user", "--upsert_group", "--debug",
                 "--force", "--print-config"):  # fmt: skip
        assert flag in text, flag
    assert "--org_mapping" not in text
