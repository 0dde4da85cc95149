"""Run the benchmark: python -m bench [--size small|medium|full]."""

from __future__ import annotations

import argparse
import logging
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

from bench.baseline import baseline_write_requests
from bench.comparison import run_comparison
from bench.generate import SIZES
from bench.report import render
from bench.scenarios import run_size
from bench.targets import TS_PAGE_SIZE, check_comparison, check_size_run

log = logging.getLogger("bench")

RESULTS = Path(__file__).with_name("RESULTS.md")
COMPARISON_SIZE = {"small": "small", "medium": "medium", "full": "medium"}
COMPARISON_LATENCY_MS = {"small": 5, "medium": 50, "full": 50}


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Run first sync, no-op rerun and 1 %% change against a generated directory "
        "and a ThoughtSpot emulator, then compare ldap2ts with the legacy call pattern.",
    )
    parser.add_argument("--size", choices=sorted(SIZES), default="medium",
                        help="directory size: small (%(small)s), medium (%(medium)s) or full "
                        "(%(full)s); default medium" % {
                            name: f"{size.users:,} users, {size.groups:,} groups"
                            for name, size in SIZES.items()})
    parser.add_argument("--latency-ms", type=int, default=20,
                        help="emulator latency per request for the scenarios, in ms (default 20)")
    parser.add_argument("--comparison-latency-ms", type=int, default=None,
                        help="emulator latency for the comparison with the legacy pattern, in "
                        "ms (default 50; 5 at small size)")
    parser.add_argument("--no-comparison", action="store_true",
                        help="skip the side-by-side run of the legacy pattern")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--output", type=Path, default=None,
                        help="markdown file to write (default bench/RESULTS.md at full size, "
                        "standard output otherwise)")
    parser.add_argument("--work-dir", type=Path, default=None,
                        help="folder for the LDIF, configuration and logs; kept after the run "
                        "(default a temporary folder, removed)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    arguments = parse_arguments(argv)
    logging.basicConfig(level=logging.INFO if arguments.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(message)s")
    # httpx logs every request with its URL at INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    work_dir = arguments.work_dir or Path(tempfile.mkdtemp(prefix="ldap2ts-bench-"))
    try:
        report = run(arguments, work_dir, command="python -m bench " + shlex.join(argv))
    finally:
        if arguments.work_dir is None:
            shutil.rmtree(work_dir, ignore_errors=True)
    output = arguments.output or (RESULTS if arguments.size == "full" else None)
    if output is None:
        sys.stdout.write(report)
    else:
        output.write_text(report, encoding="utf-8")
        print(f"wrote {output}")
    return 0


def run(arguments: argparse.Namespace, work_dir: Path, *, command: str) -> str:
    """Run the scenarios and the comparison, check the targets, and return the report."""
    load_at_start = os.getloadavg()[0]
    size = SIZES[arguments.size]
    size_run = run_size(size, arguments.latency_ms, work_dir, seed=arguments.seed)
    checks = check_size_run(size_run, ts_page_size=TS_PAGE_SIZE)
    comparison = None
    if not arguments.no_comparison:
        latency = arguments.comparison_latency_ms
        if latency is None:
            latency = COMPARISON_LATENCY_MS[size.name]
        comparison_size = SIZES[COMPARISON_SIZE[size.name]]
        comparison = run_comparison(comparison_size, latency, work_dir, seed=arguments.seed)
        checks += check_comparison(comparison)
    baseline_writes = baseline_write_requests(size_run.read.users, size_run.read.groups)
    return render(size_run, comparison, checks, command=command,
                  baseline_full_writes=baseline_writes, load_at_start=load_at_start)


if __name__ == "__main__":
    sys.exit(main())
