"""Properties over the answer space (hypothesis, bounded for CI)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import RULES
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import triage
from triage.clinician.answer_space import default_baseline, levels, thresholds
from triage.engine.plan import Firing, applicable_unanswered, assemble
from triage.language.conditions import Condition
from triage.language.questions import Question
from triage.language.stratify import strata

ENGINE = triage.engine(RULES)
RULESET = ENGINE.ruleset
EMERGENCY_SIGNS = {"saddle_numbness": True, "bladder_or_bowel_change": True,
                   "sexual_function_change": True, "both_legs_affected": True,
                   "chest_pain_or_breathless": True, "abdominal_pulsing_or_faint": True,
                   "recent_trauma": "major"}
CONTRAINDICATIONS = {"stomach_ulcer_or_bleed": ["otc.oral_nsaid", "otc.oral_nsaid_ask_first",
                                                "otc.topical_nsaid"],
                     "nsaid_allergy": ["otc.oral_nsaid", "otc.oral_nsaid_ask_first",
                                       "otc.topical_nsaid"],
                     "asthma_worse_with_nsaids": ["otc.oral_nsaid", "otc.oral_nsaid_ask_first",
                                                  "otc.topical_nsaid"],
                     "takes_anticoagulant": ["otc.oral_nsaid", "otc.oral_nsaid_ask_first"],
                     "pregnant": ["otc.oral_nsaid", "otc.oral_nsaid_ask_first",
                                  "otc.topical_nsaid"]}
CI_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                       suppress_health_check=[HealthCheck.too_slow])


def value_strategy(question: Question) -> st.SearchStrategy[Any]:
    if question.type == "yes_no":
        return st.booleans()
    if question.type == "integer":
        return st.integers(question.minimum, question.maximum)
    if question.type == "choice":
        return st.sampled_from(question.values)
    plain = [c.value for c in question.choices if not c.exclusive]
    return st.lists(st.sampled_from(plain), unique=True).map(tuple)


BENIGN = default_baseline(RULESET)
BOUNDS = thresholds(RULESET)


def mostly_clear(question: Question) -> st.SearchStrategy[Any]:
    """Like value_strategy, but usually the benign baseline answer (a danger sign one time
    in ten, any other answer one time in three), so that home-care results, where a
    lowered urgency would show, are common."""
    benign = st.just(BENIGN[question.id])
    times = 9 if question.danger_sign else 2
    return st.one_of(*[benign] * times, value_strategy(question))


COMPLETE = st.fixed_dictionaries({q.id: value_strategy(q) for q in RULESET.questions})
CLEAR = st.fixed_dictionaries({q.id: mostly_clear(q) for q in RULESET.questions})
PARTIAL = st.fixed_dictionaries({}, optional={q.id: value_strategy(q) for q in RULESET.questions})


def reference(answers: dict[str, Any]) -> triage.Result:
    """An independent evaluator: plain Python fixed point, stratum by stratum, no experta."""
    rules = RULESET.active_rules
    level = strata(rules)
    findings: set[str] = set()
    fired: set[str] = set()
    for stratum in sorted(set(level.values())):
        layer = [r for r in rules if level[r.id] == stratum]
        changed = True
        while changed:
            changed = False
            for rule in layer:
                when: Condition = rule.when
                if rule.id not in fired and when.holds(answers, findings):
                    fired.add(rule.id)
                    findings.update(rule.then.findings)
                    changed = True
    firing = Firing(tuple(r for r in rules if r.id in fired), frozenset(findings))
    return assemble(RULESET, firing, answers, None, applicable_unanswered(RULESET, answers))


def evaluate(answers: dict[str, Any]) -> triage.Result:
    return ENGINE.evaluate(answers)


@CI_SETTINGS
@given(COMPLETE)
def test_every_complete_answer_set_gives_one_urgency_and_a_plan(answers):
    """Exactly one urgency level and a non-empty plan, never an exception."""
    result = evaluate(answers)
    assert isinstance(result.urgency, triage.Urgency)
    assert result.advice


@CI_SETTINGS
@given(COMPLETE, st.sampled_from(sorted(EMERGENCY_SIGNS)))
def test_any_emergency_danger_sign_gives_emergency(answers, sign):
    """Whatever else is answered, an emergency danger sign gives emergency and the call advice."""
    result = evaluate({**answers, sign: EMERGENCY_SIGNS[sign]})
    assert result.urgency is triage.Urgency.EMERGENCY
    ids = {a.id for a in result.advice}
    assert "emergency.call_now" in ids
    assert not {a.kind for a in result.advice} & {"stretch", "otc", "heat_cold"}


@CI_SETTINGS
@given(COMPLETE, st.sampled_from(sorted(CONTRAINDICATIONS)))
def test_a_contraindication_removes_its_medicines(answers, answer):
    """A contraindication means its medicines are never in the plan."""
    result = evaluate({**answers, answer: True})
    assert not {a.id for a in result.advice} & set(CONTRAINDICATIONS[answer])


@CI_SETTINGS
@given(PARTIAL)
def test_unscreened_danger_signs_give_at_least_a_same_day_check(answers):
    """With any danger sign or required question unanswered, the result is at least urgent
    and holds back every medicine and exercise."""
    result = evaluate(answers)
    if result.unscreened:
        assert result.urgency.rank >= triage.Urgency.URGENT.rank
        assert not {a.kind for a in result.advice} & {"otc", "stretch", "activity", "heat_cold"}


@CI_SETTINGS
@given(PARTIAL)
def test_experta_agrees_with_a_plain_python_evaluator(answers):
    """The compiled experta rules give exactly what a direct reading of the rules gives."""
    assert evaluate(answers).to_dict() == reference(answers).to_dict()


@CI_SETTINGS
@given(CLEAR)
def test_worse_pain_never_lowers_the_urgency(answers):
    """Raising only the pain severity never lowers the urgency, and 8/10 or more is never
    self-care (CLINICAL.md section 0: very bad pain means at least a GP)."""
    levels = [evaluate({**answers, "pain_severity": pain}).urgency for pain in (0, 7, 8, 10)]
    assert [level.rank for level in levels] == sorted(level.rank for level in levels)
    assert triage.Urgency.SELF_CARE not in levels[2:]


OPTIONAL = [q.id for q in RULESET.questions if not q.danger_sign and not q.required]


@pytest.mark.parametrize("qid", OPTIONAL)
@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(CLEAR)
def test_a_blank_optional_answer_never_lowers_the_urgency(qid, answers):
    """Leaving an optional answer blank never gives less than any answer it could have had
    (each choice, yes and no, numbers on both sides of every threshold)."""
    assume(not RULESET.missing_required({**answers, qid: None}))
    blank = evaluate({**answers, qid: None}).urgency
    for value in levels(RULESET.question_map[qid], BOUNDS, BENIGN):
        if value is not None:
            assert evaluate({**answers, qid: value}).urgency.rank <= blank.rank, value
