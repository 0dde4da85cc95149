"""Entry point of ``syncUsersAndGroups.py``: parse, set up logging, dispatch, map errors."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence
from typing import TextIO

from ldap2ts.errors import ExitCode, Ldap2tsError
from ldap2ts.legacy.flags import parse_command_line
from ldap2ts.legacy.prompt import Console

logger = logging.getLogger(__name__)

# Loggers that print full URLs and headers at debug level.
_QUIET_LIBRARIES = ("httpx", "httpcore")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the legacy command line and return the exit code (see ldap2ts.errors.ExitCode)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        invocation = parse_command_line(arguments)
    except Ldap2tsError as error:
        return _fail(error)
    configure_logging(debug=invocation.debug, stream=sys.stderr)
    for warning in invocation.warnings:
        logger.warning("%s", warning)
    try:
        if invocation.command == "interactive":
            from ldap2ts.legacy.session import run_session

            return run_session(Console())
        from ldap2ts.legacy.run import run_script

        return run_script(invocation, sys.stdout)
    except Ldap2tsError as error:
        return _fail(error)
    except KeyboardInterrupt:
        print("\nInterrupted: no change was started after the interruption.", file=sys.stderr)
        return ExitCode.INTERRUPTED


def configure_logging(*, debug: bool, stream: TextIO) -> None:
    """Send ldap2ts log records to ``stream``: INFO and up, or DEBUG with ``--debug``."""
    handler = logging.StreamHandler(stream)
    if debug:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    package = logging.getLogger("ldap2ts")
    for old in list(package.handlers):
        package.removeHandler(old)
    package.addHandler(handler)
    package.setLevel(logging.DEBUG if debug else logging.INFO)
    for name in _QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)


def _fail(error: Ldap2tsError) -> int:
    print(f"Error: {error}", file=sys.stderr)
    return int(error.exit_code)
