"""Properties over the answer space (hypothesis, bounded for CI)."""

from __future__ import annotations

from typing import Any

from conftest import RULES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import triage
from triage.conditions import Condition
from triage.engine import assemble
from triage.loader import strata
from triage.model import ADVICE_KINDS, Question

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


COMPLETE = st.fixed_dictionaries({q.id: value_strategy(q) for q in RULESET.questions})
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
    return assemble(RULESET, [r for r in rules if r.id in fired], findings, answers, None,
                    {k: i for i, k in enumerate(ADVICE_KINDS)},
                    {a: i for i, a in enumerate(RULESET.advice)})


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
def test_unscreened_danger_signs_never_give_self_care(answers):
    """With any danger sign unanswered, the result is never self-care."""
    result = evaluate(answers)
    if result.unscreened:
        assert result.urgency is not triage.Urgency.SELF_CARE


@CI_SETTINGS
@given(PARTIAL)
def test_experta_agrees_with_a_plain_python_evaluator(answers):
    """The compiled experta rules give exactly what a direct reading of the rules gives."""
    assert evaluate(answers).to_dict() == reference(answers).to_dict()


@CI_SETTINGS
@given(COMPLETE)
def test_severity_alone_never_escalates(answers):
    """Changing only pain severity never changes the urgency."""
    low = evaluate({**answers, "pain_severity": 0}).urgency
    assert evaluate({**answers, "pain_severity": 10}).urgency is low
