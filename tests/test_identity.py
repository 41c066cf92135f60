"""Speed work never changes a result: engine output is pinned by a digest.

The digest covers the JSON of every clinical case plus a few hundred seeded random
answer sets (complete ones, and ones with answers left out under ``--missing
conservative``, in every locale); a case that expects its answers refused contributes
the refusal message. It was recorded on rule set 0.2.0 before the architecture work.
When the *rules* change, results change on purpose: regenerate with
``PYTHONPATH=. python tests/test_identity.py`` and paste both lines below.
"""

from __future__ import annotations

import hashlib
import itertools
import random
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import RULES

import triage
from triage.cases import load_cases
from triage.engine import Engine
from triage.render import render_json
from triage.sampling import random_answers

RULESET_SHA256 = "b871fc095f4d"  # the rule set the digest was recorded on (prefix)
GOLDEN = "cb8d3f1a69b83f702629762d21bd9b2503fe03fcec0f92dcce006c9e65f2d3ea"
RANDOM_SETS = 400


def answer_sets(engine: Engine) -> Iterator[tuple[dict[str, Any], str, str | None]]:
    """(raw answers, missing mode, locale) for every case and the seeded random sets."""
    ruleset = engine.ruleset
    for case in load_cases(ruleset):
        yield case.answers, case.missing, None
    rng = random.Random(7)
    locales = [None, *sorted(ruleset.locales)]
    for index, answers in enumerate(itertools.islice(random_answers(ruleset, seed=7),
                                                     RANDOM_SETS)):
        if index % 2:  # leave some answers out, danger signs included
            for qid in rng.sample(sorted(answers), rng.randint(1, 8)):
                del answers[qid]
        yield answers, "conservative", locales[index % len(locales)]


def digest(engine: Engine) -> str:
    """sha256 over the JSON output of every answer set, in order."""
    hasher = hashlib.sha256()
    for answers, missing, locale in answer_sets(engine):
        try:
            checked = triage.check_answers(engine.ruleset, answers, missing=missing)
        except triage.MissingDangerSignsError as refused:  # a case that expects refusal
            hasher.update(str(refused).encode("utf-8"))
            continue
        hasher.update(render_json(engine.evaluate(checked.values, locale=locale))
                      .encode("utf-8"))
    return hasher.hexdigest()


def test_results_are_identical_to_the_recorded_ones(shipped):
    """Every case and random answer set gives byte-for-byte the JSON recorded before the
    engine was optimised."""
    if not shipped.ruleset.sha256.startswith(RULESET_SHA256):
        pytest.skip("the rules changed since the digest was recorded; regenerate it "
                    "(see this module's docstring)")
    assert digest(shipped) == GOLDEN


if __name__ == "__main__":
    compiled = triage.engine(RULES)
    print(f'RULESET_SHA256 = "{compiled.ruleset.sha256[:12]}"')
    print(f'GOLDEN = "{digest(compiled)}"')
