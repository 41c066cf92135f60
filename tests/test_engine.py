"""Engine semantics: forward chaining, exclusion always wins, urgency is a maximum."""

from __future__ import annotations

import itertools

import pytest
from conftest import healthy_adult
from rulesets import make_ruleset, rule

import triage
from triage.engine import Engine
from triage.errors import RulesetError


def engine_for(tmp_path, rules_text: str) -> Engine:
    return Engine(triage.load_ruleset(make_ruleset(tmp_path / "rs", rules_text)))


CHAIN = [
    rule("STEP-1", "{fever: true}", "{finding: a}"),
    rule("STEP-2", "{finding: a}", "{finding: b}"),
    rule("STEP-3", "{finding: b}", "{finding: c, urgency: routine}"),
    rule("STEP-4", "{all: [{finding: c}, {age: {'>=': 50}}]}",
         "{recommend: [doctor.gp_routine]}"),
]


def test_findings_chain_several_steps_deep(tmp_path):
    """A finding asserted by one rule is matched by the next, four rules deep."""
    engine = engine_for(tmp_path, "".join(CHAIN))
    result = engine.evaluate({**healthy_adult(), "fever": True, "age": 60})
    # the rule that set the urgency is explained first, then file order
    assert [r.id for r in result.fired_rules] == ["STEP-3", "STEP-1", "STEP-2", "STEP-4"]
    assert result.findings == ("a", "b", "c")
    assert result.urgency is triage.Urgency.ROUTINE
    assert [a.id for a in result.advice] == ["doctor.gp_routine"]


def test_chain_stops_where_a_condition_fails(tmp_path):
    """The last step needs age >= 50, so a 40-year-old gets the findings but no advice."""
    result = engine_for(tmp_path, "".join(CHAIN)).evaluate({"fever": True, "age": 40})
    assert result.findings == ("a", "b", "c") and result.advice == ()


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_exclusion_wins_whatever_the_rule_order(tmp_path, order):
    """An exclusion reached late in a chain still beats an early recommendation."""
    rules = [
        rule("REC", "{fever: true}", "{recommend: [otc.oral_nsaid, heat_cold.heat]}"),
        rule("DEEP", "{fever: true}", "{finding: deep}"),
        rule("EXCL", "{finding: deep}", "{exclude: ['otc.*']}"),
    ]
    result = engine_for(tmp_path, "".join(rules[i] for i in order)).evaluate({"fever": True})
    assert [a.id for a in result.advice] == ["heat_cold.heat"]
    assert [(e.id, e.because) for e in result.excluded] == [("otc.oral_nsaid", "EXCL")]


def test_exclusion_wins_over_a_recommendation_that_fires_later(tmp_path):
    """A recommendation made after the exclusion fired (lower stratum) is still excluded."""
    rules = (rule("EXCL", "{fever: true}", "{exclude: [otc.oral_nsaid], finding: x}")
             + rule("LATE", "{not: {finding: never}}", "{recommend: [otc.oral_nsaid]}")
             + rule("NEVER", "{age: {'>=': 120}}", "{finding: never}"))
    result = engine_for(tmp_path, rules).evaluate({"fever": True, "age": 30})
    assert result.advice == ()
    assert [e.id for e in result.excluded] == ["otc.oral_nsaid"]


def test_urgency_is_the_highest_raised(tmp_path):
    """Routine, emergency and urgent all fire: the result is emergency."""
    rules = (rule("R", "{fever: true}", "{urgency: routine}")
             + rule("E", "{fever: true}", "{urgency: emergency}")
             + rule("U", "{fever: true}", "{urgency: urgent}"))
    assert engine_for(tmp_path, rules).evaluate({"fever": True}).urgency.value == "emergency"


def test_no_rule_fired_means_self_care(tmp_path, adult):
    """With nothing raised (and every danger sign answered), urgency is the lowest level."""
    result = engine_for(tmp_path, rule("R", "{fever: true}", "{urgency: urgent}")).evaluate(adult)
    assert result.urgency is triage.Urgency.SELF_CARE and result.fired_rules == ()


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_not_finding_sees_the_final_findings(tmp_path, order):
    """'not finding X' is judged after every rule that can assert X has run (stratified)."""
    rules = [
        rule("NEG", "{not: {finding: red}}", "{recommend: [stretch.cat_cow]}"),
        rule("MID", "{finding: pre}", "{finding: red}"),
        rule("PRE", "{fever: true}", "{finding: pre}"),
    ]
    engine = engine_for(tmp_path, "".join(rules[i] for i in order))
    assert engine.evaluate({"fever": True}).advice == ()
    assert [a.id for a in engine.evaluate({"fever": False}).advice] == ["stretch.cat_cow"]


