"""The interactive questions: legacy order, defaults, re-asking, and parity with script mode."""

from __future__ import annotations

import io
import os
import stat
import tomllib
from pathlib import Path

import pytest

from ldap2ts.errors import UsageError
from ldap2ts.legacy import interactive
from ldap2ts.legacy.command_line import parse_command_line
from ldap2ts.legacy.options import LegacyOptions
from ldap2ts.legacy.prompt import Console
from ldap2ts.legacy.session import confirm_plan, offer_to_save
from ldap2ts.legacy.translate import to_settings
from ldap2ts.model import Action, Change, Plan
from ldap2ts.report import change_count
from ldap2ts.settings import Settings

from .test_flags import BASE

CONNECTION_ANSWERS = [
    "https://ts.example.com:443", "", "tsadmin", "ts-secret",
    "ldap://dc1.example.com:389", "CN=sync,CN=Users,DC=example,DC=com", "ldap-secret",
]  # fmt: skip


class RecordingConsole(Console):
    """Console fed from a list of lines that records every prompt it shows."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__(io.StringIO("".join(line + "\n" for line in lines)), io.StringIO())
        self.prompts: list[str] = []

    def read_line(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return super().read_line(prompt)

    @property
    def output(self) -> str:
        assert isinstance(self.stdout, io.StringIO)
        return self.stdout.getvalue()


def answer_all(console: Console) -> LegacyOptions:
    """Ask every question the way a session does, without the connection checks."""
    answers = interactive.script_defaults()
    ts_pass = interactive.ask_thoughtspot(console, answers)
    ldap_pass = interactive.ask_ldap(console, answers)
    interactive.ask_modes(console, answers)
    interactive.ask_directory(console, answers)
    interactive.ask_naming(console, answers)
    interactive.ask_membership(console, answers)
    return interactive.to_options(answers, ts_pass, ldap_pass)


def script_settings(*flags: str) -> Settings:
    options = parse_command_line([*BASE, *flags]).options
    assert options is not None
    return to_settings(options)


def test_defaults_match_script_mode() -> None:
    console = RecordingConsole(
        [*CONNECTION_ANSWERS, "", "", "", "", "", "DC=example,DC=com", *[""] * 13]
    )
    settings = to_settings(answer_all(console))
    assert settings == script_settings("--sync", "--basedn", "DC=example,DC=com")


def test_same_answers_give_same_settings_as_flags() -> None:
    console = RecordingConsole([
        *CONNECTION_ANSWERS[:1], "y", *CONNECTION_ANSWERS[2:],
        "y", "n", "y", "n", "y",
        "OU=Lab,DC=example,DC=com", "1", "(objectClass=user)", "y",
        "sAMAccountName", "corp.local", "userPrincipalName", "cn", "name", "openldap",
        "uniqueMember",
        "y", "y", "y",
    ])  # fmt: skip
    settings = to_settings(answer_all(console))
    assert settings == script_settings(
        "--disable_ssl", "--sync", "--purge_users", "--dry_run",
        "--basedn", "OU=Lab,DC=example,DC=com", "--scope", "1",
        "--filter_str", "(objectClass=user)",
        "--include_nontree_members", "--user_identifier", "sAMAccountName",
        "--authdomain_identifier", "corp.local", "--email_identifier", "userPrincipalName",
        "--user_display_name_identifier", "cn", "--group_display_name_identifier", "name",
        "--ldap_type", "openldap", "--member_str", "uniqueMember",
        "--keep_local_membership", "--upsert_group", "--upsert_user",
    )  # fmt: skip


def test_questions_follow_legacy_order() -> None:
    console = RecordingConsole([*CONNECTION_ANSWERS, "y", "n", "n", "n", "n", "DC=x", *[""] * 13])
    answer_all(console)
    expected_starts = [
        "ThoughtSpot URL", "Disable verification of ThoughtSpot's TLS", "ThoughtSpot administrator",
        "ThoughtSpot password", "LDAP URL", "LDAP bind DN", "LDAP password",
        "Sync users and groups", "Purge:", "Purge users only", "Purge groups only", "Dry run",
        "Base DN", "Search scope", "LDAP filter", "Also sync group members",
        "Attribute that becomes the ThoughtSpot user name", "Domain appended",
        "Attribute that becomes the email", "Attribute that becomes the user display name",
        "Attribute that becomes the group display name", "LDAP type", "Membership attribute",
        "Keep users and groups added by hand", "Update existing groups", "Update existing users",
    ]  # fmt: skip
    assert len(console.prompts) == len(expected_starts)
    for prompt, start in zip(console.prompts, expected_starts, strict=True):
        assert prompt.startswith(start), (prompt, start)


def test_prompts_show_defaults() -> None:
    console = RecordingConsole([*CONNECTION_ANSWERS, "", "", "", "", "", "DC=x", *[""] * 13])
    answer_all(console)
    shown = {prompt.split(" [")[0].split(":")[0]: prompt for prompt in console.prompts}
    assert shown["Sync users and groups from LDAP to ThoughtSpot? (y/n)"].endswith("[y]: ")
    assert shown["Dry run"].endswith("(y/n) [n]: ")
    assert console.prompts[13].startswith("Search scope:\n  0  base: the base entry only\n")
    assert console.prompts[13].endswith("Scope [2]: ")
    assert console.prompts[14].endswith("[(cn=*)]: ")
    assert console.prompts[16].endswith("[userPrincipalName for AD, uid for OpenLdap]: ")
    assert console.prompts[17].endswith("[none]: ")
    assert console.prompts[21] == "LDAP type, AD or OpenLdap [AD]: "
    assert console.prompts[22].endswith("[member]: ")


def test_purge_skips_the_single_kind_questions() -> None:
    console = RecordingConsole([*CONNECTION_ANSWERS, "y", "yes", "n", "DC=x", *[""] * 13])
    options = answer_all(console)
    assert options.purge is True
    assert options.purge_users is False
    assert "Purge covers users and groups." in console.output
    assert not [prompt for prompt in console.prompts if prompt.startswith("Purge users only")]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("y", True), ("YES", True), ("Yes", True), ("n", False), ("No", False), ("NO", False)],
)
def test_yes_no_accepts_any_case(answer: str, expected: bool) -> None:
    console = RecordingConsole(["https://ts:443", answer, "tsadmin", "pw"])
    answers = interactive.script_defaults()
    interactive.ask_thoughtspot(console, answers)
    assert answers.disable_ssl is expected


def test_mistyped_answers_are_asked_again() -> None:
    console = RecordingConsole(["ts.example.com:8088", "https://ts.example.com", "maybe", "", "",
                                "tsadmin", "", "pw"])  # fmt: skip
    answers = interactive.script_defaults()
    secret = interactive.ask_thoughtspot(console, answers)
    assert answers.ts_hostport == "https://ts.example.com"
    assert answers.disable_ssl is False
    assert answers.ts_uname == "tsadmin"
    assert secret.reveal() == "pw"
    assert secret.source == "prompt"
    assert ("  Invalid answer 'ts.example.com:8088': expected http://host:port or "
            "https://host:port. Please try again.") in console.output  # fmt: skip
    assert "  Invalid answer 'maybe': expected y, yes, n or no. Please try again." in console.output
    assert console.output.count("  An answer is required.") == 2
    assert len(console.prompts) == 8


def test_directory_answers_are_validated() -> None:
    console = RecordingConsole([
        "DC=example,,DC=com", "DC=example,DC=com", "5", "2",
        "(cn=*", "(&(objectClass=user)(cn=a*))", "perhaps", "n",
    ])  # fmt: skip
    answers = interactive.script_defaults()
    interactive.ask_directory(console, answers)
    assert answers.basedn == "DC=example,DC=com"
    assert answers.scope == "2"
    assert answers.filter_str == "(&(objectClass=user)(cn=a*))"
    assert answers.include_nontree_members is False
    assert "Invalid answer 'DC=example,,DC=com': invalid DN syntax" in console.output
    assert "Invalid answer '5': expected 0 (base), 1 (one level) or 2 (subtree)" in console.output
    assert "Invalid answer '(cn=*': expected ')' but found the end at position 6" in console.output


def test_base_dn_check_can_reject() -> None:
    def check_base(text: str) -> str:
        if text != "DC=example,DC=com":
            raise ValueError(f"base DN {text!r} not found")
        return text

    console = RecordingConsole(["DC=missing,DC=com", "", "", "", ""])
    answers = interactive.script_defaults()
    interactive.ask_directory(console, answers, check_base=check_base,
                              suggested_base="DC=example,DC=com")  # fmt: skip
    assert answers.basedn == "DC=example,DC=com"
    assert "base DN 'DC=missing,DC=com' not found" in console.output
    assert console.prompts[0] == "Base DN where the search starts [DC=example,DC=com]: "


def test_password_falls_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LDAP2TS_LDAP_PASSWORD", "from-env")
    console = RecordingConsole(["ldap://dc1:389", "CN=sync,DC=x", ""])
    secret = interactive.ask_ldap(console, interactive.script_defaults())
    assert secret.reveal() == "from-env"
    assert secret.source == "env LDAP2TS_LDAP_PASSWORD"
    assert console.prompts[2] == "LDAP password (blank: use $LDAP2TS_LDAP_PASSWORD): "


def test_bind_name_may_be_a_upn() -> None:
    console = RecordingConsole(["ldaps://dc1:636", "sync@example.com", "pw"])
    answers = interactive.script_defaults()
    interactive.ask_ldap(console, answers)
    assert answers.ldap_uname == "sync@example.com"


def test_end_of_input_is_a_usage_error() -> None:
    console = RecordingConsole(["https://ts:443"])
    with pytest.raises(UsageError, match="the input ended before every question was answered"):
        interactive.ask_thoughtspot(console, interactive.script_defaults())


def saved_options() -> LegacyOptions:
    options = parse_command_line(
        [*BASE, "--sync", "--purge", "--basedn", "DC=example,DC=com"]
    ).options
    assert options is not None
    return options


def test_save_writes_private_config_without_passwords(tmp_path: Path) -> None:
    path = tmp_path / "sync.toml"
    console = RecordingConsole(["", str(path)])
    assert offer_to_save(console, saved_options(), to_settings(saved_options())) == str(path)
    text = path.read_text()
    assert "ts-secret" not in text
    assert "ldap-secret" not in text
    document = tomllib.loads(text)
    assert document["directory"]["base_dn"] == "DC=example,DC=com"
    assert document["sync"]["purge_action"] == "delete"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert f"Saved {path}. The same sync with ldap2ts:" in console.output
    assert f"ldap2ts apply --yes --config {path}" in console.output


def test_save_asks_before_replacing(tmp_path: Path) -> None:
    existing = tmp_path / "ldap2ts.toml"
    existing.write_text("keep me\n")
    existing.chmod(0o644)
    other = tmp_path / "other.toml"
    console = RecordingConsole(["y", str(existing), "n", str(other)])
    assert offer_to_save(console, saved_options(), to_settings(saved_options())) == str(other)
    assert existing.read_text() == "keep me\n"
    assert other.exists()

    console = RecordingConsole(["y", str(existing), "y"])
    assert offer_to_save(console, saved_options(), to_settings(saved_options())) == str(existing)
    assert "[directory]" in existing.read_text()
    assert stat.S_IMODE(os.stat(existing).st_mode) == 0o600


def test_save_can_be_declined(tmp_path: Path) -> None:
    console = RecordingConsole(["n"])
    assert offer_to_save(console, saved_options(), to_settings(saved_options())) is None
    assert console.prompts == ["Save these answers as an ldap2ts configuration file "
                               "(passwords are not saved)? (y/n) [y]: "]  # fmt: skip


def test_confirmation_counts_every_member() -> None:
    plan = Plan(changes=[
        Change(Action.CREATE_GROUP, "CN=Sales.OU=Groups@example.com"),
        Change(Action.CREATE_USER, "jdoe@example.com"),
        Change(Action.ADD_MEMBERS, "CN=Sales.OU=Groups@example.com",
               users=("jdoe@example.com", "mary.major@example.com"),
               sub_groups=("CN=Sales EU.OU=Groups@example.com",)),
        Change(Action.REMOVE_MEMBERS, "CN=R&D.OU=Groups@example.com",
               users=("old@example.com",)),
    ])  # fmt: skip
    console = RecordingConsole(["yes"])

    assert confirm_plan(console, plan) is True
    assert change_count(plan) == 6
    assert console.prompts == ["Apply these 6 changes to ThoughtSpot? (y/n) [n]: "]


def test_confirmation_of_one_change() -> None:
    plan = Plan(changes=[Change(Action.CREATE_USER, "jdoe@example.com")])
    console = RecordingConsole([""])

    assert confirm_plan(console, plan) is False
    assert console.prompts == ["Apply this 1 change to ThoughtSpot? (y/n) [n]: "]
