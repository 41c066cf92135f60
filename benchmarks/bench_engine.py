"""Benchmark (not a test): engine time per answer set, load+compile, `triage run` start-up.

    python benchmarks/bench_engine.py            # full run
    python benchmarks/bench_engine.py --quick    # fewer repetitions (CI)

Targets (2-core machine): engine median <= 2 ms per answer set; end-to-end
`triage run` <= 0.4 s.
"""

from __future__ import annotations

import argparse
import itertools
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import triage
from triage.clinician.sampling import random_answers
from triage.engine import Engine

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "self-care.yaml"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def engine_times(engine: Engine, count: int) -> list[float]:
    answer_sets = list(itertools.islice(random_answers(engine.ruleset, seed=1), count))
    times = []
    for answers in answer_sets:
        start = time.perf_counter()
        engine.evaluate(answers)
        times.append(time.perf_counter() - start)
    return times


def load_compile_times(repeat: int) -> list[float]:
    rules = triage.default_rules_dir()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        Engine(triage.load_ruleset(rules))
        times.append(time.perf_counter() - start)
    return times


def wall(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def triage_command() -> list[str]:
    """The installed `triage` command, else `python -m triage`."""
    entry = shutil.which("triage")
    return [entry] if entry else [sys.executable, "-m", "triage"]


def report(count: int, repeat: int) -> None:
    """Print the engine figures (``count`` random answer sets) and `triage run` start-up
    (median of ``repeat`` runs)."""
    engine = triage.engine()
    engine_times(engine, 50)  # warm up
    times = sorted(engine_times(engine, count))
    print(f"rule set: {engine.ruleset.name} {engine.ruleset.version}, "
          f"{len(engine.rules)} active rules, {len(engine.ruleset.questions)} questions")
    median = _ms(statistics.median(times))
    print(f"engine per answer set ({count} random complete sets): median {median}, "
          f"p95 {_ms(times[int(len(times) * 0.95)])}  [target median <= 2 ms]")
    print(f"rule set load + compile: median {_ms(statistics.median(load_compile_times(repeat)))}")

    run = triage_command()
    baseline = wall([sys.executable, "-c", "pass"], repeat)
    end_to_end = wall([*run, "run", str(EXAMPLE)], repeat)
    print(f"`python -c pass`: {_ms(baseline)}")
    print(f"`{' '.join(Path(run[0]).name if i == 0 else a for i, a in enumerate(run))} run "
          f"examples/self-care.yaml`: {_ms(end_to_end)} "
          f"(+{_ms(end_to_end - baseline)} over bare Python)  [target <= 400 ms]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    report(*((300, 5) if args.quick else (3000, 20)))


if __name__ == "__main__":
    main()
