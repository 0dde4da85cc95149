"""``script`` mode: warnings, ``--print-config``, and the run on the ldap2ts engine."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TextIO

from ldap2ts.errors import ExitCode
from ldap2ts.legacy.flags import Invocation
from ldap2ts.legacy.options import LegacyOptions
from ldap2ts.legacy.print_config import render_migration
from ldap2ts.legacy.translate import to_settings
from ldap2ts.model import Plan
from ldap2ts.settings import Settings

logger = logging.getLogger(__name__)

NOTHING_SYNCED = (
    "Nothing was synced: --sync was not given, so no user or group was read or changed."
)


def run_script(invocation: Invocation, out: TextIO) -> int:
    """Run ``syncUsersAndGroups.py script`` with validated options; return the exit code."""
    options = invocation.options
    assert options is not None, "script mode always has options"
    settings = to_settings(options)
    if invocation.print_config:
        out.write(render_migration(options, settings))
        return ExitCode.OK
    warn_about(options)
    if not options.sync:
        for flag in _given(options, "purge", "purge_users", "purge_groups", "dry_run"):
            logger.warning("--%s has no effect without --sync", flag)
        out.write(NOTHING_SYNCED + "\n")
        return ExitCode.OK
    return run_engine(options, settings, confirm=None, out=out)


def warn_about(options: LegacyOptions) -> None:
    """Log the warnings that apply to every run with these options."""
    if options.disable_ssl:
        logger.warning(
            "--disable_ssl: ThoughtSpot's TLS certificate is not verified, so anyone "
            "on the network path can impersonate ThoughtSpot and read the password; "
            "give the CA certificate with --ts_ca_file instead"
        )
    if (
        options.authdomain_identifier
        and options.resolved_user_identifier.lower() == "userprincipalname"
    ):
        logger.warning(
            "--authdomain_identifier %s is appended to user principal names too "
            "(jdoe@example.com becomes jdoe@example.com@%s), as the legacy script did, "
            "so that existing ThoughtSpot names still match; to move to plain "
            "UPNs later, ldap2ts can name users with "
            'user_name_template = "{userPrincipalName}" in [naming]',
            options.authdomain_identifier,
            options.authdomain_identifier,
        )


def run_engine(
    options: LegacyOptions,
    settings: Settings,
    *,
    confirm: Callable[[Plan], bool] | None,
    out: TextIO,
) -> int:
    """Plan (``--dry_run``) or apply through the ldap2ts engine; return its exit code."""
    from ldap2ts import engine

    mode = "plan" if options.dry_run else "apply"
    result = engine.run(settings, mode, confirm=confirm, out=out)
    return int(result.exit_code)


def _given(options: LegacyOptions, *names: str) -> list[str]:
    return [name for name in names if getattr(options, name)]
