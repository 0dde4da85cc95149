"""Command line of ``syncUsersAndGroups.py``: the legacy flags and their parsing.

The flag names, their defaults and the ``script`` / ``interactive``
sub-commands are those of ThoughtSpot's legacy script, so existing cron
lines keep working. Extensions (``--force``, ``--print-config``, the CA
file flags) follow the legacy spelling with underscores; ``--print-config``
also accepts ``--print_config``.
"""

from __future__ import annotations

import argparse
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import NoReturn, TypeVar

from ldap2ts.errors import UsageError
from ldap2ts.legacy import validate
from ldap2ts.legacy.environment import environment_values, password_from_environment
from ldap2ts.legacy.options import (
    DEFAULT_FILTER,
    LDAP_PASSWORD_ENV,
    TS_PASSWORD_ENV,
    LegacyOptions,
)
from ldap2ts.settings import Secret

logger = logging.getLogger(__name__)

T = TypeVar("T")

PROG = "syncUsersAndGroups.py"

# Flags of later legacy versions that map users and groups to ThoughtSpot orgs.
# ldap2ts does not sync orgs, so a cron line with one of them must stop rather
# than run a sync that ignores the mapping.
ORG_FLAGS = (
    "org_mapping",
    "org_file_input",
    "org_attr",
    "remove_user_orgs",
    "remove_group_orgs",
    "add_recursive_org_membership",
)

# Hyphen look-alikes that documentation renderers put in place of "--".
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_DASHED_FLAG = re.compile(f"^[-{_DASHES}]{{1,2}}([A-Za-z][A-Za-z0-9_-]*)(=.*)?$", re.DOTALL)


