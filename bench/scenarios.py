"""The three scenarios at one size: first sync, no-op rerun, rerun after a 1 % change."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.change import ChangeSummary, change_directory
from bench.config import write_config
from bench.generate import Size, generate
from bench.measure import ProcessFigures, run_measured
from bench.readtime import ReadResult, measure_read
from bench.requests import RequestCounts
from bench.servers import Servers
from bench.stats import DirectoryStats, describe

log = logging.getLogger(__name__)

APPLY_TIMEOUT = 3 * 3600.0
"""Seconds one measured ldap2ts run may take before it is killed."""


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    name: str
    process: ProcessFigures
    requests: RequestCounts
    record: dict[str, Any]
    """The child's result: exit code, LDAP searches, plan and apply counts."""
    emulator_cpu_seconds: float = 0.0
    """CPU the ThoughtSpot emulator used while serving this scenario."""
    slapd_cpu_seconds: float = 0.0
    """CPU slapd used while serving this scenario."""

    @property
    def searches(self) -> int | None:
        value = self.record.get("searches")
        return int(value) if value is not None else None


@dataclass(slots=True)
class SizeRun:
    size: Size
    latency_ms: int
    directory: DirectoryStats
    change: ChangeSummary
    read: ReadResult
    scenarios: list[ScenarioResult]
    converged: bool
    """True when a plan after the last scenario found nothing left to change."""
    builtin_users: int
    builtin_groups: int


def child_environment() -> dict[str, str]:
    """Return this environment without the LDAP2TS_ variables, which override the file."""
    return {key: value for key, value in os.environ.items() if not key.startswith("LDAP2TS_")}


def run_size(size: Size, latency_ms: int, work_dir: Path, *, seed: int = 1) -> SizeRun:
    """Generate the directory, start the servers, and run the three scenarios in order."""
    directory = generate(size, seed)
    change = change_directory(directory, seed=seed + 1)
    with Servers(directory, work_dir / size.name, latency_ms=latency_ms) as servers:
        config = write_config(work_dir / size.name / "config", servers.endpoints)
        read = measure_read(servers.endpoints, config, child_environment())
        scenarios = [run_scenario("first sync", servers, config, work_dir)]
        scenarios.append(run_scenario("no-op rerun", servers, config, work_dir))
        servers.apply_ldif(change.ldif)
        scenarios.append(run_scenario("1 % change", servers, config, work_dir))
        converged = plan_is_empty(config, work_dir)
    return SizeRun(size, latency_ms, describe(directory), change.summary, read, scenarios,
                   converged, servers.builtin_users, servers.builtin_groups)


def run_scenario(name: str, servers: Servers, config: Path, work_dir: Path) -> ScenarioResult:
    """Run one apply through the engine in a child process; collect figures and requests.

    The child does what ``ldap2ts apply --yes`` does; its plan and log go to
    a file in ``work_dir`` named after the scenario.
    """
    log.info("scenario %s: running ldap2ts apply", name)
    servers.reset_counters()
    emulator_before, slapd_before = servers.server_cpu_seconds()
    stem = f"{servers.label}-{name.replace(' ', '-').replace('%', 'pct')}"
    result_file = work_dir / f"{stem}.json"
    process = run_measured(
        [sys.executable, "-m", "bench.child", str(config), "apply", str(result_file)],
        env=child_environment(), stdout=work_dir / f"{stem}.log", timeout=APPLY_TIMEOUT,
    )
    record = json.loads(result_file.read_text(encoding="utf-8"))
    emulator_after, slapd_after = servers.server_cpu_seconds()
    return ScenarioResult(name, process, servers.request_counts(), record,
                          emulator_after - emulator_before, slapd_after - slapd_before)


def plan_is_empty(config: Path, work_dir: Path) -> bool:
    """Return True when a plan finds no change left (exit status 0, 1 means changes pending)."""
    result_file = work_dir / "final-plan.json"
    process = run_measured(
        [sys.executable, "-m", "bench.child", str(config), "plan", str(result_file)],
        env=child_environment(), stdout=work_dir / "final-plan.log", expected_codes=(0, 1),
    )
    return process.exit_code == 0
