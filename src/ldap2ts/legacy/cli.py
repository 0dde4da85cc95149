"""Entry point of ``syncUsersAndGroups.py``: parse, set up logging, dispatch, map errors.

SIGINT and SIGTERM are handled as ``ldap2ts`` handles them (``RunSignals``).
Before the sync a signal stops at once. During it the first one lets the
changes in flight finish and a second one stops at once. The console script
ignores signals once the exit code is known, so an interrupted run exits 6.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from ldap2ts.cli.output import configure_logging
from ldap2ts.cli.signals import RunSignals
from ldap2ts.engine import ApplyStopped
from ldap2ts.errors import ExitCode, Ldap2tsError
from ldap2ts.legacy.command_line import parse_command_line
from ldap2ts.legacy.prompt import Console
from ldap2ts.legacy.setting_names import LegacyWording
from ldap2ts.progress import Progress

logger = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the legacy command line, restore the previous signal handlers, return the exit code."""
    return _main(argv, restore_signals=True)


def console_main() -> NoReturn:
    """Entry point of the ``syncUsersAndGroups.py`` console script and launcher.

    Once the exit code is known, SIGINT and SIGTERM are ignored until the
    process ends, so a late signal cannot turn the exit code into 130.
    """
    sys.exit(_main(None, restore_signals=False))


def _main(argv: Sequence[str] | None, *, restore_signals: bool) -> int:
    signals = RunSignals()
    try:
        signals.install()
        try:
            return _run(list(sys.argv[1:] if argv is None else argv), signals)
        finally:
            signals.finish()
    except KeyboardInterrupt:
        # Ctrl-C at a prompt, or a second SIGINT or SIGTERM during the sync.
        print("\nError: interrupted; run syncUsersAndGroups.py again to finish the sync",
              file=sys.stderr)
        return int(ExitCode.INTERRUPTED)
    finally:
        if restore_signals:
            signals.restore()
        else:
            signals.ignore_until_exit()


def _run(arguments: list[str], signals: RunSignals) -> int:
    stdout, stderr = sys.stdout, sys.stderr
    interactive = bool(arguments) and arguments[0] == "interactive"
    # Logging starts before parsing, because parsing reads the LDAP2TS_
    # variables and may warn about them. Interactive mode has no progress
    # line, because it would mix with the questions.
    progress = Progress(stderr, enabled=stderr.isatty() and not interactive)
    handler = configure_logging(stderr, progress, verbose="--debug" in arguments, quiet=False)
    # The core's messages name ldap2ts keys; show the legacy flags and variables instead.
    wording = LegacyWording(interactive=interactive)
    handler.addFilter(wording.log_filter())
    try:
        invocation = parse_command_line(arguments)
    except Ldap2tsError as error:
        print(f"Error: {error}", file=stderr)
        return int(error.exit_code)
    for warning in invocation.warnings:
        logger.warning("%s", warning)
    try:
        if interactive:
            from ldap2ts.legacy.session import run_session

            console = Console(sys.stdin, stdout)
            return run_session(console, invocation.environment, signals, wording)
        from ldap2ts.legacy.run import run_script

        return run_script(invocation, stdout, signals, wording, progress)
    except ApplyStopped as error:
        print(f"Error: {wording(str(error))}", file=stderr)
        logger.info(
            "The sync stopped after it began: changes made before the error stay, "
            "and the next run finishes the rest."
        )
        return int(error.exit_code)
    except Ldap2tsError as error:
        print(f"Error: {wording(str(error))}", file=stderr)
        logger.info("Nothing was changed in ThoughtSpot.")
        return int(error.exit_code)
