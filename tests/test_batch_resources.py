"""Rows with unanswered questions: the relevance test stays cheap and memory stays flat."""

from __future__ import annotations

import itertools
import random
import tracemalloc

from conftest import RULES

import triage
from triage.clinician.sampling import random_answers
from triage.engine import Engine


def partial_rows(count: int, left_out: int, seed: int) -> list[dict]:
    """Seeded complete answer sets with ``left_out`` optional answers removed."""
    ruleset = triage.ruleset(RULES)
    optional = [q.id for q in ruleset.questions if not q.danger_sign and not q.required]
    rng = random.Random(seed)
    rows = []
    for answers in itertools.islice(random_answers(ruleset, seed=seed), count):
        for qid in rng.sample(optional, left_out):
            del answers[qid]
        rows.append(answers)
    return rows


def test_a_row_with_unanswered_optional_questions_costs_about_one_engine_run(monkeypatch):
    """With 8 optional answers left out, a row needs under 1.5 engine runs on average (it
    needed more than 5: four for each unanswered yes/no question, less what the cache
    caught)."""
    runs = 0
    real = Engine.run

    def counted(self, answers):
        nonlocal runs
        runs += 1
        return real(self, answers)

    rows = partial_rows(100, 8, seed=21)
    monkeypatch.setattr(Engine, "run", counted)
    for answers in rows:
        triage.triage(answers, rules=RULES)
    assert runs / len(rows) < 1.5


def test_memory_stays_flat_over_many_rows_with_unanswered_questions():
    """Triaging 300 more distinct rows with unanswered questions keeps less than 1 MB
    more (a cache keyed by whole answer sets kept about 20 kB per row, up to 8,192
    entries)."""
    warm, measured = partial_rows(260, 8, seed=5), partial_rows(300, 8, seed=6)
    tracemalloc.start()
    try:
        for answers in warm:
            triage.triage(answers, rules=RULES)
        before = tracemalloc.take_snapshot()
        for answers in measured:
            triage.triage(answers, rules=RULES)
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert grown < 1_000_000
