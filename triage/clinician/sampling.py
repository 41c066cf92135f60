"""Seeded random answer sets drawn from a questionnaire (for benchmarks and checks)."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

from triage.language.model import Ruleset
from triage.language.questions import Question


def random_value(question: Question, rng: random.Random) -> Any:
    """A valid typed value for one question, biased towards "no" for yes/no questions."""
    if question.type == "yes_no":
        return rng.random() < (0.1 if question.danger_sign else 0.4)
    if question.type == "integer":
        low, high = question.minimum or 0, question.maximum or 0
        if question.unit == "days":
            high = min(high, 400)  # most episodes are short; keep the sample realistic
        return rng.randint(low, high)
    values = list(question.plain_values)  # not_sure: laid over by verify's own cores
    if question.type == "choice":
        return rng.choice(values)
    ordinary = [c.value for c in question.choices if not c.exclusive]
    picked = rng.sample(ordinary, rng.randint(0, min(2, len(ordinary))))
    exclusive = [c.value for c in question.choices if c.exclusive]
    return tuple(picked or exclusive[:1])


def random_answers(ruleset: Ruleset, seed: int = 0) -> Iterator[dict[str, Any]]:
    """An endless, reproducible stream of complete answer sets."""
    rng = random.Random(seed)
    while True:
        yield {q.id: random_value(q, rng) for q in ruleset.questions}
