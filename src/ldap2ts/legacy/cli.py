"""Entry point of ``syncUsersAndGroups.py``: parse, set up logging, dispatch, map errors."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from ldap2ts.cli.output import configure_logging
from ldap2ts.engine import ApplyStopped
from ldap2ts.errors import ExitCode, Ldap2tsError
from ldap2ts.legacy.command_line import parse_command_line
from ldap2ts.legacy.prompt import Console
from ldap2ts.progress import Progress

logger = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the legacy command line and return the exit code (see ldap2ts.errors.ExitCode)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    stdout, stderr = sys.stdout, sys.stderr
    interactive = bool(arguments) and arguments[0] == "interactive"
    # Logging starts before parsing, because parsing reads the LDAP2TS_
    # variables and may warn about them. Interactive mode has no progress
    # line, because it would mix with the questions.
    progress = Progress(stderr, enabled=stderr.isatty() and not interactive)
    configure_logging(stderr, progress, verbose="--debug" in arguments, quiet=False)
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

            return run_session(Console(sys.stdin, stdout), invocation.environment)
        from ldap2ts.legacy.run import run_script

        return run_script(invocation, stdout, progress)
    except ApplyStopped as error:
        print(f"Error: {error}", file=stderr)
        logger.info(
            "The sync stopped after it began: changes made before the error stay, "
            "and the next run finishes the rest."
        )
        return int(error.exit_code)
    except Ldap2tsError as error:
        print(f"Error: {error}", file=stderr)
        logger.info("Nothing was changed in ThoughtSpot.")
        return int(error.exit_code)
    except KeyboardInterrupt:
        print("\nError: interrupted; run again to finish the sync", file=stderr)
        return int(ExitCode.INTERRUPTED)
