"""The benchmark at its small size: request-count targets of the three scenarios.

Wall-clock and memory targets depend on the machine, so these tests only
check that they were measured; ``python -m bench`` reports them.
"""

from __future__ import annotations

import pytest
from bench.comparison import Comparison, run_comparison
from bench.generate import SIZES
from bench.report import render
from bench.scenarios import SizeRun, run_size
from bench.targets import TS_PAGE_SIZE, TargetCheck, check_comparison, check_size_run, scenario

pytestmark = pytest.mark.slapd

SMALL = SIZES["small"]


@pytest.fixture(scope="module")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> SizeRun:
    return run_size(SMALL, 20, tmp_path_factory.mktemp("bench-small"))


@pytest.fixture(scope="module")
def small_comparison(tmp_path_factory: pytest.TempPathFactory) -> Comparison:
    return run_comparison(SMALL, 5, tmp_path_factory.mktemp("bench-comparison"))


@pytest.fixture(scope="module")
def checks(small_run: SizeRun) -> dict[str, TargetCheck]:
    return {check.name: check for check in check_size_run(small_run, ts_page_size=TS_PAGE_SIZE)}


def _assert_met(check: TargetCheck) -> None:
    assert check.met, f"{check.name}: measured {check.measured}, limit {check.limit}"


def test_read_is_complete(small_run: SizeRun) -> None:
    assert small_run.read.complete
    assert small_run.read.users == SMALL.users
    assert small_run.read.groups == SMALL.groups
    assert small_run.read.member_values == small_run.directory.member_values


def test_scenarios_log_searches(small_run: SizeRun) -> None:
    for result in small_run.scenarios:
        assert result.searches == small_run.read.searches, result.name


def test_first_sync_writes_target(checks: dict[str, TargetCheck]) -> None:
    _assert_met(checks["first sync: write requests"])


def test_noop_rerun_no_writes(checks: dict[str, TargetCheck]) -> None:
    _assert_met(checks["no-op rerun: write requests"])


def test_noop_rerun_reads_target(checks: dict[str, TargetCheck]) -> None:
    _assert_met(checks["no-op rerun: read requests"])


def test_change_writes_target(checks: dict[str, TargetCheck]) -> None:
    _assert_met(checks["1 % change: write requests"])


def test_change_makes_writes(small_run: SizeRun) -> None:
    assert scenario(small_run, "1 % change").requests.writes > 0


def test_sync_converges(small_run: SizeRun) -> None:
    assert small_run.converged


def test_figures_measured(small_run: SizeRun) -> None:
    for result in small_run.scenarios:
        assert result.process.wall_seconds > 0, result.name
        assert result.process.cpu_seconds > 0, result.name
        assert result.process.max_rss_kib > 0, result.name
    assert len(small_run.read.samples) == len(small_run.read.floor_samples) == 3
    assert min(small_run.read.floor_samples) > 0


def test_baseline_writes_match_count(small_comparison: Comparison) -> None:
    expected = SMALL.users + 3 * SMALL.groups

    assert small_comparison.expected_baseline_writes == expected
    assert small_comparison.baseline.requests.writes == expected


def test_baseline_one_call_per_principal(small_comparison: Comparison) -> None:
    requests = small_comparison.baseline.requests.by_endpoint

    assert requests["users/create"] == SMALL.users
    assert requests["groups/create"] == SMALL.groups
    assert requests["groups/{id}/update"] == 2 * SMALL.groups


def test_wall_ratio_not_judged_small(small_comparison: Comparison) -> None:
    wall_check = check_comparison(small_comparison)[0]

    assert wall_check.met is None


def test_report_lists_targets(
    small_run: SizeRun, small_comparison: Comparison, checks: dict[str, TargetCheck]
) -> None:
    all_checks = [*checks.values(), *check_comparison(small_comparison)]
    text = render(small_run, small_comparison, all_checks, command="python -m bench --size small",
                  baseline_full_writes=small_comparison.expected_baseline_writes,
                  load_at_start=0.5)

    for check in all_checks:
        assert f"| {check.name} |" in text
    assert "| first sync |" in text
    assert "| no-op rerun |" in text
    assert "| 1 % change |" in text
    assert "ldapsearch" in text
    assert "| not judged |" in text

