"""Hooks for a company directory: leave contractors out, add department groups, tidy names.

Use them from the command line (the folder of this file must be on
PYTHONPATH):

    PYTHONPATH=/etc/ldap2ts/hooks ldap2ts plan --config ldap2ts.toml \\
        --hook company_hooks:skip_contractors --hook company_hooks:department_groups

or in ldap2ts.toml:

    [directory]
    extra_attributes = ["employeeType", "departmentNumber"]

    [naming]
    hooks = ["company_hooks:skip_contractors", "company_hooks:department_groups"]

The hooks read employeeType and departmentNumber, which the sync reads only
when ``directory.extra_attributes`` lists them.
"""

from __future__ import annotations

import re

import ldap2ts

CONTRACTOR_TYPES = frozenset({"contractor", "external", "temp"})
"""employeeType values (compared case-insensitively) of people left out of ThoughtSpot."""

DEPARTMENT_GROUP_PREFIX = "dept-"


@ldap2ts.entry_hook
def skip_contractors(entry: ldap2ts.Entry) -> ldap2ts.Entry | None:
    """Leave out users whose employeeType marks them as contractors; keep everyone else."""
    if entry.kind != "user":
        return entry
    kinds = {value.strip().casefold() for value in entry.values("employeeType")}
    if kinds & CONTRACTOR_TYPES:
        return None
    return entry


def department_group_name(department: str) -> str:
    """Return the ThoughtSpot group of a department: "Sales EMEA" gives "dept-sales-emea"."""
    slug = re.sub(r"[^a-z0-9]+", "-", department.casefold()).strip("-")
    return DEPARTMENT_GROUP_PREFIX + (slug or "unknown")


@ldap2ts.entry_hook
def department_groups(entry: ldap2ts.Entry) -> ldap2ts.Entry:
    """Add each user to one ThoughtSpot group per departmentNumber value."""
    if entry.kind != "user":
        return entry
    groups = [department_group_name(value) for value in entry.values("departmentNumber")]
    return entry.with_groups(*groups)


@ldap2ts.name_hook
def lower_case_user_names(entry: ldap2ts.Entry, proposed: str | None) -> str | None:
    """Lower-case user names ("Alice@Example.com" becomes "alice@example.com"); keep group names."""
    if proposed is None or entry.kind != "user":
        return proposed
    return proposed.lower()
