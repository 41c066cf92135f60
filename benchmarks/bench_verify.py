"""Benchmark (not a test): how long `triage rules verify` takes and how much it covers.

    python benchmarks/bench_verify.py            # the default verify (all-pairs design)
    python benchmarks/bench_verify.py --quick    # the quick check (baseline background)

Target (2-core machine): the default verify of the shipped rules well under a minute.
"""

from __future__ import annotations

import argparse
import time

import triage
from triage.clinician.verify import verify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the quick check only")
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args()
    engine = triage.engine()
    started, cpu = time.perf_counter(), time.process_time()
    report = verify(engine, samples_count=200 if args.quick else args.samples,
                    background="baseline" if args.quick else "pairwise")
    wall, used = time.perf_counter() - started, time.process_time() - cpu
    print(f"invariants: {len(report.invariants)}, all hold: {report.holds}")
    print(f"answer sets: {report.total:,} ({report.designed:,} designed over "
          f"{report.background:,} background rows, {report.sampled:,} sampled)")
    print(f"time: {wall:.1f} s wall, {used:.1f} s CPU "
          f"({used / max(report.total, 1) * 1000:.2f} ms CPU per answer set)")


if __name__ == "__main__":
    main()
