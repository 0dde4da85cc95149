"""The ``ldap2ts`` command: plan (the default), apply and check.

stdout carries the plan and the result; stderr carries diagnostics, the
progress line and, on failure, one ``Error: ...`` line. The exit code is an
``ExitCode``.
"""

from __future__ import annotations

import argparse
import getpass
import io
import logging
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, TextIO

from ldap2ts import engine, report
from ldap2ts.cli.output import configure_logging, remove_logging
from ldap2ts.cli.parser import build_parser, flag_values
from ldap2ts.cli.signals import RunSignals
from ldap2ts.cli.unattended import (
    MetricsRecorder,
    log_quiet_outcome,
    outcome_fields,
    print_explanation,
)
from ldap2ts.config import config_path, load_settings
from ldap2ts.errors import ExitCode, Ldap2tsError, UsageError
from ldap2ts.jsonlog import SecretFilter, secrets_of
from ldap2ts.model import Plan
from ldap2ts.progress import Progress
from ldap2ts.settings import Settings

logger = logging.getLogger(__name__)

_MODE_LINES = {
    "plan": "plan: nothing will be changed",
    "check": "check: nothing will be changed; exit code 1 means changes are pending",
    "apply": "apply: ThoughtSpot will be changed",
    "explain": "explain: nothing will be changed",
}


def _check_report_path(path: str | None) -> None:
    if path is None:
        return
    if os.path.isdir(path):
        raise UsageError(f"--report {path}: is a directory; give the path of a file in it, "
                         f"such as {os.path.join(path, 'ldap2ts-report.json')}")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"--report {path}: folder {folder} not found; create it or pick another")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"--report {path}: folder {folder} is not writable by this user")


def _confirm_on_terminal(stdin: TextIO, stderr: TextIO) -> Callable[[Plan], bool]:
    def confirm(plan: Plan) -> bool:
        count = report.change_count(plan)
        noun = "change" if count == 1 else "changes"
        stderr.write(f"Apply these {count} {noun} to ThoughtSpot? [y/N] ")
        stderr.flush()
        answer = stdin.readline().strip().lower()
        return answer in ("y", "yes")

    return confirm


def _settings(
    arguments: argparse.Namespace, config_file: str | None, interactive: bool
) -> Settings:
    return load_settings(
        config_file=config_file,
        flags=flag_values(arguments),
        environ=os.environ,
        prompt=getpass.getpass if interactive else None,
    )


def _final_line(result: engine.RunResult) -> str:
    if result.changed:
        return "ThoughtSpot was changed; the summary above lists what was done."
    return "Nothing was changed in ThoughtSpot."


def _run(
    argv: Sequence[str] | None,
    stdout: TextIO,
    stderr: TextIO,
    stdin: TextIO,
    signals: RunSignals,
) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.version:
        print(f"ldap2ts {engine.version()}", file=stdout)
        return ExitCode.OK
    if arguments.verbose and arguments.quiet:
        raise UsageError("-v/--verbose and -q/--quiet cannot be used together; pick one")
    _check_command_arguments(arguments)
    recorder = MetricsRecorder(arguments.metrics_file) if arguments.metrics_file else None

    progress = Progress(stderr, enabled=stderr.isatty() and not arguments.quiet)
    handler = configure_logging(stderr, progress, verbose=arguments.verbose,
                                quiet=arguments.quiet, log_format=arguments.log_format)
    code = ExitCode.FAILED
    try:
        code = ExitCode(_run_logged(arguments, stdout, stderr, stdin, progress, handler,
                                    recorder, signals))
    except Ldap2tsError as error:
        _report_error(error, stderr, as_json=arguments.log_format == "json",
                      quiet=arguments.quiet)
        code = error.exit_code
    finally:
        if recorder is not None:
            recorder.write(code)
        remove_logging(handler)
    return int(code)


def _check_command_arguments(arguments: argparse.Namespace) -> None:
    if arguments.command == "explain":
        if not arguments.name:
            raise UsageError("explain needs a NAME: a ThoughtSpot name, a uid or a DN, "
                             "as in ldap2ts explain alice@example.com")
        if arguments.metrics_file:
            raise UsageError("--metrics-file applies to plan, check and apply, not to explain")
    elif arguments.name is not None:
        raise UsageError(f"unexpected argument {arguments.name!r}: only explain takes a NAME; "
                         "run ldap2ts --help for usage")


