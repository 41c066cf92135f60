"""Benchmark (not a test): engine time per answer set against CLIPS and plain Python,
load+compile, `triage run` start-up CPU against `python -c pass`.

    python benchmarks/bench_engine.py            # full run (3,000 answer sets)
    python benchmarks/bench_engine.py --quick    # fewer repetitions (CI)

The engine (experta) is timed against a CLIPS translation of the same rules
(benchmarks/clips_rules.py, through clipspy: ``pip install '.[bench]'``; skipped, with a
line saying so, when clipspy is not installed) and a plain-Python fixed point
(benchmarks/plain_rules.py), in the same run, on the same seeded answer sets (half of
them with answers left out), each result built by the same plan code; the three must
agree on urgency, advice and findings for every set before anything is timed. The
three are timed in turn on each answer set, so a busy machine slows all of them alike.

Targets (2-core machine): engine median at most 2x CLIPS; `triage run` at most 150 ms
of CPU (user + sys).
"""

from __future__ import annotations

import argparse
import itertools
import random
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from plain_rules import PlainRules

import triage
from triage.clinician.sampling import random_answers
from triage.engine import Engine
from triage.engine.plan import Firing, applicable_unanswered, assemble
from triage.language.model import Result, Ruleset

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "self-care.yaml"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def seeded_sets(ruleset: Ruleset, count: int) -> list[dict[str, Any]]:
    """``count`` seeded answer sets, every other one with 1 to 8 answers left out."""
    rng = random.Random(5)
    sets = []
    for index, answers in enumerate(itertools.islice(random_answers(ruleset, seed=3), count)):
        if index % 2:
            for qid in rng.sample(sorted(answers), rng.randint(1, 8)):
                del answers[qid]
        sets.append(answers)
    return sets


Evaluator = Callable[[Mapping[str, Any]], Result]


def evaluators(engine: Engine) -> dict[str, Evaluator]:
    """The project's engine, the CLIPS translation (if clipspy is installed) and plain
    Python, each ending in the same plan assembly."""
    ruleset = engine.ruleset

    def planned(run: Callable[[Mapping[str, Any]], Firing]) -> Evaluator:
        def evaluate(answers: Mapping[str, Any]) -> Result:
            return assemble(ruleset, run(answers), answers, None,
                            applicable_unanswered(ruleset, answers))
        return evaluate

    found: dict[str, Evaluator] = {"experta (this project)": engine.evaluate}
    try:
        import clips  # noqa: F401  (clipspy, the [bench] extra)
    except ImportError:
        print("CLIPS: skipped (clipspy is not installed: pip install '.[bench]')")
    else:
        from clips_rules import ClipsRules

        translated = ClipsRules(ruleset)
        rules = ruleset.active_rules

        def clips_run(answers: Mapping[str, Any]) -> Firing:
            fired, findings = translated.run(answers)
            return Firing(tuple(rules[index] for index in fired), frozenset(findings))
        found["CLIPS (clipspy)"] = planned(clips_run)
    found["plain Python"] = planned(PlainRules(ruleset).run)
    return found


def check_identical(found: dict[str, Evaluator], sets: list[dict[str, Any]]) -> None:
    """Every evaluator gives the same urgency, advice and findings on every set."""
    for index, answers in enumerate(sets):
        results = {name: evaluate(answers) for name, evaluate in found.items()}
        seen = {(r.urgency, tuple(a.id for a in r.advice), r.findings)
                for r in results.values()}
        if len(seen) != 1:
            raise SystemExit(f"answer set {index}: the evaluators disagree: {results}")


def compare(engine: Engine, count: int) -> None:
    """Print each evaluator's median and p95 per answer set and the ratios."""
    found = evaluators(engine)
    sets = seeded_sets(engine.ruleset, count)
    check_identical(found, sets)
    print(f"the {len(found)} evaluators agree on urgency, advice and findings for all "
          f"{count} seeded answer sets (half with answers left out)")
    times: dict[str, list[float]] = {name: [] for name in found}
    for answers in sets[:50]:  # warm up
        for evaluate in found.values():
            evaluate(answers)
    for answers in sets:
        for name, evaluate in found.items():  # in turn, so load hits all alike
            start = time.perf_counter()
            evaluate(answers)
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        values.sort()
        ratios = ", ".join(f"{medians[name] / medians[other]:.2f}x {other}"
                           for other in found if other != name)
        print(f"  {name:24} median {_ms(medians[name])}, p95 "
              f"{_ms(values[int(len(values) * 0.95)])}  ({ratios})")
    if "CLIPS (clipspy)" in medians:
        ratio = medians["experta (this project)"] / medians["CLIPS (clipspy)"]
        print(f"engine / CLIPS: {ratio:.2f}x  [target <= 2x]")


def cpu_seconds(command: list[str], repeat: int) -> list[float]:
    """User + system CPU seconds of each of ``repeat`` runs of ``command``."""
    times = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return times


def load_compile_times(repeat: int) -> list[float]:
    rules = triage.default_rules_dir()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        Engine(triage.load_ruleset(rules))
        times.append(time.perf_counter() - start)
    return times


def triage_command() -> list[str]:
    """The installed `triage` command, else `python -m triage`."""
    entry = shutil.which("triage")
    return [entry] if entry else [sys.executable, "-m", "triage"]


def report(count: int, repeat: int) -> None:
    """Print the engine figures (``count`` seeded answer sets, against CLIPS and plain
    Python) and `triage run` start-up (median of ``repeat`` runs)."""
    engine = triage.engine()
    print(f"rule set: {engine.ruleset.name} {engine.ruleset.version}, "
          f"{len(engine.rules)} active rules, {len(engine.ruleset.questions)} questions; "
          f"engine on the {'fast' if engine.fast else 'STOCK (fallback)'} path")
    print(f"engine per answer set ({count} seeded sets), evaluate (rules + plan):")
    compare(engine, count)
    print(f"rule set load + compile: median {_ms(statistics.median(load_compile_times(repeat)))}")

    run = triage_command()
    baseline = cpu_seconds([sys.executable, "-c", "pass"], repeat)
    triage_run = [*run, "run", str(EXAMPLE)]
    subprocess.run(triage_run, check=True, stdout=subprocess.DEVNULL)  # fills the cache
    start_up = cpu_seconds(triage_run, repeat)
    name = " ".join(Path(run[0]).name if i == 0 else a for i, a in enumerate(run))
    times = statistics.median(start_up) / max(statistics.median(baseline), 1e-3)
    print(f"start-up CPU (user + sys, median of {repeat}): `python -c pass` "
          f"{_ms(statistics.median(baseline))}; `{name} run examples/self-care.yaml` "
          f"{_ms(statistics.median(start_up))} (min {_ms(min(start_up))}, max "
          f"{_ms(max(start_up))}; {times:.1f}x "
          "bare Python)  [target <= 150 ms]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args()
    report(*((300, 5) if args.quick else (3000, 20)))


if __name__ == "__main__":
    main()
