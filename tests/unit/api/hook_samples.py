"""Hooks that the unit tests load by name, as ``--hook tests.unit.api.hook_samples:NAME``."""

from __future__ import annotations

import ldap2ts


@ldap2ts.entry_hook
def drop_contractors(entry: ldap2ts.Entry) -> ldap2ts.Entry | None:
    return None if entry.first("employeeType") == "contractor" else entry


@ldap2ts.entry_hook
def team_groups(entry: ldap2ts.Entry) -> ldap2ts.Entry:
    if entry.kind == "user" and entry.first("ou"):
        return entry.with_groups(f"team-{entry.first('ou')}")
    return entry


@ldap2ts.name_hook
def upper_names(entry: ldap2ts.Entry, proposed: str | None) -> str | None:
    return proposed.upper() if proposed else None


@ldap2ts.name_hook
def other_names(entry: ldap2ts.Entry, proposed: str | None) -> str | None:
    return proposed


def unmarked(entry: ldap2ts.Entry) -> ldap2ts.Entry:
    return entry


NOT_CALLABLE = 42

BUNDLE = ldap2ts.Hooks(entries=[drop_contractors], name=upper_names)
