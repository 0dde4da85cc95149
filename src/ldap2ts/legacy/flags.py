"""The argparse parser of ``syncUsersAndGroups.py``: the legacy flags and their help.

The flag names, their defaults and the ``script`` / ``interactive``
sub-commands are those of ThoughtSpot's legacy script, so existing cron
lines keep working. Extensions (``--force``, ``--print-config``, the CA
file flags) follow the legacy spelling with underscores; ``--print-config``
also accepts ``--print_config``.
"""

from __future__ import annotations

import argparse
from typing import NoReturn

from ldap2ts.errors import UsageError
from ldap2ts.legacy.options import DEFAULT_FILTER, LDAP_PASSWORD_ENV, TS_PASSWORD_ENV

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


class _Parser(argparse.ArgumentParser):
    """ArgumentParser that raises UsageError instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


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
        help="also sync group members that the search left out (outside the base DN or "
        "not matching --filter_str), recursively",
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
        help="allow deletions beyond the safety thresholds (by default 500 principals or 10%% "
        "of the managed ones)",
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
