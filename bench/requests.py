"""ThoughtSpot request counts of one scenario, split into reads and writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

WRITE_ACTIONS = ("create", "update", "delete", "import", "deactivate", "activate")
"""Last path segments of the endpoints that change ThoughtSpot."""


def is_write(endpoint: str) -> bool:
    """Return True for an endpoint such as ``POST /api/rest/2.0/users/{id}/update``."""
    path = endpoint.split()[-1].rstrip("/")
    return path.rsplit("/", 1)[-1] in WRITE_ACTIONS


def short_endpoint(endpoint: str) -> str:
    """Return the endpoint without the method and the /api/rest/2.0/ prefix.

    A principal's GUID or name in the path becomes ``{id}``, so that
    ``users/{id}/update`` counts every user update together.
    """
    path = endpoint.split()[-1].removeprefix("/api/rest/2.0/")
    parts = path.split("/")
    if len(parts) == 3 and parts[0] in ("users", "groups"):
        parts[1] = "{id}"
    return "/".join(parts)


@dataclass(frozen=True, slots=True)
class RequestCounts:
    by_endpoint: Mapping[str, int] = field(default_factory=dict)
    """Requests per endpoint, keyed by the short endpoint (``users/import``)."""

    @classmethod
    def from_counters(cls, requests: Mapping[str, int]) -> RequestCounts:
        counts: dict[str, int] = {}
        for endpoint, count in requests.items():
            key = short_endpoint(endpoint)
            counts[key] = counts.get(key, 0) + count
        return cls(dict(sorted(counts.items())))

    @property
    def writes(self) -> int:
        return sum(count for endpoint, count in self.by_endpoint.items() if is_write(endpoint))

    @property
    def reads(self) -> int:
        return self.total - self.writes

    @property
    def total(self) -> int:
        return sum(self.by_endpoint.values())

    def describe(self) -> str:
        """Return ``endpoint count`` pairs, largest first, for a table cell."""
        pairs = sorted(self.by_endpoint.items(), key=lambda item: (-item[1], item[0]))
        return ", ".join(f"{endpoint} {count:,}" for endpoint, count in pairs) or "none"
