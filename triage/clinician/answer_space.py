"""The answer space of ``triage rules verify``: which answer sets are checked.

The answer space is far too large to enumerate (18 danger signs and 8 medicines answers
alone give ~150 million combinations), so it is covered in three honest parts:

1. **exhaustive core**: for each invariant, every combination of the values of the
   questions its ``when`` names (numbers: both sides of every threshold; danger signs:
   ``not_sure`` too) that satisfies it;
   for ``for: unscreened``, each danger sign (or required question) left unanswered
   alone, and all of them; for ``blank_answers: never_lower_urgency``, every value of
   every optional question that can change the urgency, each compared with leaving that
   question blank;
2. **all-pairs background**: a covering design in which every pair of values of any two
   other questions appears at least once, numbers taking the values on both sides of every
   threshold found in the rule conditions (``value-1, value, value+1``). Each core
   combination is crossed with every background row while that stays within a budget,
   else core and background are paired round-robin (each appears at least once);
3. **seeded random sampling** (:mod:`triage.clinician.sampling`), with an invariant's core
   laid over each sample in turn.

An invariant about danger signs answered "not sure" (its ``when`` names ``<sign>:
not_sure``, or it expects ``not_sure_answers: never_below_blank``) also gets its **"not
sure" pairs** (:func:`not_sure_pairs`): each such sign answered not sure alone, and with
every answer of every other danger sign that raises the urgency (yes, or each choice but
the benign one), over the baseline answers, whatever the depth. The all-pairs core meets
each such pair too, but beside other answers that may hide it, and which ones depends on
the order of the questions: rule set 0.2.1 passed a full verify with "not sure" below a
blank for ``cancer_history: yes``, ``leg_weakness: not_sure``.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Mapping
from typing import Any

from triage.language.conditions import All, AnyOf, Compare, Condition, HasFinding, Not, Unanswered
from triage.language.model import Invariant, Ruleset
from triage.language.predicate import Predicate
from triage.language.questions import NOT_SURE, Question

CORE_BUDGET = 1024  # named answers' combinations above this: an all-pairs design of them
AnswerSet = dict[str, Any]  # question id -> typed value (None: left blank)


def walk(condition: Condition | Predicate | None) -> Iterator[Condition | Predicate]:
    """Every node of a condition tree."""
    if condition is None:
        return
    yield condition
    if isinstance(condition, (All, AnyOf)):
        for item in condition.items:
            yield from walk(item)
    elif isinstance(condition, Not):
        yield from walk(condition.item)


def thresholds(ruleset: Ruleset) -> dict[str, tuple[int, ...]]:
    """For each number question, the values on both sides of every threshold tested."""
    conditions: list[Condition | Predicate] = [rule.when for rule in ruleset.active_rules]
    conditions += [q.ask_when for q in ruleset.questions if q.ask_when is not None]
    conditions += [inv.when for inv in ruleset.invariants if inv.when is not None]
    found: dict[str, set[int]] = {}
    for condition in conditions:
        for node in walk(condition):
            if isinstance(node, Compare) and isinstance(node.value, (int, tuple)) \
                    and not isinstance(node.value, bool):
                points = node.value if isinstance(node.value, tuple) else (node.value,)
                if all(isinstance(p, int) and not isinstance(p, bool) for p in points):
                    found.setdefault(node.question, set()).update(points)
    result = {}
    for qid, cuts in sorted(found.items()):
        question = ruleset.question_map[qid]
        if question.type != "integer":
            continue
        low, high = question.minimum or 0, question.maximum or 0
        near = {v for p in cuts for v in (p - 1, p, p + 1) if low <= v <= high}
        result[qid] = tuple(sorted(near | {low, high}))
    return result


def levels(question: Question, bounds: Mapping[str, tuple[int, ...]],
           baseline: AnswerSet) -> tuple[Any, ...]:
    """The values a question takes in the design (``None``: skipped by the questionnaire)."""
    if question.type == "yes_no":
        values: tuple[Any, ...] = (False, True)
    elif question.type == "choice":
        values = question.plain_values  # not_sure: the not_sure scope's own cores
    elif question.type == "multi":
        values = tuple((choice.value,) for choice in question.choices)
    else:
        points = set(bounds.get(question.id, ())) | {baseline[question.id]}
        values = tuple(sorted(points - {None}))
    if question.ask_when is not None and not question.danger_sign:
        values += (None,)
    return values


def default_baseline(ruleset: Ruleset) -> AnswerSet:
    """Benign answers: the rule set's ``baseline``, else no / none / the minimum."""
    return dict(ruleset.benign)


