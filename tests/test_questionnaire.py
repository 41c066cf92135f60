"""The questionnaire flow, through the library: which question comes next, and when it ends."""

from __future__ import annotations

from typing import Any

import pytest
from asking import person

from triage import questionnaire as flow
from triage.language.model import Urgency
from triage.pipeline import triage_answers
from triage.questionnaire import relevance

MEDICINES = ("stomach_ulcer_or_bleed", "kidney_disease", "heart_disease_or_stroke",
             "high_blood_pressure", "takes_anticoagulant", "takes_bleeding_risk_medicine",
             "asthma_worse_with_nsaids", "nsaid_allergy", "liver_disease")
RECURRENT_70 = {"age": 70, "previous_episodes": True, "onset": "gradual",
                "triggers": ("prolonged_sitting_or_posture",)}  # no fracture alert at 70


def walk(engine, source: dict[str, Any], start: dict[str, Any] | None = None) -> list[str]:
    """Answer every question the flow asks from ``source``; return the ids in asking order."""
    answers: dict[str, Any] = dict(start or {})
    asked = []
    while (question := flow.next_question(engine, answers)) is not None:
        asked.append(question.id)
        answers[question.id] = source[question.id]
    return asked


def test_danger_signs_are_asked_first_in_questionnaire_order(shipped, ruleset):
    """The first questions are every danger sign, in the order of questionnaire.yaml."""
    asked = walk(shipped, person())
    assert asked[:len(ruleset.danger_signs)] == list(ruleset.danger_signs)


def test_the_first_question_is_saddle_numbness(shipped):
    """With no answers yet, the cauda equina sign comes first."""
    assert flow.next_question(shipped, {}).id == "saddle_numbness"


@pytest.mark.parametrize(("changes", "asked"), [
    ({"sex": "female", "age": 30, "pregnant": False}, True),
    ({"sex": "other", "age": 30, "pregnant": False}, True),
    ({"sex": "male", "age": 30}, False),
    ({"sex": "female", "age": 56}, False),
])
def test_pregnancy_is_asked_only_where_it_can_apply(shipped, changes, asked):
    """Women and 'other' aged 12-55 are asked about pregnancy; men and over-55s are not."""
    assert ("pregnant" in walk(shipped, person(**changes))) is asked


@pytest.mark.parametrize("changes", [
    {},                                                   # a healthy adult at home
    RECURRENT_70,                                         # tablets need a check anyway
    {"stomach_ulcer_or_bleed": True},                     # no NSAIDs, the rest still asked
    {"sex": "female", "age": 30, "pregnant": True},       # paracetamol remains
])
def test_every_medicines_question_is_asked_when_otc_advice_is_on_the_table(shipped, changes):
    """With over-the-counter advice in the plan, all nine medicines questions are asked."""
    assert set(MEDICINES) <= set(walk(shipped, person(**changes)))


@pytest.mark.parametrize("changes", [
    {"fever": True},                                      # same-day sign: no home medicines
    {"age": 70, "fever": True},
    {"age": 15},                                          # under 16: no home-care plan
])
def test_medicines_questions_are_skipped_when_otc_advice_is_off_the_table(shipped, changes):
    """No medicines safety questions when no over-the-counter medicine could be advised."""
    assert not set(MEDICINES) & set(walk(shipped, person(**changes)))


def test_at_70_no_medicine_is_held_back_for_an_unanswered_question(shipped):
    """At 70, the plan's hold-back reasons are answers given, never "not answered"."""
    source = person(**RECURRENT_70)
    answers = {qid: source[qid] for qid in walk(shipped, source)}
    result = triage_answers(shipped, answers, missing="conservative")
    assert not [item for item in result.excluded if "not answered" in item.reason]
    assert "MED-CAUTION-AGE-65" in {item.because for item in result.excluded}


def test_an_emergency_sign_at_70_asks_no_medicines_question(shipped):
    """Saddle numbness at 70: the flow stops at once, no medicines safety question."""
    assert walk(shipped, person(age=70, saddle_numbness=True)) == ["saddle_numbness"]


def test_leg_numbness_is_asked_where_a_rule_reads_it(shipped):
    """With a cancer history leg numbness can mean an emergency (it is required then); with
    a home plan it decides the numb-skin warning; with a same-day sign neither applies."""
    assert "leg_numbness_or_tingling" in walk(shipped, person(cancer_history=True))
    assert "leg_numbness_or_tingling" in walk(shipped, person())
    assert "leg_numbness_or_tingling" not in walk(shipped, person(fever=True))


@pytest.mark.parametrize(("changes", "question"), [
    ({"sex": "female", "age": 30, "pregnant": True}, "pregnancy_warning_signs"),
    ({"sex": "female", "age": 30, "pregnant": True}, "pregnancy_weeks"),
    ({"heart_disease_or_stroke": True}, "heart_failure"),
])
def test_follow_up_questions_are_asked_where_they_apply(shipped, changes, question):
    """Pregnancy weeks and warning signs when pregnant; heart failure with heart disease."""
    assert question in walk(shipped, person(**changes))
    assert question not in walk(shipped, person())


def test_an_emergency_answer_ends_the_questionnaire_at_once(shipped):
    """'Yes' to saddle numbness: no more questions, and the result is an emergency."""
    answers = {"saddle_numbness": True}
    assert flow.next_question(shipped, answers) is None
    assert flow.is_emergency(shipped, answers)
    assert triage_answers(shipped, answers, missing="conservative").urgency is Urgency.EMERGENCY


def test_an_emergency_from_a_later_answer_ends_it_too(shipped):
    """Cancer history, then leg pain below the knee: possible cord compression, flow ends."""
    asked = walk(shipped, person(cancer_history=True, leg_pain_below_knee=True))
    assert asked[-1] == "leg_pain_below_knee"


