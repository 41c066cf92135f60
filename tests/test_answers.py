"""Answers: the public data dictionary and how answer values are checked."""

from __future__ import annotations

import pickle

import pytest
from conftest import healthy_adult

import triage

DESIGN_IDS = {
    "age", "sex", "pregnant", "saddle_numbness", "bladder_or_bowel_change",
    "sexual_function_change", "leg_weakness", "both_legs_affected", "fever",
    "unexplained_weight_loss", "cancer_history", "night_pain", "recent_trauma", "osteoporosis",
    "long_term_steroids", "immunosuppressed", "iv_drug_use",
    "recent_infection_or_spinal_procedure", "chest_pain_or_breathless",
    "abdominal_pulsing_or_faint", "generally_unwell", "duration_days", "pain_severity",
    "location", "onset", "triggers", "morning_stiffness_minutes", "better_with_movement",
    "leg_pain_below_knee", "leg_numbness_or_tingling", "muscle_spasms", "daily_life_impact",
    "trend", "previous_episodes", "stomach_ulcer_or_bleed", "kidney_disease",
    "heart_disease_or_stroke", "high_blood_pressure", "takes_anticoagulant",
    "asthma_worse_with_nsaids", "nsaid_allergy", "liver_disease",
    # added in rule set 0.2.0 (DESIGN.md: additions, never renames)
    "pregnancy_weeks", "pregnancy_warning_signs", "known_aortic_aneurysm",
    "spine_lump_or_shape_change", "worse_coughing_sneezing_or_pooing", "heart_failure",
    "takes_bleeding_risk_medicine",
}
NEW_DANGER_SIGNS = {"known_aortic_aneurysm", "spine_lump_or_shape_change",
                    "worse_coughing_sneezing_or_pooing"}


def test_questionnaire_has_exactly_the_design_answer_ids(ruleset):
    """Every answer id of DESIGN.md is accepted, with no extra required id."""
    assert {q.id for q in ruleset.questions} == DESIGN_IDS


def test_danger_signs_come_first_after_about_you(ruleset):
    """Danger-sign questions are asked before the symptoms and medicines questions."""
    sections = [q.section for q in ruleset.questions]
    assert sections.index("symptoms") > max(i for i, s in enumerate(sections)
                                            if s == "danger_signs")
    assert len(ruleset.danger_signs) == 21
    assert NEW_DANGER_SIGNS <= set(ruleset.danger_signs)


@pytest.mark.parametrize(("qid", "raw", "typed"), [
    ("fever", "yes", True), ("fever", "No", False), ("fever", True, True),
    ("age", "42", 42), ("age", 42.0, 42), ("age", "42.0", 42), ("age", " 42 ", 42),
    ("leg_weakness", "Worsening", "worsening"),
    ("triggers", "lifting_or_bending;dehydration", ("lifting_or_bending", "dehydration")),
    ("triggers", ["dehydration", "lifting_or_bending"], ("lifting_or_bending", "dehydration")),
])
def test_accepted_spellings(ruleset, qid, raw, typed):
    """yes/no as booleans or words, numbers as text, lists in any order or as a;b."""
    checked = triage.check_answers(ruleset, {**healthy_adult(), qid: raw})
    assert checked.values[qid] == typed


@pytest.mark.parametrize(("qid", "raw", "message"), [
    ("age", 121, "121 is out of range; expected a whole number from 0 to 120"),
    ("age", -1, "out of range"),
    ("age", True, "expected a whole number"),
    ("age", "42.5", "'42.5' is not allowed; expected a whole number"),
    ("age", "9" * 5000, "999999999999... is out of range"),
    ("fever", "maybe", "'maybe' is not allowed; expected yes, no or not_sure"),
    ("recent_trauma", True, "yes (true) is not allowed; expected none, minor, major or not_sure"),
    ("triggers", ["none_known", "dehydration"], "none_known cannot be combined"),
])
def test_rejected_values_name_the_id_and_what_is_allowed(ruleset, qid, raw, message):
    """A wrong value is refused with the id and the allowed values."""
    with pytest.raises(triage.AnswersError) as info:
        triage.check_answers(ruleset, {**healthy_adult(), qid: raw})
    assert f"{qid}: " in str(info.value) and message in str(info.value)