def pairwise(factors: list[tuple[str, tuple[Any, ...]]], seed: int) -> list[AnswerSet]:
    """A greedy all-pairs covering design: every value pair of any two factors appears."""
    rng = random.Random(seed)
    uncovered: set[tuple[int, int, int, int]] = {
        (i, a, j, b) for i, j in itertools.combinations(range(len(factors)), 2)
        for a in range(len(factors[i][1])) for b in range(len(factors[j][1]))}
    rows: list[AnswerSet] = []
    while uncovered:
        i, a, j, b = min(uncovered)
        chosen = {i: a, j: b}
        order = [k for k in range(len(factors)) if k not in chosen]
        rng.shuffle(order)
        for k in order:
            chosen[k] = max(range(len(factors[k][1])), key=lambda v: (sum(
                (min(k, m), v if k < m else w, max(k, m), w if k < m else v) in uncovered
                for m, w in chosen.items()), -v))
        for (p, x), (q, y) in itertools.combinations(sorted(chosen.items()), 2):
            uncovered.discard((p, x, q, y))
        rows.append({factors[k][0]: factors[k][1][v] for k, v in chosen.items()})
    return rows


def core_options(invariant: Invariant, ruleset: Ruleset, bounds: Mapping[str, tuple[int, ...]],
                 baseline: AnswerSet) -> list[tuple[str, tuple[Any, ...]]]:
    """The questions an invariant's ``when`` names, each with the values the design tries."""
    named = sorted({node.question for node in walk(invariant.when)
                    if isinstance(node, (Compare, Unanswered))})
    unsure = {node.question for node in walk(invariant.when) if isinstance(node, Compare)
              and NOT_SURE in (node.value if isinstance(node.value, tuple) else (node.value,))}
    options = _core_options(invariant, ruleset, bounds, baseline, named, unsure)
    widened = _core_options(invariant, ruleset, bounds, baseline, named,
                            {qid for qid in named if ruleset.question_map[qid].takes_not_sure})
    # "not sure" for every danger sign it names, where that keeps every combination
    if math.prod(len(values) for _, values in widened) <= CORE_BUDGET:
        return widened
    return options


def _core_options(invariant: Invariant, ruleset: Ruleset, bounds: Mapping[str, tuple[int, ...]],
                  baseline: AnswerSet, named: list[str],
                  unsure: set[str]) -> list[tuple[str, tuple[Any, ...]]]:
    options = []
    for qid in named:
        question = ruleset.question_map[qid]
        values = levels(question, bounds, baseline)
        if qid in unsure:
            values += (NOT_SURE,)
        if invariant.scope == "unscreened" and (question.danger_sign or question.required) \
                and None not in values:
            values += (None,)
        options.append((qid, values))
    return options


def exhaustive(invariant: Invariant, ruleset: Ruleset, bounds: Mapping[str, tuple[int, ...]],
               baseline: AnswerSet) -> bool:
    """Is every combination of the invariant's named answers tried (else all pairs)?"""
    options = core_options(invariant, ruleset, bounds, baseline)
    return math.prod(len(values) for _, values in options) <= CORE_BUDGET


