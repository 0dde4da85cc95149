"""``syncUsersAndGroups.py interactive`` on a terminal (pexpect), against slapd and the emulator."""

from __future__ import annotations

import io
import os
import stat
import subprocess
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import pexpect
import pytest

from . import directory_data as data
from .conftest import PYTHON3, REPO_ROOT, Directory
from .test_script import ldap_users

if TYPE_CHECKING:
    from testkit.emulator import EmulatorServer

pytestmark = pytest.mark.slapd

TS_URL_PROMPT = "ThoughtSpot URL, http(s)://host:port"


def start_session(env: dict[str, str]) -> pexpect.spawn:
    """Start the documented interactive command; its output is kept in ``logfile_read``."""
    session = pexpect.spawn(PYTHON3, ["syncUsersAndGroups.py", "interactive"],
                            cwd=str(REPO_ROOT), env=env, encoding="utf-8", timeout=60)  # fmt: skip
    session.logfile_read = io.StringIO()
    return session


def answer(session: pexpect.spawn, prompt: str, text: str) -> None:
    session.expect_exact(prompt)
    session.sendline(text)


def answer_thoughtspot(session: pexpect.spawn, server: EmulatorServer, password: str) -> None:
    answer(session, "Disable verification of ThoughtSpot's TLS certificate (insecure)? (y/n) [n]: ",
           "")  # fmt: skip
    answer(session, "ThoughtSpot administrator login name", "tsadmin")
    answer(session, "ThoughtSpot password: ", password)


def answer_ldap(session: pexpect.spawn, directory: Directory, password: str) -> None:
    answer(session, "LDAP URL, ldap://host:389 or ldaps://host:636: ", directory.url)
    answer(session, "LDAP bind DN (or AD user principal name): ", directory.server.admin_dn)
    answer(session, "LDAP password: ", password)


def answer_directory(session: pexpect.spawn, *, user_identifier: str) -> None:
    answer(session, "Base DN where the search starts [dc=example,dc=com]: ",
           f"OU=Missing,{data.SUFFIX}")  # fmt: skip
    session.expect_exact(f"base DN 'OU=Missing,{data.SUFFIX}' not found on ")
    answer(session, "Base DN where the search starts [dc=example,dc=com]: ", data.SUFFIX)
    answer(session, "Scope [2]: ", "5")
    session.expect_exact("Invalid answer '5': expected 0 (base), 1 (one level) or 2 (subtree).")
    answer(session, "Scope [2]: ", "")
    answer(session, "[(cn=*)]: ", "")
    answer(session, "Also sync group members outside the base DN or the filter? (y/n) [n]: ", "")
    answer(session, "[userPrincipalName for AD, uid for OpenLdap]: ", user_identifier)
    answer(session, "(blank for none) [none]: ", "")
    answer(session, "Attribute that becomes the email [mail]: ", "")
    answer(session, "Attribute that becomes the user display name [displayName]: ", "")
    answer(session, "Attribute that becomes the group display name [displayName]: ", "")
    answer(session, "LDAP type, AD or OpenLdap [AD]: ", "ad")
    answer(session, "[member]: ", "")
    answer(session, "Keep users and groups added by hand to a synced group? (y/n) [n]: ", "")
    answer(session, "Update existing groups too (upsert groups)? (y/n) [n]: ", "")
    answer(session, "Update existing users too (upsert users)? (y/n) [n]: ", "No")


def answer_modes(session: pexpect.spawn, *, dry_run: bool) -> None:
    answer(session, "Sync users and groups from LDAP to ThoughtSpot? (y/n) [y]: ", "maybe")
    session.expect_exact("Invalid answer 'maybe': expected y, yes, n or no. Please try again.")
    answer(session, "Sync users and groups from LDAP to ThoughtSpot? (y/n) [y]: ", "YES")
    answer(session, "that are no longer in the synced tree? (y/n) [n]: ", "")
    answer(session, "Purge users only? (y/n) [n]: ", "")
    answer(session, "Purge groups only? (y/n) [n]: ", "")
    answer(session, "Dry run: show the plan and change nothing? (y/n) [n]: ",
           "y" if dry_run else "n")  # fmt: skip


def finish(session: pexpect.spawn) -> int:
    session.expect(pexpect.EOF)
    session.close()
    assert session.exitstatus is not None, session.signalstatus
    return int(session.exitstatus)


