"""Benchmark (not a test): `triage batch` throughput and memory, engine time, start-up.

    python benchmarks/bench_batch.py                  # 10,000 rows; memory at 10,000 and 100,000
    python benchmarks/bench_batch.py --unanswered 8   # the same, 8 optional answers left out
    python benchmarks/bench_batch.py --quick          # small sizes, a few seconds (CI)

Prints, on the shipped rules and seeded random complete answer sets (or, with
``--unanswered K``, answer sets with K of the optional questions left out, every
danger sign answered):
responses per second at --jobs 1 and --jobs 2 (wall clock, and CPU seconds of all
processes, which shows the parallel overhead even on a busy machine), responses per
CPU second and the parallel CPU efficiency (--jobs 2 against --jobs 1), peak memory
(the largest process's maximum RSS) at two input sizes and their ratio, the engine
time per answer set (median, p95), load + compile and `triage run` start-up (from
bench_engine.py).

Targets (2-core machine): >= 1,000 responses/s with --jobs 2; peak memory at
100,000 rows within 10% of that at 10,000.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_engine import report, triage_command

import triage
from triage.clinician.sampling import random_answers

PEAK_RSS = ("import resource, subprocess, sys; "
            "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def write_responses(path: Path, count: int, unanswered: int = 0) -> Path:
    """``count`` seeded random answer sets, one JSON object per line, each with
    ``unanswered`` optional (not danger-sign) answers left out."""
    ruleset = triage.ruleset()
    answers = random_answers(ruleset, seed=11)
    optional = [q.id for q in ruleset.questions if not q.danger_sign]
    rng = random.Random(11)
    with path.open("w", encoding="utf-8") as out:
        for index, row in enumerate(itertools.islice(answers, count)):
            for qid in rng.sample(optional, unanswered):
                del row[qid]
            plain = {k: list(v) if isinstance(v, tuple) else v for k, v in row.items()}
            out.write(json.dumps({"id": f"r{index}", **plain}) + "\n")
    return path


def batch(source: Path, jobs: int) -> list[str]:
    return [*triage_command(), "batch", str(source), "-o", "/dev/null", "-q", "--jobs", str(jobs)]


def throughput(source: Path, count: int, jobs: int) -> tuple[float, float]:
    """(responses per second by the wall clock, CPU seconds of all processes)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(batch(source, jobs), check=True)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return count / elapsed, cpu


def peak_rss_mb(source: Path, jobs: int) -> float:
    """Maximum RSS of the largest process of one batch run, measured in a fresh process."""
    result = subprocess.run([sys.executable, "-c", PEAK_RSS, *batch(source, jobs)],
                            check=True, capture_output=True, text=True)
    return int(result.stdout.strip()) / 1024  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (CI)")
    parser.add_argument("--unanswered", type=int, default=0, metavar="K",
                        help="leave K optional answers out of each response")
    args = parser.parse_args()
    what = (f"responses with {args.unanswered} optional answers left out" if args.unanswered
            else "responses")
    rows, small, large = (300, 300, 2000) if args.quick else (10_000, 10_000, 100_000)
    report(*((300, 3) if args.quick else (3000, 10)))  # engine, load, start-up

    with tempfile.TemporaryDirectory() as tmp:
        source = write_responses(Path(tmp) / f"{rows}.jsonl", rows, args.unanswered)
        per_cpu = {}
        for jobs in (1, 2):
            rate, cpu = throughput(source, rows, jobs)
            per_cpu[jobs] = rows / cpu
            target = ("" if jobs == 1 else "  [quick: worker start-up dominates]" if args.quick
                      else "  [target >= 1000/s]")
            print(f"triage batch, {rows} {what}, --jobs {jobs}: {rate:,.0f} responses/s "
                  f"(CPU {cpu:.1f} s in all processes){target}")
        # On a shared machine the wall-clock rate says how busy the other cores were; the
        # CPU figures say what the parallel path itself costs (worker start-up, pickling,
        # the parent's reading and writing).
        print(f"responses per CPU second (all processes): --jobs 1 {per_cpu[1]:,.0f}, "
              f"--jobs 2 {per_cpu[2]:,.0f}; parallel CPU efficiency "
              f"{per_cpu[2] / per_cpu[1]:.2f} (2 free cores would give about "
              f"{2 * per_cpu[2]:,.0f} responses/s)")
        sizes = {small: source if small == rows else write_responses(
            Path(tmp) / f"{small}.jsonl", small, args.unanswered)}
        sizes[large] = write_responses(Path(tmp) / f"{large}.jsonl", large, args.unanswered)
        for jobs in (1, 2):
            peaks = {count: peak_rss_mb(path, jobs) for count, path in sizes.items()}
            print(f"peak memory, {what}, --jobs {jobs} (largest process): {small:,} rows "
                  f"{peaks[small]:.1f} MB, {large:,} rows {peaks[large]:.1f} MB, ratio "
                  f"{peaks[large] / peaks[small]:.3f}  [target <= 1.10]")


if __name__ == "__main__":
    main()
