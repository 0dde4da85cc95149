"""ldap2ts's directory read next to the ldapsearch floor, each timed several times in turn."""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.config import Endpoints
from bench.floor import ldapsearch_floor, reader_searches
from bench.measure import ProcessFigures, run_measured
from ldap2ts.config import load_settings

READ_REPEATS = 3
"""Times each reader runs; the report gives the median, so one slow run does not decide."""


@dataclass(frozen=True, slots=True)
class ReadResult:
    samples: tuple[float, ...]
    """Seconds of ldap2ts's read_directory alone, measured inside each child."""
    floor_samples: tuple[float, ...]
    """Wall seconds of the two ldapsearch runs of each turn, added up."""
    users: int
    groups: int
    member_values: int
    searches: int
    complete: bool
    process: ProcessFigures
    """Figures of the first read probe child, for CPU time and peak RSS."""
    floor: ProcessFigures
    """Figures of the first ldapsearch turn."""

    @property
    def seconds(self) -> float:
        return statistics.median(self.samples)

    @property
    def floor_seconds(self) -> float:
        return statistics.median(self.floor_samples)


def measure_read(
    endpoints: Endpoints, config: Path, env: Mapping[str, str], *, repeats: int = READ_REPEATS
) -> ReadResult:
    """Time ldap2ts's directory read in a child process, then the floor, ``repeats`` times."""
    settings = load_settings(config_file=str(config), flags={}, environ=env)
    searches = reader_searches(settings)
    probes: list[tuple[dict[str, Any], ProcessFigures]] = []
    floors: list[ProcessFigures] = []
    for _ in range(repeats):
        probes.append(_probe(config, env))
        floors.append(ldapsearch_floor(endpoints.ldap_url, endpoints.ldap_bind_dn,
                                       config.parent / "ldap.pw", searches))
    first, first_process = probes[0]
    return ReadResult(
        samples=tuple(float(probe["read_seconds"]) for probe, _ in probes),
        floor_samples=tuple(floor.wall_seconds for floor in floors),
        users=int(first["users"]),
        groups=int(first["groups"]),
        member_values=int(first["member_values"]),
        searches=int(first["searches"]),
        complete=all(probe["complete"] is True for probe, _ in probes),
        process=first_process,
        floor=floors[0],
    )


def _probe(config: Path, env: Mapping[str, str]) -> tuple[dict[str, Any], ProcessFigures]:
    output = config.parent / "read-probe.json"
    output.unlink(missing_ok=True)
    argv = [sys.executable, "-m", "bench.read_probe", str(config)]
    process = run_measured(argv, env=env, stdout=output)
    record: dict[str, Any] = json.loads(output.read_text().strip().splitlines()[-1])
    return record, process
