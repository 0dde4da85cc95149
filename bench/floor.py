"""The directory read floor: the OpenLDAP C client reading the same entries to /dev/null."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.measure import ProcessFigures, run_measured
from ldap2ts.directory.plan import plan_read
from ldap2ts.settings import Settings

SCOPE_NAMES = {0: "base", 1: "one", 2: "sub"}


@dataclass(frozen=True, slots=True)
class Search:
    base: str
    scope: str
    filter: str
    attributes: tuple[str, ...]
    page_size: int


def reader_searches(settings: Settings) -> list[Search]:
    """Return the user and group searches ldap2ts's reader makes, with the same attributes."""
    plan = plan_read(settings)
    scope = SCOPE_NAMES[plan.scope.value]
    return [
        Search(plan.base, scope, plan.filters.users, tuple(plan.user_attributes),
               plan.page_size),
        Search(plan.base, scope, plan.filters.groups,
               (*plan.group_attributes, plan.member_attribute), plan.page_size),
    ]


def ldapsearch_floor(
    url: str, bind_dn: str, password_file: Path, searches: Sequence[Search]
) -> ProcessFigures:
    """Run one paged ldapsearch per search, output to /dev/null, and return the summed figures."""
    total = ProcessFigures(0.0, 0.0, 0.0, 0, 0)
    for search in searches:
        argv = [
            "ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", url, "-D", bind_dn,
            "-y", str(password_file), "-b", search.base, "-s", search.scope,
            "-E", f"pr={search.page_size}/noprompt", search.filter, *search.attributes,
        ]
        figures = run_measured(argv)
        total = ProcessFigures(
            total.wall_seconds + figures.wall_seconds,
            total.user_seconds + figures.user_seconds,
            total.system_seconds + figures.system_seconds,
            max(total.max_rss_kib, figures.max_rss_kib),
            figures.exit_code,
        )
    return total
