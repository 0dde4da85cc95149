"""Turn a directory snapshot into the users and groups ThoughtSpot should hold.

``build_desired_state`` names every entry (legacy rules or templates, see
``ldap2ts.naming_rules``), drops entries that get no name or share a name
with another entry, and links groups to their direct members. It does no I/O.

Choices made here:

- Emails are the first value of the email attribute, or None. The fallback
  address ``<name before @>@<email_fallback_domain>`` is not set here but
  by the diff, on create only, so that it never overwrites an address an
  administrator set in ThoughtSpot.
- A disabled account becomes a DesiredUser with ``active`` False; the diff
  decides whether to create or deactivate it.
- Warnings about skipped entries are grouped by reason, with a few DNs as
  examples, so that a directory with thousands of odd entries gives a short
  report. Each skipped DN is logged at debug level.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TypeVar

from ldap2ts.model import (
    DesiredGroup,
    DesiredState,
    DesiredUser,
    DirectoryEntry,
    DirectoryGroup,
    DirectorySnapshot,
    DirectoryUser,
    name_key,
)
from ldap2ts.naming_rules import (
    DISPLAY_NAME_FALLBACKS,
    SAM_ACCOUNT_NAME,
    NameTemplate,
    NamingFailure,
    domain_of,
    first_of,
    legacy_group_name,
    parse_template,
)
from ldap2ts.nesting import break_cycles
from ldap2ts.settings import NamingSettings, Settings

logger = logging.getLogger(__name__)

EXAMPLES_PER_WARNING = 5

Principal = TypeVar("Principal", DesiredUser, DesiredGroup)


class SkipReport:
    """Entries skipped while naming, grouped by kind and reason."""

    def __init__(self) -> None:
        self._skipped: dict[tuple[str, str], list[str]] = {}

    def add(self, kind: str, reason: str, dn: str) -> None:
        logger.debug("ignored %s %s because %s", kind, dn, reason)
        self._skipped.setdefault((kind, reason), []).append(dn)

    def entries(self) -> list[tuple[str, str, str]]:
        """Return every skipped entry as (kind, reason, DN), for ``ldap2ts explain``."""
        return [
            (kind, reason, dn) for (kind, reason), dns in self._skipped.items() for dn in dns
        ]

    def warnings(self) -> list[str]:
        messages = []
        for (kind, reason), dns in self._skipped.items():
            examples = "; ".join(dns[:EXAMPLES_PER_WARNING])
            more = len(dns) - EXAMPLES_PER_WARNING
            if more > 0:
                examples += f"; and {more} more"
            plural = kind if len(dns) == 1 else f"{kind}s"
            messages.append(f"{len(dns)} {plural} skipped, {reason}: {examples}")
        return messages


class Namer:
    """Names, display names and emails of entries under one naming configuration."""

    def __init__(self, naming: NamingSettings) -> None:
        self.naming = naming
        self.user_template: NameTemplate | None = None
        self.group_template: NameTemplate | None = None
        if naming.user_name_template is not None:
            self.user_template = parse_template(
                naming.user_name_template, "naming.user_name_template"
            )
        if naming.group_name_template is not None:
            self.group_template = parse_template(
                naming.group_name_template, "naming.group_name_template"
            )
        authdomain = (naming.authdomain or "").strip()
        self.authdomain = authdomain or None
        self.authdomain_on_upn: str | None = None
        """An example of ``@authdomain`` appended to a value with ``@``, for one warning."""

    def user_name(self, entry: DirectoryEntry) -> str:
        if self.user_template is not None:
            return self.user_template.render(entry)

        identifier = self.naming.user_identifier
        value = entry.first(identifier)
        if not value:
            identifier = SAM_ACCOUNT_NAME
            value = entry.first(SAM_ACCOUNT_NAME)
        if not value:
            raise NamingFailure(f"no {self.naming.user_identifier} or {SAM_ACCOUNT_NAME} attribute")

        if self.authdomain is not None:
            name = f"{value}@{self.authdomain}"
            if "@" in value and self.authdomain_on_upn is None:
                self.authdomain_on_upn = f"{value} becomes {name}"
            return name
        if identifier.lower() == SAM_ACCOUNT_NAME.lower():
            return f"{value}@{domain_of(entry.dn)}"
        return value

    def group_name(self, entry: DirectoryEntry) -> str:
        if self.group_template is not None:
            return self.group_template.render(entry)
        return legacy_group_name(entry.dn)

    def user_display_name(self, entry: DirectoryEntry, name: str) -> str:
        attributes = (self.naming.user_display_name_attribute, *DISPLAY_NAME_FALLBACKS)
        return first_of(entry, attributes) or name

    def group_display_name(self, entry: DirectoryEntry) -> str:
        attributes = (self.naming.group_display_name_attribute, *DISPLAY_NAME_FALLBACKS)
        return first_of(entry, attributes) or entry.dn

    def email(self, entry: DirectoryEntry) -> str | None:
        return entry.first(self.naming.email_attribute)

    def authdomain_warning(self) -> str | None:
        """Return the one warning about ``@authdomain`` appended to names that contain ``@``."""
        if self.authdomain_on_upn is None:
            return None
        identifier = self.naming.user_identifier
        return (
            f"naming.authdomain appends @{self.authdomain} even to {identifier} values that "
            f"contain @ ({self.authdomain_on_upn}), as the legacy script did; to move to "
            f'plain names, set naming.user_name_template = "{{{identifier}}}" and rename '
            "the existing ThoughtSpot users"
        )


def check_naming(naming: NamingSettings) -> None:
    """Raise ConfigError when a naming template is invalid, before any directory read."""
    Namer(naming)


def build_desired_state(
    snapshot: DirectorySnapshot,
    settings: Settings,
    *,
    namer: Namer | None = None,
    report: SkipReport | None = None,
) -> DesiredState:
    """Name the snapshot's entries and link groups to their direct members.

    ``namer`` replaces the namer built from ``settings.naming`` (name hooks
    pass a subclass). ``report`` collects the skipped entries for a caller
    that wants them one by one. Raises ConfigError when a naming template
    is invalid.
    """
    namer = namer if namer is not None else Namer(settings.naming)
    report = report if report is not None else SkipReport()

    users = _name_users(snapshot.users.values(), namer, report)
    groups = _name_groups(snapshot.groups.values(), namer, report)
    users, colliding_users = _drop_collisions(users, "user", report)
    groups, colliding_groups = _drop_collisions(groups, "group", report)

    read_keys = {user.entry.dn_key for user in snapshot.users.values()}
    read_keys |= {group.entry.dn_key for group in snapshot.groups.values()}
    skipped_keys = read_keys - users.keys() - groups.keys()
    linked = _link_members(snapshot.groups.values(), users, groups, skipped_keys)
    linked, cycle_warnings = break_cycles(linked)

    warnings = report.warnings()
    authdomain_warning = namer.authdomain_warning()
    if authdomain_warning is not None:
        warnings.append(authdomain_warning)
    warnings.extend(cycle_warnings)

    return DesiredState(
        users={name_key(user.name): user for user in users.values()},
        groups={name_key(group.name): group for group in linked},
        complete=snapshot.complete,
        incomplete_reasons=list(snapshot.incomplete_reasons),
        warnings=warnings,
        colliding_users=colliding_users,
        colliding_groups=colliding_groups,
    )


def _name_users(
    users: Iterable[DirectoryUser], namer: Namer, report: SkipReport
) -> dict[str, DesiredUser]:
    """Return the named users by DN key; entries without a name go to the report."""
    named: dict[str, DesiredUser] = {}
    for user in sorted(users, key=lambda user: user.entry.dn_key):
        entry = user.entry
        try:
            name = namer.user_name(entry)
        except NamingFailure as failure:
            report.add("user", failure.reason, entry.dn)
            continue
        named[entry.dn_key] = DesiredUser(
            name=name,
            display_name=namer.user_display_name(entry, name),
            email=namer.email(entry),
            source_dn=entry.dn,
            anchor=entry.anchor,
            active=not user.disabled,
        )
    return named


def _name_groups(
    groups: Iterable[DirectoryGroup], namer: Namer, report: SkipReport
) -> dict[str, DesiredGroup]:
    """Return the named groups by DN key, still without members."""
    named: dict[str, DesiredGroup] = {}
    for group in sorted(groups, key=lambda group: group.entry.dn_key):
        entry = group.entry
        try:
            name = namer.group_name(entry)
        except NamingFailure as failure:
            report.add("group", failure.reason, entry.dn)
            continue
        named[entry.dn_key] = DesiredGroup(
            name=name,
            display_name=namer.group_display_name(entry),
            source_dn=entry.dn,
            users=frozenset(),
            sub_groups=frozenset(),
            anchor=entry.anchor,
        )
    return named


def _drop_collisions(
    principals: dict[str, Principal], kind: str, report: SkipReport
) -> tuple[dict[str, Principal], set[str]]:
    """Drop every entry whose name another entry of the same kind also gets, ignoring case.

    Returns the remaining entries by DN key and the name keys that collided.
    """
    by_name: dict[str, list[str]] = {}
    for dn_key, principal in principals.items():
        by_name.setdefault(name_key(principal.name), []).append(dn_key)

    kept = dict(principals)
    colliding: set[str] = set()
    for key, dn_keys in by_name.items():
        if len(dn_keys) < 2:
            continue
        colliding.add(key)
        names = sorted({principals[dn_key].name for dn_key in dn_keys})
        reason = f"same ThoughtSpot name {' / '.join(names)} (names ignore case)"
        for dn_key in dn_keys:
            report.add(kind, reason, principals[dn_key].source_dn)
            del kept[dn_key]
    return kept, colliding


def _link_members(
    directory_groups: Iterable[DirectoryGroup],
    users: dict[str, DesiredUser],
    groups: dict[str, DesiredGroup],
    skipped_keys: set[str],
) -> list[DesiredGroup]:
    """Return the named groups with their direct member users and sub-groups (by name key)."""
    linked: list[DesiredGroup] = []
    for directory_group in directory_groups:
        group = groups.get(directory_group.entry.dn_key)
        if group is None:
            continue
        member_users: set[str] = set()
        member_groups: set[str] = set()
        for member_key in directory_group.member_keys:
            if member_key in users:
                member_users.add(name_key(users[member_key].name))
            elif member_key in groups:
                member_groups.add(name_key(groups[member_key].name))
            elif member_key not in skipped_keys:
                logger.debug(
                    "ignored member %s of %s because it is not in the directory read",
                    member_key,
                    group.name,
                )
        linked.append(
            DesiredGroup(
                name=group.name,
                display_name=group.display_name,
                source_dn=group.source_dn,
                users=frozenset(member_users),
                sub_groups=frozenset(member_groups),
                anchor=group.anchor,
            )
        )
    return linked
