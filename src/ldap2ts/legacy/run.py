"""``script`` mode: warnings, ``--print-config``, and the run on the ldap2ts engine."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TextIO

from ldap2ts import engine
from ldap2ts.cli.signals import RunSignals
from ldap2ts.errors import ExitCode
from ldap2ts.legacy.command_line import Invocation
from ldap2ts.legacy.environment import settings_for_run
from ldap2ts.legacy.options import LegacyOptions
from ldap2ts.legacy.print_config import render_migration
from ldap2ts.legacy.setting_names import LegacyWording
from ldap2ts.model import Plan
from ldap2ts.progress import Progress
from ldap2ts.settings import Settings

logger = logging.getLogger(__name__)

NOTHING_SYNCED = (
    "Nothing was synced: --sync was not given, so no user or group was read or changed."
)

_MODE_LINES = {
    "plan": "dry run: nothing will be changed",
    "apply": "sync: ThoughtSpot will be changed",
}


def run_script(
    invocation: Invocation,
    out: TextIO,
    signals: RunSignals,
    wording: LegacyWording,
    progress: Progress | None = None,
) -> int:
    """Run ``syncUsersAndGroups.py script`` with validated options; return the exit code."""
    options = invocation.options
    assert options is not None, "script mode always has options"
    settings, ignored = settings_for_run(options, invocation.environment)
    for warning in ignored:
        logger.warning("%s", warning)
    if invocation.print_config:
        out.write(render_migration(options, settings))
        return ExitCode.OK
    warn_about(options)
    if not options.sync:
        for flag in _given(options, "purge", "purge_users", "purge_groups", "dry_run"):
            logger.warning("--%s has no effect without --sync", flag)
        out.write(NOTHING_SYNCED + "\n")
        return ExitCode.OK
    return run_engine(options, settings, signals, wording, confirm=None, out=out, progress=progress)


def warn_about(options: LegacyOptions) -> None:
    """Log the warnings that apply to every run with these options."""
    if options.disable_ssl:
        logger.warning(
            "--disable_ssl: ThoughtSpot's TLS certificate is not verified, so anyone on the "
            "network path can impersonate ThoughtSpot and read the password; give the CA "
            "certificate with --ts_ca_file instead"
        )


def run_engine(
    options: LegacyOptions,
    settings: Settings,
    signals: RunSignals,
    wording: LegacyWording,
    *,
    confirm: Callable[[Plan], bool] | None,
    out: TextIO,
    progress: Progress | None = None,
) -> int:
    """Plan (``--dry_run``) or apply through the ldap2ts engine; return its exit code.

    As in ``ldap2ts apply``, the first SIGINT or SIGTERM lets the changes in
    flight finish and then stops the run. A second one stops it at once.
    """
    mode = "plan" if options.dry_run else "apply"
    logger.info("syncUsersAndGroups.py (ldap2ts %s), %s", engine.version(), _MODE_LINES[mode])
    with signals.running() as stop:
        result = engine.run(settings, mode, confirm=confirm, out=wording.stream(out), stop=stop,
                            progress=progress)  # fmt: skip
    for message in result.messages:
        logger.info("%s", message)
    if result.changed:
        logger.info("ThoughtSpot was changed; the summary above lists what was done.")
    else:
        logger.info("Nothing was changed in ThoughtSpot.")
    return int(result.exit_code)


def _given(options: LegacyOptions, *names: str) -> list[str]:
    return [name for name in names if getattr(options, name)]
