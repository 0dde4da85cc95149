"""Figures that describe a generated directory, for the report."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from ldap.dn import escape_dn_chars

from bench.generate import Directory


@dataclass(frozen=True, slots=True)
class DirectoryStats:
    users: int
    groups: int
    member_values: int
    unicode_share: float
    """Share of users and groups with a non-ASCII cn."""
    escaped_dn_share: float
    """Share of users and groups whose RDN value needs RFC 4514 escapes."""
    median_group_size: float
    largest_groups: tuple[int, ...]
    """Member counts of the five largest groups, largest first."""
    nested_groups: int
    """Groups that list at least one group as a member."""


def describe(directory: Directory) -> DirectoryStats:
    names = [user.cn for user in directory.users.values()]
    names += [group.cn for group in directory.groups.values()]
    sizes = sorted((len(group.members) for group in directory.groups.values()), reverse=True)
    group_dns = set(directory.groups)
    nested = sum(
        1 for group in directory.groups.values()
        if any(member in group_dns for member in group.members)
    )
    return DirectoryStats(
        users=len(directory.users),
        groups=len(directory.groups),
        member_values=directory.member_values,
        unicode_share=sum(1 for name in names if not name.isascii()) / max(1, len(names)),
        escaped_dn_share=sum(1 for name in names if escape_dn_chars(name) != name)
        / max(1, len(names)),
        median_group_size=statistics.median(sizes) if sizes else 0.0,
        largest_groups=tuple(sizes[:5]),
        nested_groups=nested,
    )