def test_all_problems_are_reported_together(ruleset):
    """Two bad answers give two messages, so nothing has to be fixed twice."""
    with pytest.raises(triage.AnswersError) as info:
        triage.check_answers(ruleset, {**healthy_adult(), "age": "old", "sex": "x"})
    assert len(info.value.problems) == 2


def test_wrong_values_and_missing_danger_signs_are_reported_together(ruleset):
    """One run tells the person everything to fix: the bad value and the missing signs."""
    answers = {**healthy_adult(), "age": "forty"}
    del answers["fever"]
    with pytest.raises(triage.AnswersError) as info:
        triage.check_answers(ruleset, answers)
    assert len(info.value.problems) == 2
    assert "questions needed for safety not answered: fever" in str(info.value.problems[1])


def test_a_misspelt_list_value_gets_a_suggestion(ruleset):
    """`triggers: lifting` suggests the one value that contains it."""
    with pytest.raises(triage.AnswersError, match="did you mean 'lifting_or_bending'"):
        triage.check_answers(ruleset, {**healthy_adult(), "triggers": "lifting"})


def test_an_answers_file_for_rule_set_0_1_is_refused_with_the_new_danger_signs(ruleset):
    """A file written for 0.1.0 (no new danger signs) is refused, naming each of them."""
    old = {k: v for k, v in healthy_adult().items()
           if k not in NEW_DANGER_SIGNS | {"takes_bleeding_risk_medicine"}}
    with pytest.raises(triage.MissingDangerSignsError) as info:
        triage.check_answers(ruleset, old)
    assert set(info.value.missing) == NEW_DANGER_SIGNS


@pytest.mark.parametrize(("blank", "extra", "needed"), [
    ("age", {}, "age"),
    ("location", {}, "location"),
    ("pregnant", {"sex": "female", "age": 30}, "pregnant"),
    ("pregnancy_warning_signs", {"sex": "female", "age": 30, "pregnant": True},
     "pregnancy_warning_signs"),
    ("leg_numbness_or_tingling", {"cancer_history": True}, "leg_numbness_or_tingling"),
])
def test_a_blank_required_answer_is_refused_by_name(ruleset, blank, extra, needed):
    """A question marked required (where it applies) is refused when blank, like a danger
    sign, naming it."""
    answers = {**healthy_adult(), **extra, blank: None}
    with pytest.raises(triage.MissingDangerSignsError) as info:
        triage.check_answers(ruleset, answers)
    assert info.value.missing == [needed]


@pytest.mark.parametrize(("blank", "extra"), [
    ("pregnant", {"sex": "male", "age": 30}),
    ("pregnant", {"sex": "female", "age": 60}),
    ("leg_numbness_or_tingling", {"cancer_history": False}),
    ("duration_days", {}),
])
def test_a_blank_answer_that_is_not_required_there_is_accepted(ruleset, blank, extra):
    """Where a required question does not apply, or a question is optional, a blank is
    accepted (the rules read it as its worst value)."""
    checked = triage.check_answers(ruleset, {**healthy_adult(), **extra, blank: None})
    assert blank not in checked.values


def test_a_null_danger_sign_is_missing_not_no(ruleset):
    """`fever: null` counts as unanswered, never as no."""
    with pytest.raises(triage.MissingDangerSignsError) as info:
        triage.check_answers(ruleset, {**healthy_adult(), "fever": None})
    assert info.value.missing == ["fever"]


def test_library_call_returns_a_picklable_result(adult):
    """`triage.triage(answers)` is the integrators' call; inputs and results pickle."""
    result = triage.triage(adult)
    assert pickle.loads(pickle.dumps(result)) == result
    assert result.urgency is triage.Urgency.SELF_CARE


def test_library_call_names_a_bad_locale_or_missing_mode(adult):
    """triage.triage() refuses an unknown locale or missing mode with a TriageError that
    names the option and what is allowed, not a KeyError or ValueError."""
    with pytest.raises(triage.TriageError, match=r"locale: unknown locale 'xx'; choose from "):
        triage.triage(adult, locale="xx")
    with pytest.raises(triage.TriageError,
                       match=r"missing: 'conservativ' is not one of refuse, conservative "
                             r"\(did you mean 'conservative'\?\)"):
        triage.triage(adult, missing="conservativ")