def test_session_syncs_and_saves_config(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str],
    tmp_path: Path,
) -> None:  # fmt: skip
    session = start_session(legacy_env)

    # A mistyped URL is asked again, and a wrong password is reported at once.
    answer(session, f"{TS_URL_PROMPT}: ", ts_server.url.removeprefix("http://"))
    session.expect_exact("Invalid answer")
    answer(session, f"{TS_URL_PROMPT}: ", ts_server.url)
    answer_thoughtspot(session, ts_server, "wrong-password")
    session.expect_exact("  Failed: ")
    session.expect_exact('check the answer to "ThoughtSpot administrator login name" '
                         "and the password")  # fmt: skip
    answer(session, "Change the ThoughtSpot answers and try again? (y/n) [y]: ", "")
    answer(session, f"{TS_URL_PROMPT} [{ts_server.url}]: ", "")
    answer_thoughtspot(session, ts_server, "admin")
    session.expect_exact(f"  OK: logged in to {ts_server.url} as tsadmin")
    # One line reports the login: the client's own log record of it is not shown too.
    assert "Connecting to ThoughtSpot..." in session.before
    assert "Logged in to ThoughtSpot" not in session.before

    answer_ldap(session, ad_directory, ad_directory.server.admin_password)
    session.expect_exact(f"  OK: bound to {ad_directory.url}")
    answer_modes(session, dry_run=False)
    answer_directory(session, user_identifier="sAMAccountName")

    session.expect_exact("create user (5):")
    # The question counts what the plan's summary counts: one per principal and per member.
    session.expect(r"Plan: [^\r\n]* (\d+) changes in all\.")
    planned = int(session.match.group(1))
    answer(session, f"Apply these {planned} changes to ThoughtSpot? (y/n) [n]: ", "yes")
    config = tmp_path / "saved.toml"
    answer(session, "(passwords are not saved)? (y/n) [y]: ", "")
    answer(session, "File name [ldap2ts.toml]: ", str(config))
    session.expect_exact(f"Saved {config}.")
    assert finish(session) == 0

    assert set(ldap_users(ts_server)) == set(data.SAM_NAMES.values())
    transcript = session.logfile_read.getvalue()
    assert "wrong-password" not in transcript
    assert ad_directory.server.admin_password not in transcript
    text = config.read_text()
    assert "admin-secret" not in text
    assert stat.S_IMODE(os.stat(config).st_mode) == 0o600
    assert tomllib.loads(text)["naming"]["user_identifier"] == "sAMAccountName"

    # The saved file drives ldap2ts to the same state: nothing is left to change.
    legacy_env["LDAP2TS_TS_PASSWORD"] = "admin"
    legacy_env["LDAP2TS_LDAP_PASSWORD"] = ad_directory.server.admin_password
    check = subprocess.run([str(REPO_ROOT / ".venv" / "bin" / "ldap2ts"), "check", "--config",
                            str(config)], env=legacy_env, capture_output=True, text=True,
                           timeout=120, check=False)  # fmt: skip
    assert check.returncode == 0, check.stdout + check.stderr


def test_dry_run_session_changes_nothing(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    session = start_session(legacy_env)
    answer(session, f"{TS_URL_PROMPT}: ", ts_server.url)
    answer_thoughtspot(session, ts_server, "admin")
    answer_ldap(session, ad_directory, ad_directory.server.admin_password)
    answer_modes(session, dry_run=True)
    answer_directory(session, user_identifier="")
    session.expect_exact("would create user name=jdoe@example.com")
    answer(session, "(passwords are not saved)? (y/n) [y]: ", "n")
    assert finish(session) == 0
    assert ldap_users(ts_server) == {}
    assert ts_server.counters()["writes"] == 0


def test_no_sync_answer_ends_session(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    session = start_session(legacy_env)
    answer(session, f"{TS_URL_PROMPT}: ", ts_server.url)
    answer_thoughtspot(session, ts_server, "admin")
    answer_ldap(session, ad_directory, ad_directory.server.admin_password)
    answer(session, "Sync users and groups from LDAP to ThoughtSpot? (y/n) [y]: ", "n")
    answer(session, "that are no longer in the synced tree? (y/n) [n]: ", "")
    answer(session, "Purge users only? (y/n) [n]: ", "")
    answer(session, "Purge groups only? (y/n) [n]: ", "")
    answer(session, "Dry run: show the plan and change nothing? (y/n) [n]: ", "")
    session.expect_exact("Nothing was synced: the answer to the sync question was no.")
    assert finish(session) == 0
    assert ts_server.counters()["writes"] == 0


def test_ldap_failure_reported_exactly(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    session = start_session(legacy_env)
    answer(session, f"{TS_URL_PROMPT}: ", ts_server.url)
    answer_thoughtspot(session, ts_server, "admin")
    answer_ldap(session, ad_directory, "wrong-ldap-password")
    session.expect_exact("  Failed: ")
    session.expect_exact("Change the LDAP answers and try again? (y/n) [y]: ")
    failure = session.before
    session.sendline("n")
    session.expect_exact("Error: ")
    assert finish(session) == 5
    assert "wrong-ldap-password" not in failure
    assert ad_directory.server.admin_dn in failure or "credentials" in failure.lower()


def test_ctrl_c_at_question_exits_6(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    session = start_session(legacy_env)
    answer(session, f"{TS_URL_PROMPT}: ", ts_server.url)
    session.expect_exact("Disable verification of ThoughtSpot's TLS certificate")
    session.sendintr()
    session.expect_exact("Error: interrupted; run syncUsersAndGroups.py again to finish the sync")
    assert finish(session) == 6
    assert ts_server.counters()["total"] == 0


def test_ctrl_c_at_save_keeps_exit_code(
    ts_server: EmulatorServer, ad_directory: Directory, legacy_env: dict[str, str]
) -> None:
    session = start_session(legacy_env)
    answer(session, f"{TS_URL_PROMPT}: ", ts_server.url)
    answer_thoughtspot(session, ts_server, "admin")
    answer_ldap(session, ad_directory, ad_directory.server.admin_password)
    answer_modes(session, dry_run=True)
    answer_directory(session, user_identifier="")
    session.expect_exact("(passwords are not saved)? (y/n) [y]: ")
    session.sendintr()
    session.expect_exact("  Not saved.")
    # The dry run succeeded, so the session still exits 0.
    assert finish(session) == 0
    assert "Error:" not in session.before
    assert "File name" not in session.before
