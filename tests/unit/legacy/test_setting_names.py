"""ldap2ts key names in the core's messages, rewritten for syncUsersAndGroups.py users."""

from __future__ import annotations

import argparse
import io
import logging

import pytest

from ldap2ts.config.keys import KEYS
from ldap2ts.legacy.environment import LEGACY_KEYS
from ldap2ts.legacy.flags import build_parser
from ldap2ts.legacy.setting_names import LEGACY_SETTINGS, LegacyWording

from .test_interactive import CONNECTION_ANSWERS, RecordingConsole, answer_all

SCRIPT = LegacyWording(interactive=False)
INTERACTIVE = LegacyWording(interactive=True)

NONTREE = (
    "left out 8 members outside the base DN dc=example,dc=com; "
    "set include_nontree_members to read them"
)
SCOPE = "managed scope derived from the naming rules: users *; set sync.managed_scope to choose it"
LOGIN = (
    "ThoughtSpot rejected the login of user 'tsadmin' (HTTP 401); "
    "check thoughtspot.username, the password or secret_key"
)
TLS = (
    "certificate of https://ts.example.com not trusted; set thoughtspot.ca_file to the CA "
    "bundle that signed it, or set thoughtspot.verify_tls to false (not recommended)"
)


def test_nontree_hint_names_flag() -> None:
    assert SCRIPT(NONTREE).endswith("; give --include_nontree_members to read them")


def test_nontree_hint_names_question() -> None:
    assert INTERACTIVE(NONTREE).endswith(
        '; answer yes to "Also sync group members outside the base DN or the filter?" to read them'
    )


@pytest.mark.parametrize("wording", [SCRIPT, INTERACTIVE], ids=["script", "interactive"])
def test_key_without_flag_names_variable(wording: LegacyWording) -> None:
    assert wording(SCOPE).endswith("; set LDAP2TS_SYNC_MANAGED_SCOPE to choose it")
    assert wording("held back: the name is in sync.protect") == (
        "held back: the name is in LDAP2TS_SYNC_PROTECT"
    )
    assert wording("limits are 10 users (sync.max_removals)") == (
        "limits are 10 users (LDAP2TS_SYNC_MAX_REMOVALS)"
    )


def test_login_hint_names_flag() -> None:
    assert SCRIPT(LOGIN).endswith("; check --ts_uname and the password")


def test_login_hint_names_question() -> None:
    assert INTERACTIVE(LOGIN).endswith(
        '; check the answer to "ThoughtSpot administrator login name" and the password'
    )


def test_login_hint_keeps_org_id() -> None:
    assert SCRIPT(LOGIN + " and thoughtspot.org_id (3)").endswith(
        "; check --ts_uname and the password and LDAP2TS_THOUGHTSPOT_ORG_ID (3)"
    )


def test_verify_tls_false_is_disable_ssl() -> None:
    assert SCRIPT(TLS).endswith(
        "; give --ts_ca_file the CA bundle that signed it, or give --disable_ssl (not recommended)"
    )
    assert INTERACTIVE(TLS).endswith(
        "; set LDAP2TS_THOUGHTSPOT_CA_FILE to the CA bundle that signed it, or answer yes to "
        '"Disable verification of ThoughtSpot\'s TLS certificate (insecure)?" (not recommended)'
    )


def test_bare_ca_file_is_ldap_ca_file() -> None:
    message = "certificate not trusted; set ca_file to the PEM file of the CA"
    assert SCRIPT(message) == "certificate not trusted; give --ldap_ca_file the PEM file of the CA"
    assert INTERACTIVE(message) == (
        "certificate not trusted; set LDAP2TS_LDAP_CA_FILE to the PEM file of the CA"
    )


def test_purge_action_none_names_purge_flags() -> None:
    message = "gone@example.com: no longer in the directory, but sync.purge_action is none"
    assert SCRIPT(message).endswith(", but neither --purge nor --purge_users nor --purge_groups "
                                    "is given")  # fmt: skip
    assert INTERACTIVE(message).endswith(", but the purge answers are no")


def test_run_again_names_legacy_command() -> None:
    assert SCRIPT("Interrupted: 1 created; run ldap2ts again to finish.") == (
        "Interrupted: 1 created; run syncUsersAndGroups.py again to finish."
    )


def test_mention_in_brackets_names_flag() -> None:
    message = "invalid member attribute 'x' (directory.member_attribute): expected member"
    assert SCRIPT(message) == "invalid member attribute 'x' (--member_str): expected member"


@pytest.mark.parametrize(
    "text",
    [
        "create user name=sync.force@example.com",
        "cannot read /etc/ldap2ts/ldap.password: permission denied",
        "group CN=naming.authdomain.OU=Groups@example.com",
        "sync.nothing_like_this is not a key",
    ],
)
def test_other_text_unchanged(text: str) -> None:
    assert SCRIPT(text) == text
    assert INTERACTIVE(text) == text


def test_every_legacy_key_has_setting() -> None:
    assert set(LEGACY_KEYS) <= set(LEGACY_SETTINGS)
    assert set(LEGACY_SETTINGS) <= set(KEYS)


def script_flags() -> set[str]:
    parser = build_parser()
    commands = next(action for action in parser._actions
                    if isinstance(action, argparse._SubParsersAction))  # fmt: skip
    script = commands.choices["script"]
    return {option for action in script._actions for option in action.option_strings}


def test_every_flag_exists() -> None:
    known = script_flags()
    for dotted, setting in LEGACY_SETTINGS.items():
        assert setting.flag in known, dotted


def test_every_question_is_asked() -> None:
    console = RecordingConsole([
        *CONNECTION_ANSWERS, "y", "n", "n", "n", "n", "DC=x", *[""] * 13,
    ])  # fmt: skip
    answer_all(console)
    for dotted, setting in LEGACY_SETTINGS.items():
        if setting.question is None:
            continue
        asked = [prompt for prompt in console.prompts if setting.question in prompt]
        assert asked, dotted


def test_log_filter_rewrites_core_records() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SCRIPT.log_filter())
    core = logging.getLogger("ldap2ts.directory.members")
    legacy = logging.getLogger("ldap2ts.legacy.environment")
    for logger in (core, legacy):
        logger.addHandler(handler)
    try:
        core.warning("left out %d members; set include_nontree_members to read them", 8)
        legacy.warning("LDAP2TS_SYNC_FORCE is ignored: syncUsersAndGroups.py sets sync.force")
    finally:
        for logger in (core, legacy):
            logger.removeHandler(handler)

    lines = stream.getvalue().splitlines()
    assert lines[0] == "left out 8 members; give --include_nontree_members to read them"
    assert lines[1] == "LDAP2TS_SYNC_FORCE is ignored: syncUsersAndGroups.py sets sync.force"


def test_stream_rewrites_writes() -> None:
    out = io.StringIO()
    stream = SCRIPT.stream(out)
    print("warnings (1):", file=stream)
    print(f"  {SCOPE}", file=stream)
    stream.flush()
    assert out.getvalue().splitlines() == [
        "warnings (1):",
        "  managed scope derived from the naming rules: users *; "
        "set LDAP2TS_SYNC_MANAGED_SCOPE to choose it",
    ]
