"""The argument parser of ``ldap2ts``: commands, flags for common settings, --set for the rest."""

from __future__ import annotations

import argparse
import difflib
from typing import NoReturn

from ldap2ts.config import CONFIG_ENV, FLAGS, KEYS, RawValue
from ldap2ts.config.keys import SECTIONS, SET_SECTION_ALIASES
from ldap2ts.errors import UsageError

COMMANDS = ("plan", "apply", "check", "explain")
LOG_FORMATS = ("text", "json")

# Help text of each dedicated flag, naming what it sets.
_FLAG_HELP = {
    "ldap.url": "LDAP server, ldap://HOST[:PORT] or ldaps://HOST[:PORT]",
    "ldap.bind_dn": "DN to bind as (simple bind); omit for an anonymous bind",
    "ldap.password_file": "file holding the LDAP bind password",
    "ldap.ca_file": "PEM file of CA certificates that sign the LDAP server's certificate",
    "ldap.start_tls": "upgrade an ldap:// connection with StartTLS (never falls back)",
    "directory.flavour": "AD or OpenLDAP (case-insensitive); sets the default filters",
    "directory.base_dn": "DN where the searches start",
    "directory.scope": "search scope: base, one or sub",
    "directory.filter": "extra RFC 4515 filter ANDed with the user and group filters",
    "directory.member_attribute": "membership attribute: member, uniqueMember or memberUid",
    "thoughtspot.url": "ThoughtSpot, https://HOST[:PORT]",
    "thoughtspot.username": "ThoughtSpot administrator account",
    "thoughtspot.password_file": "file holding the ThoughtSpot password",
    "thoughtspot.secret_key_file": "file holding the ThoughtSpot trusted-authentication secret key",
    "thoughtspot.ca_file": "PEM file of CA certificates that sign ThoughtSpot's certificate",
    "sync.purge_action": "what happens to users gone from the directory: none, deactivate, delete",
    "sync.state_dir": "folder for the journal and the lock",
    "sync.force": "apply even when removals exceed the safety thresholds",
}

_EPILOG = f"""commands:
  plan    show what would change in ThoughtSpot and change nothing (the default)
  apply   change ThoughtSpot; asks first on a terminal, needs --yes otherwise
  check   exit 0 when in sync, 1 when changes are pending (for monitoring)
  explain NAME
          why a user or group (a ThoughtSpot name, a uid or a DN) is or is not
          in ThoughtSpot as it is; reads only

Every setting can also come from the configuration file or from an
environment variable LDAP2TS_<SECTION>_<KEY>; flags win over both. The
configuration file is --config or {CONFIG_ENV}.

exit codes: 0 ok, 1 changes pending (check), 2 invalid usage or configuration,
3 partial (a change failed or the directory read was incomplete), 4 refused
by a safety threshold, 5 failed, 6 interrupted, 7 locked by another run
"""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that raises UsageError instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(_reword(message, self))


def _reword(message: str, parser: argparse.ArgumentParser) -> str:
    """Turn argparse's message into one line that names the flag and the fix."""
    if message.startswith("unrecognized arguments: "):
        unknown = message.removeprefix("unrecognized arguments: ").split()
        flag = unknown[0]
        if not flag.startswith("-"):
            return f"unexpected argument {flag!r}; run ldap2ts --help for usage"
        known = [option for action in parser._actions for option in action.option_strings]
        matches = difflib.get_close_matches(flag.split("=")[0], known, n=1)
        hint = f"; did you mean {matches[0]}?" if matches else ""
        return f"unknown flag {flag}{hint} Run ldap2ts --help for the list of flags"
    if "invalid choice" in message and message.startswith("argument command"):
        return (
            message.replace("argument command: ", "")
            .replace("invalid choice", "unknown command")
            .replace("(choose from", "(expected one of")
        )
    return message.replace("argument ", "", 1) + "; run ldap2ts --help for usage"