def _report_error(
    error: Ldap2tsError, stderr: TextIO, *, as_json: bool = False, quiet: bool = False
) -> None:
    if quiet and isinstance(error, engine.ApplyStopped) and error.result is not None:
        # The apply's summary went to the hidden standard output.
        logger.info("%s", report.apply_summary_line(error.result), extra={"summary": True})
    if as_json:
        # Log collectors read stderr line by line as JSON, so the error is a record too.
        logger.error("Error: %s", error, extra={"exit_code": int(error.exit_code),
                                                "exit_status": error.exit_code.name.lower()})
    else:
        print(f"Error: {error}", file=stderr)
    if isinstance(error, engine.ApplyStopped) and error.changed is not None:
        if error.changed:
            logger.info("ThoughtSpot was changed; the summary above lists what was done, "
                        "and the next run finishes the rest.")
        else:
            logger.info("Nothing was changed in ThoughtSpot.")
    elif isinstance(error, engine.ApplyStopped):
        logger.info("The apply stopped after it began: changes made before the error stay; "
                    "the journal lists them, and the next run finishes the rest.")
    else:
        logger.info("Nothing was changed in ThoughtSpot.")


def _run_logged(
    arguments: argparse.Namespace,
    stdout: TextIO,
    stderr: TextIO,
    stdin: TextIO,
    progress: Progress,
    handler: logging.Handler,
    recorder: MetricsRecorder | None,
    signals: RunSignals,
) -> int:
    mode: str = arguments.command
    interactive = stdin.isatty()
    config_file = config_path(arguments.config, os.environ)
    logger.info("ldap2ts %s, configuration %s", engine.version(),
                config_file or "from the environment and flags (no file)")
    logger.info("%s", _MODE_LINES[mode])

    # Refuse an unattended apply before connecting to anything.
    if mode == "apply" and not arguments.yes and not interactive:
        raise UsageError(
            "apply needs --yes when standard input is not a terminal (cron, pipes); "
            "review the changes with ldap2ts plan first"
        )
    if mode == "apply" and arguments.quiet and not arguments.yes:
        raise UsageError("--quiet hides the plan, so apply with --quiet needs --yes; "
                         "review the changes with ldap2ts plan first")
    _check_report_path(arguments.report)
    settings = _settings(arguments, config_file, interactive)
    handler.addFilter(SecretFilter(secrets_of(settings)))
    if mode == "explain":
        return print_explanation(settings, arguments.name, stdout)

    confirm = None
    if mode == "apply" and not arguments.yes:
        confirm = _confirm_on_terminal(stdin, stderr)
    with signals.running() as stop:
        result = engine.run(settings, mode, confirm=confirm, report_path=arguments.report,
                            out=io.StringIO() if arguments.quiet else stdout, stop=stop,
                            progress=progress,
                            observer=recorder.observe if recorder is not None else None)
    for message in result.messages:
        logger.info("%s", message)
    if arguments.quiet:
        log_quiet_outcome(result, mode)
    else:
        logger.info("%s", _final_line(result), extra=outcome_fields(result, mode))
    return int(result.exit_code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``ldap2ts`` and return its exit code; the previous signal handlers are restored."""
    return _main(argv, restore_signals=True)


def console_main() -> NoReturn:
    """Entry point of the ``ldap2ts`` console script: run and exit with the exit code.

    Once the exit code is known, SIGINT and SIGTERM are ignored until the
    process ends, so a late signal cannot turn the exit code into 130.
    """
    sys.exit(_main(None, restore_signals=False))


def _main(argv: Sequence[str] | None, *, restore_signals: bool) -> int:
    stdout, stderr, stdin = sys.stdout, sys.stderr, sys.stdin
    signals = RunSignals()
    try:
        signals.install()
        try:
            return _run_guarded(argv, stdout, stderr, stdin, signals)
        finally:
            signals.finish()
    except KeyboardInterrupt:
        # Ctrl-C at a prompt, or a second SIGINT or SIGTERM: stop at once. The journal
        # contains every change that finished, and the next run makes the rest.
        print("Error: interrupted; run ldap2ts again to finish the sync", file=stderr)
        return int(ExitCode.INTERRUPTED)
    finally:
        if restore_signals:
            signals.restore()
        else:
            signals.ignore_until_exit()


def _run_guarded(
    argv: Sequence[str] | None,
    stdout: TextIO,
    stderr: TextIO,
    stdin: TextIO,
    signals: RunSignals,
) -> int:
    try:
        return _run(argv, stdout, stderr, stdin, signals)
    except Ldap2tsError as error:
        # Errors of the parser, raised before logging is set up.
        print(f"Error: {error}", file=stderr)
        return int(error.exit_code)
    except BrokenPipeError:
        # stdout was closed early (ldap2ts plan | head). Point it at /dev/null so that
        # the interpreter's final flush does not fail a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stdout.fileno())
        print("Error: standard output was closed before the output was complete",
              file=stderr)
        return int(ExitCode.FAILED)
