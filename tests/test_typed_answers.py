"""Answers people type: units, fractions, single letters, "no" and commas (issue 12).

Files, batch rows and the keyboard read them alike (values.coerce); a danger sign's
answer stays strict: yes, no or not_sure exactly, no single letters, no prefixes.
"""

from __future__ import annotations

import itertools

import pytest
from conftest import RULES, healthy_adult

import triage
from triage.questionnaire.keyboard import parse


def _checked(ruleset, qid, raw):
    extra = {"pregnant": False} if qid == "sex" else {}  # asked of women 12 to 55
    return triage.check_answers(ruleset, {**healthy_adult(), **extra, qid: raw}).values[qid]


def _refused(ruleset, qid, raw) -> str:
    with pytest.raises(triage.AnswersError) as info:
        triage.check_answers(ruleset, {**healthy_adult(), qid: raw})
    assert f"{qid}: " in str(info.value)
    return str(info.value)


@pytest.mark.parametrize(("raw", "days"), [
    ("3 days", 3), ("1 day", 1), ("3days", 3), ("3 d", 3), ("2 weeks", 14), ("1 week", 7),
    ("2 wk", 14), ("2 wks", 14), ("1 month", 30), ("3 months", 90), ("today", 0),
    ("Yesterday", 1), (" 3  Days ", 3), ("03 days", 3), ("14", 14), ("010", 10),
])
def test_a_duration_is_read_with_its_unit(ruleset, raw, days):
    """A number of days takes days, weeks, months (30 days), today and yesterday."""
    assert _checked(ruleset, "duration_days", raw) == days


@pytest.mark.parametrize("raw", ["3 m", "3 fortnights", "2 years", "last week", "3 w",
                                 "a week", "3 days ago", "-1 days"])
def test_a_duration_in_another_form_is_refused_naming_the_forms(ruleset, raw):
    """Anything else is refused, naming the answer id and the forms accepted."""
    message = _refused(ruleset, "duration_days", raw)
    assert "whole number" in message and '"2 weeks"' in message or "out of range" in message


@pytest.mark.parametrize(("raw", "score"), [
    ("4/10", 4), ("4 / 10", 4), ("4 out of 10", 4), ("10/10", 10), ("0/10", 0), ("7", 7),
])
def test_a_severity_is_read_out_of_10(ruleset, raw, score):
    """Pain from 0 to 10 takes "4/10" and "4 out of 10"."""
    assert _checked(ruleset, "pain_severity", raw) == score


@pytest.mark.parametrize("raw", ["4/5", "4 out of 5", "11/10", "4/100", "four", "4 days"])
def test_a_severity_not_out_of_10_is_refused(ruleset, raw):
    """"4/5" is not out of 10: refused, not rescaled."""
    message = _refused(ruleset, "pain_severity", raw)
    assert "out of 10" in message or "out of range" in message


@pytest.mark.parametrize(("qid", "raw", "typed"), [
    ("age", "38 years", 38), ("morning_stiffness_minutes", "30 minutes", 30),
    ("morning_stiffness_minutes", "1 minute", 1),
])
def test_a_number_is_read_with_its_own_unit(ruleset, qid, raw, typed):
    """A number may carry the question's own unit."""
    assert _checked(ruleset, qid, raw) == typed


@pytest.mark.parametrize(("qid", "raw"), [("age", "38 days"),
                                          ("morning_stiffness_minutes", "1 hour")])
def test_a_number_in_another_unit_is_refused(ruleset, qid, raw):
    """Only a number of days converts between units."""
    assert "not allowed" in _refused(ruleset, qid, raw)


@pytest.mark.parametrize(("qid", "raw", "typed"), [
    ("sex", "m", "male"), ("sex", "F", "female"), ("sex", "o", "other"),
    ("location", "u", "upper"), ("onset", "g", "gradual"), ("trend", "w", "worse"),
    ("daily_life_impact", "n", "none"),
])
def test_a_single_letter_reads_as_the_one_choice_it_begins(ruleset, qid, raw, typed):
    """One letter that begins exactly one choice is that choice."""
    assert _checked(ruleset, qid, raw) == typed
    assert parse(ruleset.question_map[qid], raw) == typed


@pytest.mark.parametrize(("qid", "raw"), [
    ("daily_life_impact", "s"),  # some or severe
    ("sex", "x"), ("leg_weakness", "n"), ("leg_weakness", "s"), ("recent_trauma", "m"),
    ("recent_trauma", "n"), ("fever", "maybe"),
])
def test_an_ambiguous_letter_or_a_danger_sign_letter_is_refused(ruleset, qid, raw):
    """A letter that begins two choices, or any letter for a danger-sign choice, is
    refused."""
    assert "not allowed" in _refused(ruleset, qid, raw)