def core_combinations(invariant: Invariant, ruleset: Ruleset,
                      bounds: Mapping[str, tuple[int, ...]],
                      baseline: AnswerSet) -> list[AnswerSet]:
    """Every combination of the named answers that puts an answer set in scope."""
    if invariant.expect.blank_never_lowers:
        return [{qid: value} for qid in urgency_questions(ruleset)
                for value in levels(ruleset.question_map[qid], bounds, baseline)
                if value is not None]
    options = core_options(invariant, ruleset, bounds, baseline)
    if exhaustive(invariant, ruleset, bounds, baseline):
        combos = [dict(zip([qid for qid, _ in options], values, strict=True))
                  for values in itertools.product(*(values for _, values in options))]
    else:  # too many to enumerate: every pair of the named answers' values instead
        combos = pairwise(options, 0)
    combos = [c for c in combos if invariant.when is None or invariant.when.holds(c, frozenset())]
    if invariant.scope != "unscreened":
        return combos
    needed = [q.id for q in ruleset.questions if q.danger_sign or q.required]
    gaps = [{qid: None} for qid in needed] + [dict.fromkeys(needed)]
    spread: list[AnswerSet] = []
    for combo in combos:
        if any(qid in combo and combo[qid] is None for qid in needed):
            spread.append(combo)  # already leaves a needed answer blank: in scope as it is
        else:
            spread.extend({**gap, **combo} for gap in gaps)
    return spread


def not_sure_signs(invariant: Invariant, ruleset: Ruleset) -> tuple[str, ...]:
    """The danger signs whose "not sure" puts an answer set in the invariant's scope: those
    its ``when`` tests for ``not_sure`` (every one that takes it, for a ``not_sure_answers``
    invariant with no ``when``), in questionnaire order."""
    takes = [q.id for q in ruleset.questions if q.takes_not_sure]
    if invariant.when is None:
        return tuple(takes) if invariant.expect.not_sure_not_below_blank else ()
    named = {node.question for node in walk(invariant.when) if isinstance(node, Compare)
             and NOT_SURE in (node.value if isinstance(node.value, tuple) else (node.value,))}
    return tuple(qid for qid in takes if qid in named)


def not_sure_pairs(invariant: Invariant, ruleset: Ruleset,
                   baseline: AnswerSet) -> list[AnswerSet]:
    """Each of :func:`not_sure_signs` answered not sure, alone and beside each answer of
    each other danger sign that raises the urgency (every value but the baseline's), as
    changes to the baseline answers; only those in the invariant's scope. Deterministic,
    and independent of the order of the questions."""
    signs = not_sure_signs(invariant, ruleset)
    raising = [(q.id, value) for q in ruleset.questions if q.takes_not_sure
               for value in q.plain_values if value != baseline.get(q.id)]
    combos: list[AnswerSet] = []
    for sign in signs:
        combos.append({sign: NOT_SURE})
        combos.extend({sign: NOT_SURE, other: value} for other, value in raising
                      if other != sign)
    return [c for c in combos
            if in_scope(invariant, ruleset, {**baseline, **c})]


def urgency_questions(ruleset: Ruleset) -> tuple[str, ...]:
    """Optional questions (not danger signs) that some rule setting the urgency reads,
    directly or through the findings it tests: the ones whose blank could lower it."""
    rules = ruleset.active_rules
    asserters: dict[str, list[Any]] = {}
    for rule in rules:
        for name in rule.then.findings:
            asserters.setdefault(name, []).append(rule)
    todo = [rule for rule in rules if rule.then.urgency is not None]
    seen: set[str] = set()
    read: set[str] = set()
    while todo:
        rule = todo.pop()
        if rule.id in seen:
            continue
        seen.add(rule.id)
        for node in walk(rule.when):
            if isinstance(node, (Compare, Unanswered)):
                read.add(node.question)
            elif isinstance(node, HasFinding):
                todo.extend(asserters.get(node.name, ()))
    return tuple(q.id for q in ruleset.questions if q.id in read and not q.danger_sign)


def in_scope(invariant: Invariant, ruleset: Ruleset, answers: Mapping[str, Any],
             unscreened: bool | None = None) -> bool:
    """Does the invariant speak about this answer set? (``unscreened``: whether a danger
    sign or required question is blank, if already known.)"""
    if unscreened is None:
        unscreened = bool(ruleset.missing_required(answers))
    if unscreened != (invariant.scope == "unscreened"):
        return False
    return invariant.when is None or invariant.when.holds(answers, frozenset())
