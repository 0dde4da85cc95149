"""The questions of ``syncUsersAndGroups.py interactive``, in the legacy order.

Every answer is stored under the name of the ``script`` flag it stands
for, in a namespace that starts from the ``script`` defaults, and the
namespace goes through the same ``options_from_flags`` as the command line.
So the defaults shown here are the flag defaults, and the same answers
always give the same settings in both modes.

Order: ThoughtSpot URL, disable SSL, user, password; LDAP URL, user,
password; sync, purge, purge users, purge groups, dry run; then, when
syncing: base DN, scope, filter, non-tree members, user identifier, auth
domain, email, user and group display names, LDAP type, member attribute,
keep local membership, upsert groups, upsert users.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable

from ldap2ts.legacy import validate
from ldap2ts.legacy.command_line import options_from_flags
from ldap2ts.legacy.flags import build_parser
from ldap2ts.legacy.options import LDAP_PASSWORD_ENV, TS_PASSWORD_ENV, LegacyOptions
from ldap2ts.legacy.prompt import Console, ask, ask_secret, ask_yes_no
from ldap2ts.settings import Secret

SCOPE_CHOICES = (
    "Search scope:\n"
    "  0  base: the base entry only\n"
    "  1  one level: the entries directly below the base\n"
    "  2  subtree: the base and every entry below it\n"
    "Scope"
)


def script_defaults() -> argparse.Namespace:
    """Return the namespace that ``script`` gives when no flag is passed."""
    return build_parser().parse_args(["script"])


def ask_thoughtspot(console: Console, answers: argparse.Namespace) -> Secret:
    """Ask the ThoughtSpot URL, the TLS choice and the login; return the password."""
    answers.ts_hostport = ask(
        console,
        "ThoughtSpot URL, http(s)://host:port",
        validate.check_ts_url,
        default=answers.ts_hostport,
    )
    answers.disable_ssl = ask_yes_no(
        console,
        "Disable verification of ThoughtSpot's TLS certificate (insecure)?",
        default=answers.disable_ssl,
    )
    answers.ts_uname = ask(
        console, "ThoughtSpot administrator login name", _required, default=answers.ts_uname
    )
    return _secret(console, "ThoughtSpot password", TS_PASSWORD_ENV)


def ask_ldap(console: Console, answers: argparse.Namespace) -> Secret:
    """Ask the LDAP URL and the bind account; return the password."""
    answers.ldap_hostport = ask(
        console,
        "LDAP URL, ldap://host:389 or ldaps://host:636",
        validate.check_ldap_url,
        default=answers.ldap_hostport,
    )
    answers.ldap_uname = ask(
        console,
        "LDAP bind DN (or AD user principal name)",
        validate.check_bind_name,
        default=answers.ldap_uname,
    )
    return _secret(console, "LDAP password", LDAP_PASSWORD_ENV)


def ask_modes(console: Console, answers: argparse.Namespace) -> None:
    """Ask what to do: sync, purge (all, users, groups) and dry run."""
    answers.sync = ask_yes_no(
        console, "Sync users and groups from LDAP to ThoughtSpot?", default=True
    )
    answers.purge = ask_yes_no(
        console,
        "Purge: delete LDAP users and groups that are no longer in the synced tree?",
        default=answers.purge,
    )
    if answers.purge:
        # --purge covers both kinds, and combining it with the others is an error.
        console.say("  Purge covers users and groups.")
    else:
        answers.purge_users = ask_yes_no(console, "Purge users only?", default=answers.purge_users)
        answers.purge_groups = ask_yes_no(
            console, "Purge groups only?", default=answers.purge_groups
        )
    answers.dry_run = ask_yes_no(
        console, "Dry run: show the plan and change nothing?", default=answers.dry_run
    )


def ask_directory(
    console: Console,
    answers: argparse.Namespace,
    *,
    check_base: Callable[[str], str] = validate.check_dn,
    suggested_base: str | None = None,
) -> None:
    """Ask where to search and which entries to take.

    ``check_base`` may also check that the base DN exists on the server.
    """
    answers.basedn = ask(
        console,
        "Base DN where the search starts",
        check_base,
        default=answers.basedn or suggested_base,
    )
    answers.scope = ask(console, SCOPE_CHOICES, _scope_text, default=answers.scope)
    answers.filter_str = ask(
        console,
        "LDAP filter that entries must match (blank for the default)",
        validate.check_filter,
        default=answers.filter_str,
    )
    answers.include_nontree_members = ask_yes_no(
        console,
        "Also sync group members outside the base DN or the filter?",
        default=answers.include_nontree_members,
    )


def ask_naming(console: Console, answers: argparse.Namespace) -> None:
    """Ask the attributes that make names, emails and display names, and the flavour."""
    answers.user_identifier = ask(
        console,
        "Attribute that becomes the ThoughtSpot user name",
        _optional_attribute,
        default=answers.user_identifier or "",
        shown_default="userPrincipalName for AD, uid for OpenLdap",
    )
    answers.authdomain_identifier = ask(
        console,
        "Domain appended to user names as @DOMAIN (blank for none)",
        _optional_domain,
        default=answers.authdomain_identifier or "",
        shown_default="none",
    )
    answers.email_identifier = ask(
        console,
        "Attribute that becomes the email",
        validate.check_attribute,
        default=answers.email_identifier,
    )
    answers.user_display_name_identifier = ask(
        console,
        "Attribute that becomes the user display name",
        validate.check_attribute,
        default=answers.user_display_name_identifier,
    )
    answers.group_display_name_identifier = ask(
        console,
        "Attribute that becomes the group display name",
        validate.check_attribute,
        default=answers.group_display_name_identifier,
    )
    answers.ldap_type = ask(
        console, "LDAP type, AD or OpenLdap", _flavour_text, default=answers.ldap_type
    )
    answers.member_str = ask(
        console,
        "Membership attribute (member, uniqueMember or memberUid)",
        validate.check_attribute,
        default=answers.member_str,
    )


def ask_membership(console: Console, answers: argparse.Namespace) -> None:
    """Ask how existing principals and memberships are treated."""
    answers.keep_local_membership = ask_yes_no(
        console,
        "Keep users and groups added by hand to a synced group?",
        default=answers.keep_local_membership,
    )
    answers.upsert_group = ask_yes_no(
        console, "Update existing groups too (upsert groups)?", default=answers.upsert_group
    )
    answers.upsert_user = ask_yes_no(
        console, "Update existing users too (upsert users)?", default=answers.upsert_user
    )


def to_options(answers: argparse.Namespace, ts_pass: Secret, ldap_pass: Secret) -> LegacyOptions:
    """Check the answers as ``script`` checks its flags, and attach the passwords."""
    options = options_from_flags(answers, [], need_passwords=False)
    options.ts_pass = ts_pass
    options.ldap_pass = ldap_pass
    return options


def _secret(console: Console, question: str, variable: str) -> Secret:
    value, source = ask_secret(
        console, question, fallback_name=variable, fallback=os.environ.get(variable) or None
    )
    return Secret(value, source)


def _required(text: str) -> str:
    if not text.strip():
        raise ValueError("an answer is required")
    return text.strip()


def _scope_text(text: str) -> str:
    validate.parse_scope(text)
    return text.strip()


def _flavour_text(text: str) -> str:
    validate.parse_flavour(text)
    return text.strip()


def _optional_attribute(text: str) -> str | None:
    return validate.check_attribute(text) if text.strip() else None


def _optional_domain(text: str) -> str | None:
    return validate.check_domain(text)
