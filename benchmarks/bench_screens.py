"""How many questions `triage ask` asks before it shows a self-care plan.

Each shipped clinical case whose expected urgency is self_care is walked through the
questionnaire's next-question logic (:func:`triage.questionnaire.next_question`, the
same function `triage ask` uses): the case's answers are given one question at a time,
in the order asked, until the questionnaire is over; every question asked counts as
one screen. A question the case leaves blank is answered with the rule set's benign
value (the walk would otherwise stop there). Prints the median, minimum and maximum,
and with ``-v`` each case.

    python benchmarks/bench_screens.py [RULES_DIR] [-v]

A baseline for the shorter questionnaire (issue 12): on rule sets 0.2.0 and 0.2.1 (one
question a screen), 82 self-care cases: median 43, min 25, max 46 (the target is at
most 20).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

import triage
from triage.clinician.cases import load_cases
from triage.language.values import coerce
from triage.questionnaire import next_question

ROOT = Path(__file__).resolve().parent.parent


def screens(engine: triage.Engine, answers: dict[str, Any]) -> int:
    """The number of questions asked for these (typed) answers."""
    given: dict[str, Any] = {}
    asked = 0
    benign = engine.ruleset.benign
    while (question := next_question(engine, given)) is not None:
        asked += 1
        value = answers.get(question.id)
        given[question.id] = value if value is not None else benign.get(question.id)
        if given[question.id] is None:  # nothing benign to give: stop counting here
            break
    return asked


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    paths = [arg for arg in argv if not arg.startswith("-")]
    engine = triage.engine(Path(paths[0]) if paths else ROOT / "rules")
    questions = engine.ruleset.question_map
    counts: list[tuple[int, str]] = []
    for case in load_cases(engine.ruleset):
        if case.expect.get("urgency") != "self_care":
            continue
        typed = {key: coerce(questions[key], value) for key, value in case.answers.items()
                 if value is not None and key in questions}
        counts.append((screens(engine, typed), case.id))
    numbers = [count for count, _ in counts]
    if verbose:
        for count, cid in sorted(counts):
            print(f"{count:3}  {cid}")
    print(f"rule set {engine.ruleset.name} {engine.ruleset.version}: {len(numbers)} self-care "
          f"cases; questions asked to a self-care plan: median {statistics.median(numbers):g}, "
          f"min {min(numbers)}, max {max(numbers)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
