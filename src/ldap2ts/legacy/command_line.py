"""Parsing and validation of the ``syncUsersAndGroups.py`` command line into legacy options."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from ldap2ts.config.sources import RawValue
from ldap2ts.errors import UsageError
from ldap2ts.legacy import validate
from ldap2ts.legacy.dashes import replace_dashes
from ldap2ts.legacy.environment import environment_values, password_from_environment
from ldap2ts.legacy.flags import ORG_FLAGS, build_parser
from ldap2ts.legacy.options import LDAP_PASSWORD_ENV, TS_PASSWORD_ENV, LegacyOptions
from ldap2ts.settings import Secret

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(slots=True)
class Invocation:
    """The parsed command line: the sub-command, the legacy options and the run switches."""

    command: str
    """"script" or "interactive"."""
    options: LegacyOptions | None = None
    """The validated legacy options; None for "interactive"."""
    debug: bool = False
    print_config: bool = False
    environment: dict[str, RawValue] = field(default_factory=dict)
    """The LDAP2TS_ variables, read once (see ldap2ts.legacy.environment)."""
    warnings: list[str] = field(default_factory=list)
    """Messages to show once logging is set up (en dashes, passwords on the command line)."""


def parse_command_line(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> Invocation:
    """Parse and validate the command line; raise UsageError on any invalid flag or value."""
    parser = build_parser()
    arguments, warnings = replace_dashes(list(argv), parser)
    namespace = parser.parse_args(arguments)
    invocation = Invocation(command=namespace.command, debug=namespace.debug, warnings=warnings,
                            environment=environment_values(environ))  # fmt: skip
    if namespace.command == "script":
        invocation.print_config = namespace.print_config
        invocation.options = options_from_flags(
            namespace,
            invocation.warnings,
            need_passwords=not namespace.print_config,
            environment=invocation.environment,
        )
    return invocation


def options_from_flags(
    namespace: argparse.Namespace,
    warnings: list[str],
    *,
    need_passwords: bool,
    environment: Mapping[str, RawValue] | None = None,
) -> LegacyOptions:
    """Check the parsed ``script`` flags and build the legacy options."""
    _reject_org_flags(namespace)
    _reject_purge_conflicts(namespace)
    for name in ("ts_hostport", "ts_uname", "ldap_hostport", "ldap_uname"):
        if not getattr(namespace, name):
            raise UsageError(f"--{name} is required")
    if (namespace.sync or namespace.print_config) and not namespace.basedn:
        flag = "--sync" if namespace.sync else "--print-config"
        raise UsageError(
            f"--basedn is required with {flag}: give the DN where the search starts, "
            "such as --basedn DC=example,DC=com"
        )
    options = LegacyOptions(
        ts_hostport=_checked("ts_hostport", namespace.ts_hostport, validate.check_ts_url),
        ts_uname=namespace.ts_uname,
        ldap_hostport=_checked("ldap_hostport", namespace.ldap_hostport, validate.check_ldap_url),
        ldap_uname=_checked("ldap_uname", namespace.ldap_uname, validate.check_bind_name),
        ts_pass=_password(
            namespace, "ts_pass", TS_PASSWORD_ENV, warnings, need_passwords, environment or {}
        ),
        ldap_pass=_password(
            namespace, "ldap_pass", LDAP_PASSWORD_ENV, warnings, need_passwords, environment or {}
        ),
        disable_ssl=namespace.disable_ssl,
        sync=namespace.sync,
        purge=namespace.purge,
        purge_users=namespace.purge_users,
        purge_groups=namespace.purge_groups,
        dry_run=namespace.dry_run,
        scope=_checked("scope", namespace.scope, validate.parse_scope),
        filter_str=_checked("filter_str", namespace.filter_str, validate.check_filter),
        include_nontree_members=namespace.include_nontree_members,
        authdomain_identifier=_checked(
            "authdomain_identifier", namespace.authdomain_identifier or "", validate.check_domain
        ),
        ldap_type=_checked("ldap_type", namespace.ldap_type, validate.parse_flavour),
        keep_local_membership=namespace.keep_local_membership,
        upsert_group=namespace.upsert_group,
        upsert_user=namespace.upsert_user,
        force=namespace.force,
        ldap_ca_file=namespace.ldap_ca_file,
        ts_ca_file=namespace.ts_ca_file,
    )
    if namespace.basedn:
        options.basedn = _checked("basedn", namespace.basedn, validate.check_dn)
    if namespace.user_identifier:
        options.user_identifier = _checked(
            "user_identifier", namespace.user_identifier, validate.check_attribute
        )
    for name in (
        "email_identifier",
        "user_display_name_identifier",
        "group_display_name_identifier",
        "member_str",
    ):
        setattr(options, name, _checked(name, getattr(namespace, name), validate.check_attribute))
    return options


def _reject_org_flags(namespace: argparse.Namespace) -> None:
    for name in ORG_FLAGS:
        if getattr(namespace, name) is not None:
            raise UsageError(
                f"--{name} is not supported: ldap2ts does not map users and groups "
                f"to ThoughtSpot orgs; remove the org flags from the command line"
            )


def _reject_purge_conflicts(namespace: argparse.Namespace) -> None:
    for name in ("purge_users", "purge_groups"):
        if namespace.purge and getattr(namespace, name):
            raise UsageError(
                f"--purge cannot be combined with --{name}: --purge already covers "
                f"users and groups, so give only one of them"
            )


def _checked(name: str, value: str, check: Callable[[str], T]) -> T:
    try:
        return check(value)
    except ValueError as error:
        raise UsageError(f"--{name} {value!r}: {error}") from None


def _password(
    namespace: argparse.Namespace,
    name: str,
    variable: str,
    warnings: list[str],
    required: bool,
    environment: Mapping[str, RawValue],
) -> Secret | None:
    value: str | None = getattr(namespace, name)
    if value is not None:
        warnings.append(
            f"--{name} puts the password on the command line, where other users of "
            f"this machine can read it (ps, /proc, shell history); set the "
            f"environment variable {variable} (or {variable}_FILE) instead, or move to "
            f"ldap2ts and its password_file setting (see --print-config)"
        )
        return Secret(value, f"flag --{name}")
    secret_key = "ldap.password" if name == "ldap_pass" else "thoughtspot.password"
    secret = password_from_environment(secret_key, environment)
    if secret is not None or not required:
        return secret
    raise UsageError(
        f"--{name} is missing: set the environment variable {variable} or {variable}_FILE "
        f"(or give --{name}, which other users of the machine can read)"
    )
