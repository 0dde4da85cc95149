"""The scale targets, each checked against the measured figures.

Request-count targets are deterministic and the CI-size test asserts them.
Time and memory targets are only reported: they depend on the machine.
"""

from __future__ import annotations

from dataclasses import dataclass

from bench.baseline import baseline_write_requests
from bench.comparison import Comparison
from bench.scenarios import ScenarioResult, SizeRun
from ldap2ts.settings import ThoughtSpotSettings

TS_PAGE_SIZE = ThoughtSpotSettings("", "").page_size
"""Records per ThoughtSpot listing page, the client's default."""

LISTING_EXTRA_READS = 5
"""Reads allowed on top of the listing pages: token, session user, system and two spare."""
CHANGE_WRITE_FACTOR = 1.2
FIRST_SYNC_WRITE_SHARE = 0.02
WALL_RATIO_MIN = 50.0
WALL_RATIO_USERS = 5_000
WALL_RATIO_LATENCY_MS = 50
"""The wall-time ratio target is set for this directory size and emulator latency."""
READ_FLOOR_FACTOR = 5.0
MAX_RSS_MIB = 1024.0


@dataclass(frozen=True, slots=True)
class TargetCheck:
    name: str
    measured: str
    limit: str
    met: bool | None
    """None when the run was made at a size or latency the target is not set for."""
    deterministic: bool
    """True for request counts, which do not depend on the machine."""


def scenario(run: SizeRun, name: str) -> ScenarioResult:
    return next(result for result in run.scenarios if result.name == name)


def listing_pages(records: int, page_size: int) -> int:
    """Return the pages of a listing that stops at the first page shorter than page_size."""
    return records // page_size + 1


def check_size_run(run: SizeRun, *, ts_page_size: int) -> list[TargetCheck]:
    """Check the request, read-time and memory targets of one size."""
    first = scenario(run, "first sync")
    noop = scenario(run, "no-op rerun")
    changed = scenario(run, "1 % change")
    checks = []

    checks.append(TargetCheck("no-op rerun: write requests", f"{noop.requests.writes:,}", "0",
                              noop.requests.writes == 0, True))
    pages = (listing_pages(run.read.users + run.builtin_users, ts_page_size)
             + listing_pages(run.read.groups + run.builtin_groups, ts_page_size))
    read_limit = pages + LISTING_EXTRA_READS
    checks.append(TargetCheck(
        "no-op rerun: read requests", f"{noop.requests.reads:,}",
        f"≤ {read_limit:,} ({pages} listing pages + {LISTING_EXTRA_READS})",
        noop.requests.reads <= read_limit, True))

    changes = run.change.changed_principals + run.change.groups_with_member_changes
    change_limit = CHANGE_WRITE_FACTOR * changes
    checks.append(TargetCheck(
        "1 % change: write requests", f"{changed.requests.writes:,}",
        f"≤ {change_limit:,.0f} (1.2 × ({run.change.changed_principals:,} principals + "
        f"{run.change.groups_with_member_changes:,} groups))",
        changed.requests.writes <= change_limit, True))

    baseline_writes = baseline_write_requests(run.read.users, run.read.groups)
    first_limit = FIRST_SYNC_WRITE_SHARE * baseline_writes
    checks.append(TargetCheck(
        "first sync: write requests", f"{first.requests.writes:,}",
        f"≤ {first_limit:,.0f} (2 % of the baseline's {baseline_writes:,})",
        first.requests.writes <= first_limit, True))

    floor = run.read.floor_seconds
    checks.append(TargetCheck(
        "directory read against the ldapsearch floor",
        f"{run.read.seconds:.2f} s = {run.read.seconds / floor:.1f} × {floor:.2f} s",
        f"≤ {READ_FLOOR_FACTOR:g} ×", run.read.seconds <= READ_FLOOR_FACTOR * floor, False))

    peak = max(result.process.max_rss_mib for result in run.scenarios)
    checks.append(TargetCheck("peak RSS of a run", f"{peak:,.0f} MiB", f"≤ {MAX_RSS_MIB:,.0f} MiB",
                              peak <= MAX_RSS_MIB, False))
    return checks


def check_comparison(comparison: Comparison) -> list[TargetCheck]:
    """Check the wall-time ratio and that the baseline made the writes computed for it."""
    measured = comparison.baseline.requests.writes
    expected = comparison.expected_baseline_writes
    size = comparison.size
    judged = size.users == WALL_RATIO_USERS and comparison.latency_ms == WALL_RATIO_LATENCY_MS
    limit = f"≥ {WALL_RATIO_MIN:g} ×"
    if not judged:
        limit += f" (set for {WALL_RATIO_USERS:,} users and {WALL_RATIO_LATENCY_MS} ms)"
    return [
        TargetCheck(
            f"first sync wall time against the legacy pattern ({size.users:,} users, "
            f"{comparison.latency_ms} ms)",
            f"{comparison.wall_ratio:.1f} × shorter", limit,
            comparison.wall_ratio >= WALL_RATIO_MIN if judged else None, False),
        TargetCheck("legacy pattern: measured writes match the computed count",
                    f"{measured:,}", f"= {expected:,}", measured == expected, True),
    ]