def build_parser() -> Parser:
    parser = Parser(
        prog="ldap2ts",
        description="Keep ThoughtSpot users and groups in step with an LDAP directory.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("command", nargs="?", default="plan", choices=COMMANDS,
                        help="plan (default), apply, check or explain")
    parser.add_argument("name", nargs="?", metavar="NAME",
                        help="explain only: a ThoughtSpot name, a directory identifier or a DN")
    parser.add_argument("-c", "--config", metavar="FILE",
                        help=f"TOML configuration file (default: ${CONFIG_ENV}, else none)")
    for dotted, flag in FLAGS.items():
        key = KEYS[dotted]
        if key.type_hint is bool:
            parser.add_argument(flag, dest=_dest(dotted), action="store_const", const="true",
                                help=f"{_FLAG_HELP[dotted]} [{dotted}]")
        else:
            parser.add_argument(flag, dest=_dest(dotted), metavar=key.name.upper(),
                                help=f"{_FLAG_HELP[dotted]} [{dotted}]")
    parser.add_argument("--set", dest="assignments", action="append", default=[],
                        metavar="SECTION.KEY=VALUE",
                        help="set any configuration key (repeatable), e.g. ldap.timeout=10")
    parser.add_argument("-y", "--yes", action="store_true",
                        help="apply without asking for confirmation")
    parser.add_argument("--report", metavar="FILE.json",
                        help="write the plan or the result as JSON to this file")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="log searches, requests and per-principal decisions")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only warnings, errors and a one-line summary")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    _add_unattended_flags(parser)
    return parser


def _add_unattended_flags(parser: Parser) -> None:
    """Flags for hooks and for runs from cron or systemd."""
    parser.add_argument("--hook", dest="hooks", action="append", default=[],
                        metavar="MODULE:FUNCTION",
                        help="run this entry or name hook (repeatable; replaces naming.hooks)")
    parser.add_argument("--log-format", choices=LOG_FORMATS, default="text",
                        help="text (default) or json: one JSON object per log line on stderr")
    parser.add_argument("--metrics-file", metavar="PATH.prom",
                        help="write Prometheus metrics of the run to this file at its end "
                             "(for node_exporter's textfile collector)")


def _dest(dotted: str) -> str:
    return "set_" + dotted.replace(".", "__")


def flag_values(arguments: argparse.Namespace) -> dict[str, RawValue]:
    """Collect the settings given on the command line, keyed by "section.key"."""
    values: dict[str, RawValue] = {}
    for assignment in arguments.assignments:
        dotted, value = _parse_assignment(assignment)
        if KEYS[dotted].is_secret:
            raise UsageError(
                f"--set {dotted}: secrets are not accepted on the command line, where other "
                f"users can see them; use {KEYS[dotted].env_var} or a password file"
            )
        values[dotted] = RawValue(value, f"flag --set {dotted}")
    for dotted, flag in FLAGS.items():
        value = getattr(arguments, _dest(dotted))
        if value is not None:
            values[dotted] = RawValue(value, f"flag {flag}")
    if arguments.hooks:
        values["naming.hooks"] = RawValue(list(arguments.hooks), "flag --hook")
    return values


def _parse_assignment(assignment: str) -> tuple[str, str]:
    """Split ``--set SECTION.KEY=VALUE`` into the key's full name and the value.

    The section ``ts`` (any case) is read as ``thoughtspot``, as in the
    environment variables.
    """
    written, separator, value = assignment.partition("=")
    section, dot, name = written.strip().partition(".")
    if not separator or not dot:
        raise UsageError(f"--set {assignment!r}: expected SECTION.KEY=VALUE, e.g. ldap.timeout=10")
    section = SET_SECTION_ALIASES.get(section.lower(), section)
    if section not in SECTIONS:
        known = ", ".join(f"{known} (or ts)" if known == "thoughtspot" else known
                          for known in SECTIONS)
        hint = difflib.get_close_matches(section, list(SECTIONS), n=1)
        suggestion = f"; did you mean {hint[0]}?" if hint else ""
        raise UsageError(
            f"--set {assignment!r}: unknown section {section!r}, expected one of "
            f"{known}{suggestion}"
        )
    dotted = f"{section}.{name}"
    if dotted not in KEYS:
        hint = difflib.get_close_matches(dotted, list(KEYS), n=1)
        suggestion = f"; did you mean {hint[0]}?" if hint else ""
        raise UsageError(
            f"--set {assignment!r}: expected SECTION.KEY=VALUE with a known key{suggestion}"
        )
    return dotted, value
