"""The directory read floor: the OpenLDAP C client reading the same entries to /dev/null."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.measure import ProcessFigures, run_measured

PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class Search:
    filter: str
    attributes: tuple[str, ...]


# The searches ldap2ts makes on an OpenLDAP directory, with the attributes it asks
# for; the read probe logs the reader's own count of searches next to them.
SEARCHES = (
    Search("(objectClass=inetOrgPerson)",
           ("uid", "cn", "displayName", "name", "mail", "entryUUID", "objectClass")),
    Search("(objectClass=groupOfNames)",
           ("cn", "displayName", "name", "member", "entryUUID", "objectClass")),
)


def ldapsearch_floor(
    url: str, bind_dn: str, password_file: Path, base_dn: str,
    searches: Sequence[Search] = SEARCHES,
) -> ProcessFigures:
    """Run one paged ldapsearch per search, output to /dev/null, and return the summed figures."""
    total = ProcessFigures(0.0, 0.0, 0.0, 0, 0)
    for search in searches:
        argv = [
            "ldapsearch", "-x", "-LLL", "-o", "ldif-wrap=no", "-H", url, "-D", bind_dn,
            "-y", str(password_file), "-b", base_dn, "-s", "sub",
            "-E", f"pr={PAGE_SIZE}/noprompt", search.filter, *search.attributes,
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