@pytest.mark.parametrize(("qid", "raw"), [
    ("recent_trauma", "no"), ("recent_trauma", "No"), ("recent_trauma", False),
    ("leg_weakness", "no"), ("leg_weakness", False), ("daily_life_impact", "no"),
])
def test_no_reads_as_the_choice_worded_no(ruleset, qid, raw):
    """"no" (or YAML's bare no) is the choice worded "No, ..." or valued none."""
    assert _checked(ruleset, qid, raw) == "none"


@pytest.mark.parametrize(("qid", "raw"), [("recent_trauma", "no")])
def test_no_at_the_keyboard_reads_as_the_choice_worded_no(ruleset, qid, raw):
    """The keyboard reads "no" as files do."""
    assert parse(ruleset.question_map[qid], raw) == "none"


@pytest.mark.parametrize(("qid", "raw"), [
    ("recent_trauma", "yes"), ("recent_trauma", True), ("leg_weakness", "yes"),
    ("leg_weakness", True), ("sex", "no"), ("location", "no"), ("onset", False),
    ("recent_trauma", "nope"), ("recent_trauma", "n"),
])
def test_yes_or_no_where_it_chooses_nothing_is_refused(ruleset, qid, raw):
    """"yes" never picks among the yes choices; "no" only where a choice reads so."""
    assert "not allowed" in _refused(ruleset, qid, raw)


@pytest.mark.parametrize("raw", ["y", "n", "true", "yes", "No", "not_sure", "Not sure"])
def test_a_danger_sign_keeps_its_exact_words(ruleset, raw):
    """A danger sign takes yes, no and not_sure (y, n, true, false as before)."""
    assert _checked(ruleset, "fever", raw) in (True, False, "not_sure")


@pytest.mark.parametrize("raw", ["ye", "nah", "unsure", "don't know", "not", "maybe"])
def test_a_danger_sign_is_never_guessed(ruleset, raw):
    """No prefix, near miss or keyboard word for "not sure" in a file."""
    assert "expected yes, no or not_sure" in _refused(ruleset, "fever", raw)


@pytest.mark.parametrize(("raw", "typed"), [
    ("lifting_or_bending, dehydration", ("lifting_or_bending", "dehydration")),
    ("dehydration,lifting_or_bending", ("lifting_or_bending", "dehydration")),
    ("dehydration; lifting_or_bending,", ("lifting_or_bending", "dehydration")),
])
def test_a_list_takes_commas(ruleset, raw, typed):
    """A list in one string takes commas as well as semicolons."""
    assert _checked(ruleset, "triggers", raw) == typed


def test_a_list_with_a_wrong_item_names_the_id(ruleset):
    """A wrong item in a comma list is refused by the answer id."""
    assert "lifting" in _refused(ruleset, "triggers", "lifting, posture")


def test_rule_conditions_stay_exact(ruleset):
    """Rule conditions are read strictly: "m" is not male in a rule."""
    from triage.language.values import ValueProblem, coerce
    with pytest.raises(ValueProblem):
        coerce(ruleset.question_map["sex"], "m", lenient=False)
    with pytest.raises(ValueProblem):
        coerce(ruleset.question_map["duration_days"], "3 days", lenient=False)


def _outcome(answers):
    result = triage.triage(answers, rules=RULES)
    return result.urgency, [rule.id for rule in result.fired_rules], result.advice


@pytest.mark.parametrize("seed", range(3))
def test_other_trigger_reads_as_no_known_trigger(seed):
    """"Something else" alone gives what "None that I know of" gives: the same urgency,
    rules and advice, so it never switches off a danger-sign rule (such as sudden severe
    pain with no known cause) nor brings in reassurance."""
    from triage.clinician.sampling import random_answers
    ruleset = triage.ruleset(RULES)
    for answers in itertools.islice(random_answers(ruleset, seed), 150):
        answers = dict(answers)
        alone = _outcome({**answers, "triggers": ["none_known"]})
        assert _outcome({**answers, "triggers": ["other"]}) == alone


def test_other_with_a_listed_trigger_reads_as_that_trigger():
    """"Something else" beside a listed trigger adds nothing to the rules."""
    answers = {**healthy_adult(), "onset": "sudden", "pain_severity": 9, "age": 64}
    assert (_outcome({**answers, "triggers": ["lifting_or_bending", "other"]})
            == _outcome({**answers, "triggers": ["lifting_or_bending"]}))


def test_sudden_severe_pain_with_something_else_is_urgent():
    """The danger-sign rule for sudden severe pain with no known cause holds for "other"."""
    answers = {**healthy_adult(), "onset": "sudden", "pain_severity": 9, "age": 64,
               "triggers": "other"}
    urgency, fired, _ = _outcome(answers)
    assert "RF-SUDDEN-SEVERE-UNEXPLAINED" in fired and urgency == "urgent"
