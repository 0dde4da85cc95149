"""The markdown report of a benchmark run."""

from __future__ import annotations

import os
import platform
import statistics
from collections.abc import Sequence

from bench.comparison import Comparison
from bench.scenarios import SizeRun
from bench.targets import WALL_RATIO_MIN, TargetCheck


def machine_description() -> str:
    """Return the CPU model, core count, memory and OS of this machine."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{model}, {os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), "
            f"{memory:.1f} GiB memory, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}")


def render(run: SizeRun, comparison: Comparison | None, checks: Sequence[TargetCheck],
           *, command: str, baseline_full_writes: int, load_at_start: float) -> str:
    """Render the whole report: setting, scenarios, directory read, ratios and targets.

    ``load_at_start`` is the 1-minute load average when the run began; other
    processes on the machine slow the wall times down.
    """
    parts = [
        f"# ldap2ts benchmark: {run.size.name} size\n",
        f"- Command: `{command}`",
        f"- Machine: {machine_description()}",
        f"- 1-minute load average: {load_at_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end",
        f"- ThoughtSpot emulator latency: {run.latency_ms} ms per request",
        _directory_line(run),
        _change_line(run),
        "",
        _scenario_table(run),
        _read_table(run),
        _comparison_table(run, comparison, baseline_full_writes),
        _target_table(checks),
    ]
    return "\n".join(parts)


def _directory_line(run: SizeRun) -> str:
    stats = run.directory
    largest = ", ".join(f"{size:,}" for size in stats.largest_groups)
    return (f"- Directory: {stats.users:,} users, {stats.groups:,} groups, "
            f"{stats.member_values:,} member values; {stats.unicode_share:.1%} Unicode names, "
            f"{stats.escaped_dn_share:.1%} DNs with escapes; median group "
            f"{stats.median_group_size:g} members, largest {largest}; "
            f"{stats.nested_groups} groups with sub-groups")


def _change_line(run: SizeRun) -> str:
    change = run.change
    return (f"- 1 % change: {change.new_users} new and {change.removed_users} removed users, "
            f"{change.renamed_users} display names and {change.new_emails} emails changed, "
            f"{change.membership_moves} membership moves, {change.new_groups} new and "
            f"{change.removed_groups} removed group; {change.changed_principals:,} changed "
            f"principals and {change.groups_with_member_changes:,} groups whose members changed")


def _scenario_table(run: SizeRun) -> str:
    rows = [
        "## Scenarios\n",
        "| scenario | wall s | CPU s | peak RSS MiB | emulator CPU s | slapd CPU s "
        "| LDAP searches | TS reads | TS writes | requests by endpoint |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for result in run.scenarios:
        process = result.process
        rows.append(
            f"| {result.name} | {process.wall_seconds:.2f} | {process.cpu_seconds:.2f} | "
            f"{process.max_rss_mib:,.0f} | {result.emulator_cpu_seconds:.2f} | "
            f"{result.slapd_cpu_seconds:.2f} | {_optional(result.searches)} | "
            f"{result.requests.reads:,} | "
            f"{result.requests.writes:,} | {result.requests.describe()} |"
        )
    verdict = "nothing" if run.converged else "changes still pending (not converged)"
    rows.append(f"\nA plan after the last scenario found {verdict}.\n")
    return "\n".join(rows)


def _optional(value: int | None) -> str:
    return "n/a" if value is None else f"{value:,}"


def _read_table(run: SizeRun) -> str:
    read = run.read
    ratio = read.seconds / read.floor_seconds
    turns = len(read.samples)
    return "\n".join([
        "## Directory read\n",
        f"Each reader ran {turns} times in turn; wall times are medians (min to max).\n",
        "| reader | wall s | CPU s | peak RSS MiB | LDAP searches |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| ldap2ts read_directory ({read.users:,} users, {read.groups:,} groups, "
        f"{read.member_values:,} member values) | {_spread(read.samples)} | "
        f"{read.process.cpu_seconds:.2f} (whole child) | {read.process.max_rss_mib:,.0f} | "
        f"{read.searches} |",
        f"| ldapsearch, paged 1000, to /dev/null (floor) | {_spread(read.floor_samples)} | "
        f"{read.floor.cpu_seconds:.2f} | {read.floor.max_rss_mib:,.0f} | 2, paged |",
        f"\nldap2ts reads the directory in {ratio:.1f} × the floor's time"
        f"{'' if read.complete else '; its read was NOT complete'}. ldap2ts counts "
        "every search request it sends, one per page of results. CPU time and peak RSS "
        "are those of the first turn.\n",
    ])


def _spread(samples: Sequence[float]) -> str:
    return f"{statistics.median(samples):.2f} ({min(samples):.2f} to {max(samples):.2f})"


def _comparison_table(run: SizeRun, comparison: Comparison | None, baseline_writes: int) -> str:
    rows = ["## Against the legacy call pattern\n"]
    if comparison is not None:
        ours, legacy = comparison.ldap2ts, comparison.baseline
        size = comparison.size
        rows += [
            f"First sync into an empty ThoughtSpot, {size.users:,} users and {size.groups:,} "
            f"groups, {comparison.latency_ms} ms latency, measured side by side:\n",
            "| strategy | wall s | CPU s | emulator CPU s | TS requests | TS writes |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
            f"| ldap2ts | {ours.process.wall_seconds:.2f} | {ours.process.cpu_seconds:.2f} | "
            f"{ours.emulator_cpu_seconds:.2f} | {ours.requests.total:,} | "
            f"{ours.requests.writes:,} |",
            f"| legacy pattern | {legacy.process.wall_seconds:.2f} | "
            f"{legacy.process.cpu_seconds:.2f} | {legacy.emulator_cpu_seconds:.2f} | "
            f"{legacy.requests.total:,} | "
            f"{legacy.requests.writes:,} (computed {comparison.expected_baseline_writes:,}) |",
            f"\nldap2ts is {comparison.wall_ratio:.1f} × faster (target ≥ {WALL_RATIO_MIN:g} ×) "
            f"and makes {comparison.write_ratio:.1f} × fewer write requests.\n",
        ]
    first = next(result for result in run.scenarios if result.name == "first sync")
    rows.append(
        f"At {run.size.name} size the legacy pattern would make {baseline_writes:,} write "
        f"requests (one per user, three per group); ldap2ts's first sync made "
        f"{first.requests.writes:,}, {first.requests.writes / baseline_writes:.2%} of them.\n"
    )
    return "\n".join(rows)


def _target_table(checks: Sequence[TargetCheck]) -> str:
    rows = ["## Targets\n", "| target | measured | limit | met |", "| --- | --- | --- | --- |"]
    for check in checks:
        if check.met is None:
            verdict = "not judged"
        else:
            verdict = "yes" if check.met else "**no**"
        rows.append(f"| {check.name} | {check.measured} | {check.limit} | {verdict} |")
    rows.append(
        "\nRequest counts do not depend on the machine, and the small-size test asserts "
        "them. Times and memory come from one run each (the directory read from three), "
        "on a machine that other work may share: see the load average above."
    )
    return "\n".join(rows) + "\n"