def test_a_cycle_through_not_is_refused(tmp_path):
    """A rule that depends on the absence of a finding it helps to assert has no meaning."""
    rules = (rule("A", "{not: {finding: b}}", "{finding: a}")
             + rule("B", "{finding: a}", "{finding: b}"))
    with pytest.raises(RulesetError, match="cycle"):
        engine_for(tmp_path, rules)


def test_any_all_not_and_operators(tmp_path):
    """in, between, <=, >=, is on a list answer, and unanswered all behave as documented."""
    rules = (rule("IN", "{recent_trauma: {in: [minor, major]}}", "{finding: trauma}")
             + rule("BETWEEN", "{duration_days: {between: [42, 84]}}", "{finding: subacute}")
             + rule("LE", "{age: {'<=': 15}}", "{finding: child}")
             + rule("LIST", "{triggers: dehydration}", "{finding: dry}")
             + rule("MISSING", "{unanswered: fever}", "{finding: fever_unknown}")
             + rule("NOTMISSING", "{not: {unanswered: age}}", "{finding: age_known}"))
    engine = engine_for(tmp_path, rules)
    result = engine.evaluate({"recent_trauma": "minor", "duration_days": 42, "age": 15,
                              "triggers": ("dehydration", "lifting_or_bending")})
    assert result.findings == ("age_known", "child", "dry", "fever_unknown", "subacute",
                               "trauma")
    result = engine.evaluate({"recent_trauma": "none", "duration_days": 85, "age": 16,
                              "triggers": (), "fever": False})
    assert result.findings == ("age_known",)


def test_draft_and_retired_rules_do_not_fire(tmp_path):
    """Only active rules are compiled into the engine."""
    rules = (rule("D", "{fever: true}", "{urgency: urgent}", status="draft")
             + rule("X", "{fever: true}", "{urgency: emergency}", status="retired"))
    assert engine_for(tmp_path, rules).evaluate({"fever": True}).fired_rules == ()


def test_unscreened_danger_signs_never_give_self_care(tmp_path, adult):
    """With no rule about it, the engine still lifts the urgency to a same-day check when
    a danger sign or required question is unscreened (a backstop for RT-UNSCREENED)."""
    engine = engine_for(tmp_path, rule("N", "{fever: true}", "{finding: f}"))
    assert engine.evaluate(adult).urgency is triage.Urgency.SELF_CARE
    result = engine.evaluate({**adult, "fever": None})
    assert result.urgency is triage.Urgency.URGENT and result.unscreened == ("fever",)
    result = engine.evaluate({**adult, "age": None})
    assert result.urgency is triage.Urgency.URGENT and result.unscreened == ("age",)


def test_questions_that_apply_but_were_not_answered_are_listed(shipped, adult):
    """A missing optional answer is reported; one that does not apply is not; a required
    one is unscreened, not "not answered"."""
    result = shipped.evaluate({**adult, "onset": None})
    assert result.not_answered == ("onset",)
    female = shipped.evaluate({**adult, "sex": "female"})
    assert female.not_answered == () and female.unscreened == ("pregnant",)
    pregnant = shipped.evaluate({**adult, "sex": "female", "pregnant": True})
    assert pregnant.not_answered == ("pregnancy_weeks",)
    assert pregnant.unscreened == ("pregnancy_warning_signs",)


def test_the_engine_is_reusable_between_answer_sets(shipped, adult):
    """One compiled engine gives the same answer for the same input before and after others."""
    first = shipped.evaluate(adult).to_dict()
    shipped.evaluate({**adult, "saddle_numbness": True})
    assert shipped.evaluate(adult).to_dict() == first


def test_one_engine_can_be_shared_by_threads(shipped, adult):
    """Concurrent calls on one compiled engine give the same results as one at a time."""
    from concurrent.futures import ThreadPoolExecutor

    inputs = [{**adult, "saddle_numbness": i % 3 == 0, "fever": i % 3 == 1} for i in range(60)]
    expected = [shipped.evaluate(a).to_dict() for a in inputs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(lambda a: shipped.evaluate(a).to_dict(), inputs)) == expected
