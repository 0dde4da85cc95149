"""ldap2ts against the legacy call pattern, first sync into an empty ThoughtSpot, side by side."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.baseline import baseline_write_requests
from bench.config import write_config
from bench.generate import Size, generate
from bench.measure import run_measured
from bench.scenarios import APPLY_TIMEOUT, ScenarioResult, child_environment, run_scenario
from bench.servers import Servers

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Comparison:
    size: Size
    latency_ms: int
    ldap2ts: ScenarioResult
    baseline: ScenarioResult
    expected_baseline_writes: int
    """Write requests the legacy pattern makes, computed from the directory."""

    @property
    def wall_ratio(self) -> float:
        return self.baseline.process.wall_seconds / self.ldap2ts.process.wall_seconds

    @property
    def write_ratio(self) -> float:
        return self.baseline.requests.writes / max(1, self.ldap2ts.requests.writes)


def run_comparison(size: Size, latency_ms: int, work_dir: Path, *, seed: int = 1) -> Comparison:
    """Run ldap2ts, then the baseline, each into an empty ThoughtSpot, on the same directory."""
    directory = generate(size, seed)
    folder = work_dir / f"{size.name}-comparison"
    with Servers(directory, folder, latency_ms=latency_ms) as servers:
        config = write_config(folder / "config", servers.endpoints)
        ldap2ts = run_scenario("ldap2ts first sync", servers, config, work_dir)
        servers.empty_thoughtspot()
        baseline = run_baseline(servers, config, work_dir)
    expected = baseline_write_requests(len(directory.users), len(directory.groups))
    return Comparison(size, latency_ms, ldap2ts, baseline, expected)


def run_baseline(servers: Servers, config: Path, work_dir: Path) -> ScenarioResult:
    log.info("running the legacy call pattern")
    servers.reset_counters()
    emulator_before, slapd_before = servers.server_cpu_seconds()
    stem = work_dir / f"{servers.label}-baseline"
    result_file = stem.with_suffix(".json")
    process = run_measured(
        [sys.executable, "-m", "bench.baseline", str(config), str(result_file)],
        env=child_environment(), stdout=stem.with_suffix(".log"), timeout=APPLY_TIMEOUT,
    )
    record = json.loads(result_file.read_text(encoding="utf-8"))
    emulator_after, slapd_after = servers.server_cpu_seconds()
    return ScenarioResult("baseline first sync", process, servers.request_counts(), record,
                          emulator_after - emulator_before, slapd_after - slapd_before)
