"""How many screens `triage ask` shows (and questions it asks) before a self-care plan.

Each shipped clinical case whose expected urgency is self_care is walked through the
questionnaire's next-screen logic (:func:`triage.questionnaire.next_screen`, the same
function `triage ask` uses): the case's answers are given one screen at a time, in the
order shown, until the questionnaire is over. A screen is what is shown before one
Enter: one question, or the yes/no questions of a ``screen`` answered on one line. A
question the case leaves blank is answered with the rule set's benign value (the walk
would otherwise stop there). Prints the median, minimum and maximum of screens and of
questions, and with ``-v`` each case.

    python benchmarks/bench_screens.py [RULES_DIR] [-v]

A baseline for the shorter questionnaire (issue 12): on rule sets 0.2.0 and 0.2.1 (one
question a screen), 82 self-care cases: median 43, min 25, max 46 (the target is at
most 20). Rule set 0.2.2 (screens): 82 cases, screens median 19, min 11, max 22;
questions median 43, min 25, max 46 (the same questions, fewer screens).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path
from typing import Any

import triage
from triage.clinician.cases import load_cases
from triage.language.values import coerce
from triage.questionnaire import next_screen

ROOT = Path(__file__).resolve().parent.parent


def screens(engine: triage.Engine, answers: dict[str, Any]) -> tuple[int, int]:
    """(screens shown, questions asked) for these (typed) answers."""
    given: dict[str, Any] = {}
    shown = asked = 0
    benign = engine.ruleset.benign
    while (screen := next_screen(engine, given)) is not None:
        shown += 1
        for question in screen.questions:
            asked += 1
            value = answers.get(question.id)
            given[question.id] = value if value is not None else benign.get(question.id)
            if given[question.id] is None:  # nothing benign to give: stop counting here
                return shown, asked
    return shown, asked


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    paths = [arg for arg in argv if not arg.startswith("-")]
    engine = triage.engine(Path(paths[0]) if paths else ROOT / "rules")
    questions = engine.ruleset.question_map
    counts: list[tuple[tuple[int, int], str]] = []
    for case in load_cases(engine.ruleset):
        if case.expect.get("urgency") != "self_care":
            continue
        typed = {key: coerce(questions[key], value) for key, value in case.answers.items()
                 if value is not None and key in questions}
        counts.append((screens(engine, typed), case.id))
    if verbose:
        for (shown, asked), cid in sorted(counts):
            print(f"{shown:3} screens {asked:3} questions  {cid}")
    for index, what in enumerate(("screens shown", "questions asked")):
        numbers = [count[index] for count, _ in counts]
        print(f"rule set {engine.ruleset.name} {engine.ruleset.version}: {len(numbers)} "
              f"self-care cases; {what} to a self-care plan: median "
              f"{statistics.median(numbers):g}, min {min(numbers)}, max {max(numbers)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
