"""One ``interactive`` session: questions, connection checks, plan, apply, save.

The connections are checked right after their answers, so a wrong
password or URL is reported (with the exact failure) while it is still on
screen, and can be answered again. The plan is shown before anything is
applied, and applying needs a yes.
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable, Mapping

from ldap2ts.cli.signals import Phase, RunSignals
from ldap2ts.config.sources import RawValue
from ldap2ts.errors import Ldap2tsError
from ldap2ts.legacy import connect, interactive, validate
from ldap2ts.legacy.environment import settings_for_run
from ldap2ts.legacy.options import LegacyOptions
from ldap2ts.legacy.print_config import DEFAULT_CONFIG_NAME, render_command, render_config
from ldap2ts.legacy.prompt import Console, ask, ask_yes_no
from ldap2ts.legacy.run import run_engine, warn_about
from ldap2ts.legacy.setting_names import LegacyWording
from ldap2ts.model import Plan
from ldap2ts.report import change_count
from ldap2ts.settings import Secret, Settings

logger = logging.getLogger(__name__)

NOTHING_SYNCED = "Nothing was synced: the answer to the sync question was no."

INTRODUCTION = """\
syncUsersAndGroups.py interactive mode (run by ldap2ts)
Press Enter to accept the default shown in [brackets]. Passwords are not echoed.
Press Ctrl-C to quit; nothing is changed before you confirm the plan.
"""


def run_session(
    console: Console,
    environment: Mapping[str, RawValue],
    signals: RunSignals,
    wording: LegacyWording,
) -> int:
    """Ask every question, check the connections, show the plan, apply it on consent."""
    console.say(INTRODUCTION)
    answers = interactive.script_defaults()
    probes = _Probes(answers, environment, wording)
    ts_pass = _until_connected(
        console,
        "ThoughtSpot",
        lambda: interactive.ask_thoughtspot(console, answers),
        probes.check_thoughtspot,
        wording,
    )
    ldap_pass = _until_connected(
        console,
        "LDAP",
        lambda: interactive.ask_ldap(console, answers),
        probes.check_ldap,
        wording,
    )
    interactive.ask_modes(console, answers)
    if not answers.sync:
        console.say(NOTHING_SYNCED)
        return 0

    interactive.ask_directory(
        console,
        answers,
        suggested_base=probes.server.suggested_base_dn() if probes.server else None,
        check_base=lambda text: probes.check_base_dn(text, ldap_pass),
    )
    interactive.ask_naming(console, answers)
    interactive.ask_membership(console, answers)
    options = interactive.to_options(answers, ts_pass, ldap_pass)
    settings, ignored = settings_for_run(options, environment)
    for warning in ignored:
        logger.warning("%s", warning)
    warn_about(options)

    exit_code = run_engine(
        options,
        settings,
        signals,
        wording,
        confirm=lambda plan: confirm_plan(console, plan),
        out=console.stdout,
    )
    _offer_to_save_after_run(console, options, settings, signals)
    return exit_code


def _offer_to_save_after_run(
    console: Console, options: LegacyOptions, settings: Settings, signals: RunSignals
) -> None:
    """Offer to save. Ctrl-C at these questions skips saving and keeps the run's exit code.

    After the run, ``signals`` ignores SIGINT, so the phase goes back to the
    one of the earlier questions, where a signal raises KeyboardInterrupt.
    """
    signals.phase = Phase.STARTING
    try:
        offer_to_save(console, options, settings)
    except KeyboardInterrupt:
        console.say("")
        console.say("  Not saved.")
    finally:
        signals.finish()


def _until_connected(
    console: Console,
    what: str,
    ask_answers: Callable[[], Secret],
    check: Callable[[Secret], str],
    wording: LegacyWording,
) -> Secret:
    """Ask a group of connection answers until the connection check passes or the user gives up."""
    while True:
        secret = ask_answers()
        console.say(f"  Connecting to {what}...")
        try:
            console.say(f"  OK: {check(secret)}")
            return secret
        except Ldap2tsError as error:
            console.say(f"  Failed: {wording(str(error))}")
            if not ask_yes_no(console, f"Change the {what} answers and try again?", default=True):
                raise


class _Probes:
    """Connection checks with the settings the run will use for the answers given so far.

    The settings go through the same translation and LDAP2TS_ variables as
    the run, so a CA file, StartTLS or a timeout from the environment
    applies to the checks too.
    """

    def __init__(
        self,
        answers: argparse.Namespace,
        environment: Mapping[str, RawValue],
        wording: LegacyWording,
    ) -> None:
        self.answers = answers
        self.environment = environment
        self.wording = wording
        self.server: connect.LdapServerInfo | None = None

    def settings(self, *, ts_pass: Secret | None = None,
                 ldap_pass: Secret | None = None) -> Settings:  # fmt: skip
        answers = self.answers
        options = LegacyOptions(
            ts_hostport=answers.ts_hostport or "",
            ts_uname=answers.ts_uname or "",
            ldap_hostport=answers.ldap_hostport or "",
            ldap_uname=answers.ldap_uname or "",
            ts_pass=ts_pass,
            ldap_pass=ldap_pass,
            disable_ssl=answers.disable_ssl,
        )
        return settings_for_run(options, self.environment)[0]

    def check_thoughtspot(self, secret: Secret) -> str:
        return connect.check_thoughtspot(self.settings(ts_pass=secret).thoughtspot)

    def check_ldap(self, secret: Secret) -> str:
        self.server = connect.check_ldap(self.settings(ldap_pass=secret).ldap)
        contexts = ", ".join(self.server.naming_contexts) or "none published"
        return (
            f"bound to {self.answers.ldap_hostport} as {self.answers.ldap_uname} "
            f"(server looks like {self.server.flavour.value}; naming contexts: {contexts})"
        )

    def check_base_dn(self, text: str, secret: Secret) -> str:
        """Return the base DN if it exists; raise ValueError (asked again) if not."""
        base_dn = validate.check_dn(text)
        try:
            connect.check_base_dn(self.settings(ldap_pass=secret).ldap, base_dn)
        except Ldap2tsError as error:
            raise ValueError(self.wording(str(error))) from error
        return base_dn


def confirm_plan(console: Console, plan: Plan) -> bool:
    """Ask before applying, counting as the plan's summary does (one per principal and member)."""
    count = change_count(plan)
    counted = "this 1 change" if count == 1 else f"these {count} changes"
    return ask_yes_no(console, f"Apply {counted} to ThoughtSpot?", default=False)


def offer_to_save(console: Console, options: LegacyOptions, settings: Settings) -> str | None:
    """Offer to save the answers as an ldap2ts configuration file; return its path if saved."""
    if not ask_yes_no(
        console,
        "Save these answers as an ldap2ts configuration file (passwords are not saved)?",
        default=True,
    ):
        return None
    while True:
        path = ask(console, "File name", str.strip, default=DEFAULT_CONFIG_NAME)
        if not os.path.exists(path) or ask_yes_no(
            console, f"{path} exists. Replace it?", default=False
        ):
            break
    try:
        _write_private(path, render_config(settings))
    except OSError as error:
        console.say(f"  Failed to save {path}: {error.strerror}")
        return None
    console.say(f"Saved {path}. The same sync with ldap2ts:")
    for command in render_command(options, path):
        console.say(f"  {command}")
    return path


def _write_private(path: str, text: str) -> None:
    """Write a file readable only by its owner: it names servers and accounts."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(text)
