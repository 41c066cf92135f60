"""Screens: related yes/no questions shown together, progress, and no danger sign skipped."""

from __future__ import annotations

import itertools
import random

import pytest
from rulesets import make_ruleset, rule

import triage
from triage import questionnaire as flow
from triage.clinician.sampling import random_answers
from triage.errors import RulesetError
from triage.language.questions import NOT_SURE
from triage.pipeline import triage_answers
from triage.questionnaire.keyboard import GroupProblem, group_answers

PEOPLE = 120  # seeded people walked through the flow (bounded: the machine is shared)


def problems_after(tmp_path, old: str, new: str) -> list[str]:
    """Problems of a small rule set whose questionnaire has one edit."""
    folder = make_ruleset(tmp_path / "rs", rule("R1", "{fever: true}", "{urgency: urgent}"))
    path = folder / "questionnaire.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, "the edit no longer applies"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        triage.load_ruleset(folder)
    return [str(problem) for problem in info.value.problems]


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  - id: both_legs_affected\n    section: danger_signs\n    screen: cauda_equina\n",
     "  - id: both_legs_affected\n    section: danger_signs\n    screen: heart_and_vessels\n",
     "screen 'heart_and_vessels': its questions must be next to each other in the file"),
    ("  - id: leg_weakness\n    section: danger_signs\n",
     "  - id: leg_weakness\n    section: danger_signs\n    screen: spine_and_bones\n",
     "question leg_weakness: only yes/no questions share a screen"),
    ("  - id: muscle_spasms\n    section: symptoms\n    screen: back_and_legs\n",
     "  - id: muscle_spasms\n    section: symptoms\n    screen: spasms\n",
     "screen 'spasms' has only question muscle_spasms"),
    ("  - id: muscle_spasms\n    section: symptoms\n    screen: back_and_legs\n",
     "  - id: muscle_spasms\n    section: symptoms\n    screen: Back Legs\n",
     "screen must be a name like cauda_equina"),
])
def test_rules_check_refuses_a_screen_that_cannot_be_answered_on_one_line(
        tmp_path, old, new, message):
    """A screen is two or more yes/no questions next to each other, named in lower case."""
    assert any(message in problem for problem in problems_after(tmp_path, old, new))


def test_a_screen_mixing_danger_signs_and_other_questions_is_refused(tmp_path):
    """A danger sign never shares a screen with a question that is not one."""
    problems = problems_after(
        tmp_path, "  - id: pregnancy_warning_signs\n    section: about_you\n",
        "  - id: pregnancy_warning_signs\n    section: about_you\n    screen: cauda_equina\n")
    assert any("screen 'cauda_equina': its questions must be of one section, and all danger "
               "signs or none" in problem for problem in problems)


def test_the_danger_signs_come_in_screens_and_every_one_is_on_a_screen(shipped):
    """With every answer "no", the danger signs are the first screens, each asked once."""
    answers: dict = {}
    shown: list[str] = []
    while (screen := flow.next_screen(shipped, answers)) is not None \
            and screen.questions[0].danger_sign:
        shown.extend(q.id for q in screen.questions)
        answers.update({q.id: shipped.ruleset.benign[q.id] for q in screen.questions})
    assert shown == list(shipped.ruleset.danger_signs)


def walk(engine, person: dict, progress: bool = False
         ) -> tuple[dict, list[flow.Screen], list[tuple[int, int]]]:
    """The answers given, the screens shown and (if asked) the progress shown."""
    answers: dict = {}
    screens, steps = [], []
    while (screen := flow.next_screen(engine, answers)) is not None:
        if progress:
            steps.append(flow.progress(engine, answers))
        screens.append(screen)
        answers = flow.pruned(engine.ruleset,
                              {**answers, **{q.id: person[q.id] for q in screen.questions}})
    return answers, screens, steps


def people(ruleset, count: int):
    """Seeded people: random complete answers, some danger signs "no" more often (so most
    walks go past the danger signs) and some "not sure"."""
    rng = random.Random(12)
    for person in itertools.islice(random_answers(ruleset, seed=12), count):
        for qid in ruleset.danger_signs:
            roll = rng.random()
            if roll < 0.85:
                person[qid] = ruleset.benign[qid]
            elif roll < 0.9:
                person[qid] = NOT_SURE
        yield person


def test_no_danger_sign_is_ever_skipped_and_the_result_is_what_triage_run_gives(shipped):
    """Seeded people walked screen by screen: every danger sign is answered on a screen
    unless an emergency ended it first; the walk's answers are complete for `triage run`
    (nothing refused) and give the same result as the questionnaire's own."""
    ruleset = shipped.ruleset
    for person in people(ruleset, PEOPLE):
        answers, screens, _ = walk(shipped, person)
        result = triage_answers(shipped, answers, missing="conservative")
        if result.urgency.value != "emergency":
            assert all(qid in answers for qid in ruleset.danger_signs), person
            assert triage_answers(shipped, answers) == result  # run refuses nothing
        else:  # it ended right after the screen with the emergency answer
            before = {q.id: person[q.id] for screen in screens[:-1] for q in screen.questions}
            assert not flow.is_emergency(shipped, before)


def test_the_screens_ask_every_question_the_one_at_a_time_flow_asks(shipped):
    """Showing a screen's questions together never leaves out a question the flow would
    ask one at a time: each walk's answers leave no relevant question blank."""
    for person in people(shipped.ruleset, 20):
        answers, _, _ = walk(shipped, person)
        assert flow.next_question(shipped, answers) is None


def test_progress_counts_up_one_screen_at_a_time_and_is_never_below_it(shipped):
    """'Step N of about M': N goes 1, 2, 3...; M is at least N."""
    for person in people(shipped.ruleset, 10):
        _, screens, steps = walk(shipped, person, progress=True)
        assert [number for number, _ in steps] == list(range(1, len(screens) + 1))
        assert all(about >= 1 for _, about in steps)


@pytest.mark.parametrize(("typed", "values"), [
    ("n n n n", [False, False, False, False]),
    ("y, n, ns, no", [True, False, NOT_SURE, False]),
    ("no yes not sure n", [False, True, NOT_SURE, False]),
    ("N  Y  don't know  N", [False, True, NOT_SURE, False]),
])
def test_a_line_of_answers_is_one_answer_per_danger_sign(shipped, typed, values):
    """Each danger sign on a screen gets its own yes, no or not sure, in order."""
    screen = flow.next_screen(shipped, {})
    assert group_answers(screen.questions, typed) == values


@pytest.mark.parametrize("typed", ["n n n", "n n n n n", "0", "none", "n n n maybe", "n n n x"])
def test_a_line_that_does_not_answer_each_danger_sign_is_refused(shipped, typed):
    """Too few or too many answers, 'none of these', or a word that is not an answer."""
    screen = flow.next_screen(shipped, {})
    with pytest.raises(GroupProblem):
        group_answers(screen.questions, typed)


def test_none_of_these_answers_every_medicines_question_no(shipped):
    """On a screen without danger signs, 0 or none answers each question no."""
    medicines = tuple(q for q in shipped.ruleset.questions if q.screen == "medicines")
    assert group_answers(medicines, "0") == [False] * len(medicines)
    assert group_answers(medicines, "none of these") == [False] * len(medicines)
    with pytest.raises(GroupProblem):
        group_answers(medicines, "ns " + "n " * (len(medicines) - 1))  # no not sure here