def test_missing_answers_are_never_an_emergency_nor_self_care(shipped):
    """No answers: not an emergency yet, and the result so far is not self-care."""
    assert not flow.is_emergency(shipped, {})
    assert triage_answers(shipped, {}, missing="conservative").urgency is not Urgency.SELF_CARE


@pytest.mark.parametrize("changes", [
    {}, {"fever": True}, {"age": 70}, RECURRENT_70, {"stomach_ulcer_or_bleed": True},
    {"heart_disease_or_stroke": True}, {"duration_days": 50, "trend": "improving"},
    {"sex": "female", "age": 30, "pregnant": True, "pregnancy_weeks": 14},
    {"sex": "female", "age": 30, "pregnant": True}, {"cancer_history": True},
    {"duration_days": 120, "age": 30, "morning_stiffness_minutes": 45},
])
def test_skipped_questions_never_change_the_plan(shipped, changes):
    """The plan from the questions asked equals the plan from every answer given."""
    source = person(**changes)
    asked = walk(shipped, source)
    partial = triage_answers(shipped, {qid: source[qid] for qid in asked}, missing="conservative")
    full = shipped.evaluate(source)
    assert (partial.urgency, partial.advice) == (full.urgency, full.advice)


def test_a_completed_questionnaire_has_nothing_left_unanswered(shipped):
    """Questions skipped because they cannot change the plan are not reported missing."""
    source = person()
    answers = {qid: source[qid] for qid in walk(shipped, source)}
    assert triage_answers(shipped, answers, missing="conservative").not_answered == ()


def test_the_next_question_is_a_pure_function_of_the_answers(shipped):
    """Same answers, same next question; the answers are not changed."""
    answers = {"saddle_numbness": False, "bladder_or_bowel_change": False}
    before = dict(answers)
    first = flow.next_question(shipped, answers)
    assert flow.next_question(shipped, dict(answers)) == first
    assert answers == before and first.id == "sexual_function_change"


def test_resumed_answers_are_not_asked_again(shipped, ruleset):
    """With the first five danger signs saved, the sixth comes next."""
    saved = dict.fromkeys(ruleset.danger_signs[:5], False) | {"leg_weakness": "none"}
    assert flow.next_question(shipped, saved).id == ruleset.danger_signs[5]


def test_back_removes_the_last_answer_in_asking_order(ruleset):
    """'Back' undoes the latest question of the flow, which is then asked again."""
    answers = {"age": 38, "saddle_numbness": False, "bladder_or_bowel_change": True}
    remaining, undone = flow.back(ruleset, answers)
    assert undone == "age" and remaining == {"saddle_numbness": False,
                                             "bladder_or_bowel_change": True}
    assert flow.back(ruleset, {}) == ({}, None)


def test_changing_sex_to_male_drops_the_pregnancy_answer(ruleset):
    """An answer to a question that no longer applies is dropped."""
    answers = {"age": 30, "sex": "male", "pregnant": True, "fever": False}
    assert flow.pruned(ruleset, answers) == {"age": 30, "sex": "male", "fever": False}


def test_summary_rows_show_answers_as_a_person_reads_them(ruleset):
    """Labels for choices, units for numbers, yes/no for yes/no; in asking order."""
    rows = flow.summary_rows(ruleset, {"age": 38, "fever": False, "leg_weakness": "none",
                                       "triggers": ("lifting_or_bending",)})
    assert [(n, qid, shown) for n, qid, _, shown in rows] == [
        (1, "leg_weakness", "No, my legs are not weak"), (2, "fever", "no"),
        (3, "age", "38 years"), (4, "triggers", "Lifting, bending or twisting")]


def test_a_question_number_is_its_summary_row(ruleset):
    """An answered question keeps its summary row number; the next one follows those before it."""
    answers = {"age": 38, "fever": False, "leg_weakness": "none"}
    questions = ruleset.question_map
    rows = {qid: n for n, qid, _, _ in flow.summary_rows(ruleset, answers)}
    assert all(flow.number(ruleset, answers, questions[qid]) == n for qid, n in rows.items())
    assert flow.number(ruleset, answers, questions["saddle_numbness"]) == 1


def test_deciding_relevance_without_the_engine_decides_as_the_engine_does(shipped,
                                                                          monkeypatch):
    """Whatever the rules: the questions left 'not answered' and those `ask` would ask
    next are the same when every relevance question is put to the engine (the shortcut
    told to know nothing) as when most are settled from the run on the answers given."""
    import itertools
    import random

    from triage.clinician.sampling import random_answers

    optional = [q.id for q in shipped.ruleset.questions if not q.danger_sign]
    rng = random.Random(29)
    sets = []
    for answers in itertools.islice(random_answers(shipped.ruleset, seed=29), 150):
        for qid in rng.sample(optional, rng.randint(1, len(optional))):
            del answers[qid]
        sets.append(answers)

    people = list(itertools.islice(random_answers(shipped.ruleset, seed=31), 80))

    def decisions() -> list[tuple]:
        found: list[tuple] = [
            triage_answers(shipped, answers, missing="conservative").not_answered
            for answers in sets]
        for person_answers in people:  # each question `ask` asks, in order
            answers: dict[str, Any] = {}
            while (question := flow.next_question(shipped, answers)) is not None:
                answers[question.id] = person_answers[question.id]
            found.append(tuple(answers))
        return found

    quick = decisions()
    monkeypatch.setattr(relevance, "_certainly",
                        lambda engine, variants, filled, given: ([], list(engine.rules)))
    assert decisions() == quick