class _Parser(argparse.ArgumentParser):
    """ArgumentParser that raises UsageError instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


@dataclass(slots=True)
class Invocation:
    """What the command line asks for."""

    command: str
    """"script" or "interactive"."""
    options: LegacyOptions | None = None
    """The validated legacy options; None for "interactive"."""
    debug: bool = False
    print_config: bool = False
    warnings: list[str] = field(default_factory=list)
    """Messages to show once logging is set up (en dashes, passwords on the command line)."""


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Sync LDAP users and groups into ThoughtSpot (the legacy command line of "
        "ThoughtSpot's syncUsersAndGroups.py, run by ldap2ts).",
    )
    commands = parser.add_subparsers(dest="command", metavar="{interactive,script}")
    commands.required = True
    interactive = commands.add_parser(
        "interactive", help="ask for every setting, check the connections, show the plan, apply it"
    )
    interactive.add_argument(
        "--debug", action="store_true", help="log debug messages (never secrets)"
    )
    script = commands.add_parser("script", help="take every setting from flags (for cron)")
    _add_connection_flags(script)
    _add_mode_flags(script)
    _add_directory_flags(script)
    _add_naming_flags(script)
    _add_extension_flags(script)
    for name in ORG_FLAGS:
        script.add_argument(
            f"--{name}", nargs="?", const=True, default=None, help=argparse.SUPPRESS
        )
    return parser


def _add_connection_flags(script: argparse.ArgumentParser) -> None:
    group = script.add_argument_group("connections")
    group.add_argument("--ts_hostport", metavar="URL", help="ThoughtSpot URL, http(s)://host:port")
    group.add_argument(
        "--disable_ssl",
        action="store_true",
        help="do not verify ThoughtSpot's TLS certificate (insecure; prints a warning)",
    )
    group.add_argument("--ts_uname", metavar="NAME", help="ThoughtSpot administrator login name")
    group.add_argument(
        "--ts_pass",
        metavar="PASSWORD",
        help=f"ThoughtSpot password (visible to other users of the machine: "
        f"prefer the environment variable {TS_PASSWORD_ENV})",
    )
    group.add_argument(
        "--ldap_hostport", metavar="URL", help="LDAP URL, ldap://host:389 or ldaps://host:636"
    )
    group.add_argument(
        "--ldap_uname", metavar="DN", help="bind DN (or AD user principal name) for a simple bind"
    )
    group.add_argument(
        "--ldap_pass",
        metavar="PASSWORD",
        help=f"LDAP bind password (visible to other users of the machine: "
        f"prefer the environment variable {LDAP_PASSWORD_ENV})",
    )


def _add_mode_flags(script: argparse.ArgumentParser) -> None:
    group = script.add_argument_group("what to do")
    group.add_argument(
        "--sync", action="store_true", help="sync users and groups; without it nothing is synced"
    )
    group.add_argument(
        "--purge",
        action="store_true",
        help="delete LDAP users and groups that are no longer in the synced LDAP tree",
    )
    group.add_argument(
        "--purge_users", action="store_true", help="delete users only (not combinable with --purge)"
    )
    group.add_argument(
        "--purge_groups",
        action="store_true",
        help="delete groups only (not combinable with --purge)",
    )
    group.add_argument("--dry_run", action="store_true", help="print the plan and change nothing")
    group.add_argument("--debug", action="store_true", help="log debug messages (never secrets)")


def _add_directory_flags(script: argparse.ArgumentParser) -> None:
    group = script.add_argument_group("directory")
    group.add_argument(
        "--basedn", metavar="DN", help="where the search starts (required with --sync)"
    )
    group.add_argument(
        "--scope",
        metavar="{0,1,2}",
        default="2",
        help="0 base entry only, 1 one level below the base, 2 whole subtree (default: 2)",
    )
    group.add_argument(
        "--filter_str",
        metavar="FILTER",
        default=DEFAULT_FILTER,
        help=f"RFC 4515 filter that entries must also match (default: {DEFAULT_FILTER})",
    )
    group.add_argument(
        "--include_nontree_members",
        action="store_true",
        help="also sync group members that live outside the base DN, recursively",
    )
    group.add_argument(
        "--ldap_type",
        metavar="{AD,OpenLdap}",
        default="AD",
        help="directory flavour, any case (default: AD)",
    )
    group.add_argument(
        "--member_str",
        metavar="ATTR",
        default="member",
        help="membership attribute: member, uniqueMember or memberUid (default: member)",
    )


def _add_naming_flags(script: argparse.ArgumentParser) -> None:
    group = script.add_argument_group("names and attributes")
    group.add_argument(
        "--user_identifier",
        metavar="ATTR",
        help="attribute that becomes the ThoughtSpot user name "
        "(default: userPrincipalName for AD, uid for OpenLdap)",
    )
    group.add_argument(
        "--authdomain_identifier", metavar="DOMAIN", help="domain appended to user names as @DOMAIN"
    )
    group.add_argument(
        "--email_identifier",
        metavar="ATTR",
        default="mail",
        help="attribute that becomes the email (default: mail)",
    )
    group.add_argument(
        "--user_display_name_identifier",
        metavar="ATTR",
        default="displayName",
        help="attribute that becomes the user display name (default: displayName)",
    )
    group.add_argument(
        "--group_display_name_identifier",
        metavar="ATTR",
        default="displayName",
        help="attribute that becomes the group display name (default: displayName)",
    )
    group.add_argument(
        "--keep_local_membership",
        action="store_true",
        help="keep users and groups added by hand to a synced group",
    )
    group.add_argument(
        "--upsert_user",
        action="store_true",
        help="also update existing users (default: create only)",
    )
    group.add_argument(
        "--upsert_group",
        action="store_true",
        help="also update existing groups (default: create only)",
    )


def _add_extension_flags(script: argparse.ArgumentParser) -> None:
    group = script.add_argument_group("ldap2ts extensions")
    group.add_argument(
        "--force",
        action="store_true",
        help="allow deletions beyond the safety thresholds (500 principals or 10%%)",
    )
    group.add_argument(
        "--print-config",
        "--print_config",
        dest="print_config",
        action="store_true",
        help="print the equivalent ldap2ts command and configuration file, then exit",
    )
    group.add_argument(
        "--ldap_ca_file",
        metavar="PATH",
        help="CA certificates (PEM) for the LDAP server's certificate",
    )
    group.add_argument(
        "--ts_ca_file", metavar="PATH", help="CA certificates (PEM) for ThoughtSpot's certificate"
    )


def parse_command_line(argv: Sequence[str]) -> Invocation:
    """Parse and validate the command line; raise UsageError on any invalid flag or value."""
    parser = build_parser()
    arguments, warnings = replace_dashes(list(argv), parser)
    namespace = parser.parse_args(arguments)
    invocation = Invocation(command=namespace.command, debug=namespace.debug, warnings=warnings)
    if namespace.command == "script":
        invocation.print_config = namespace.print_config
        invocation.options = options_from_flags(
            namespace, invocation.warnings, need_passwords=not namespace.print_config
        )
    return invocation


def replace_dashes(
    arguments: list[str], parser: argparse.ArgumentParser
) -> tuple[list[str], list[str]]:
    """Read ``–-flag`` (an en dash or a similar character in place of a hyphen) as ``--flag``.

    ThoughtSpot's documentation prints ``–-ts_hostport`` with an en dash, and
    people paste it. Only words that become a known flag are rewritten, and
    never the value of a flag, so a password that starts with a dash is
    left alone. Return the arguments and one warning per rewritten flag.
    """
    takes_value = _flags_taking_values(parser)
    warnings: list[str] = []
    result: list[str] = []
    previous = ""
    for argument in arguments:
        match = _DASHED_FLAG.match(argument)
        typographic = [character for character in argument[:2] if character in _DASHES]
        flag = f"--{match.group(1)}" if match else ""
        is_value = previous in takes_value
        if (
            match
            and typographic
            and flag in takes_value.keys() | _switches(parser)
            and not is_value
        ):
            warnings.append(
                f"read {argument.split('=')[0]!r} as {flag}: the command line has a "
                f"typographic dash (U+{ord(typographic[0]):04X}) in place of '-'; "
                f"type {flag} to silence this warning"
            )
            argument = flag + (match.group(2) or "")
        result.append(argument)
        previous = "" if is_value or "=" in argument else argument
    return result, warnings


def _all_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    actions: list[argparse.Action] = []
    for action in parser._actions:
        actions.append(action)
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                actions.extend(_all_actions(subparser))
    return actions


def _flags_taking_values(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    return {
        option: action
        for action in _all_actions(parser)
        if action.option_strings and action.nargs is None
        for option in action.option_strings
    }


def _switches(parser: argparse.ArgumentParser) -> set[str]:
    return {
        option
        for action in _all_actions(parser)
        if action.nargs is not None
        for option in action.option_strings
        if option.startswith("--")
    }


def options_from_flags(
    namespace: argparse.Namespace, warnings: list[str], *, need_passwords: bool
) -> LegacyOptions:
    """Check the parsed ``script`` flags and build the legacy options."""
    _reject_org_flags(namespace)
    _reject_purge_conflicts(namespace)
    for name in ("ts_hostport", "ts_uname", "ldap_hostport", "ldap_uname"):
        if not getattr(namespace, name):
            raise UsageError(f"--{name} is required")
    if (namespace.sync or namespace.print_config) and not namespace.basedn:
        raise UsageError(
            "--basedn is required with --sync: give the DN where the search starts, "
            "such as --basedn DC=example,DC=com"
        )
    options = LegacyOptions(
        ts_hostport=_checked("ts_hostport", namespace.ts_hostport, validate.check_ts_url),
        ts_uname=namespace.ts_uname,
        ldap_hostport=_checked("ldap_hostport", namespace.ldap_hostport, validate.check_ldap_url),
        ldap_uname=_checked("ldap_uname", namespace.ldap_uname, validate.check_bind_name),
        ts_pass=_password(namespace, "ts_pass", TS_PASSWORD_ENV, warnings, need_passwords),
        ldap_pass=_password(namespace, "ldap_pass", LDAP_PASSWORD_ENV, warnings, need_passwords),
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
    secret = password_from_environment(secret_key, environment_values())
    if secret is not None or not required:
        return secret
    raise UsageError(
        f"--{name} is missing: set the environment variable {variable} or {variable}_FILE "
        f"(or give --{name}, which other users of the machine can read)"
    )
