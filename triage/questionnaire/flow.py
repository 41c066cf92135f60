"""The questionnaire flow: which question comes next is a pure function of the answers.

The terminal prompt (``triage ask``), an answers file and the tests all go through
these functions, so they share one flow:

* danger signs first (in questionnaire order), then the other questions in order;
* a question is asked only where it applies and where its answer can change the plan
  (see :mod:`triage.questionnaire.relevance`);
* an answer that makes the result an emergency ends the questionnaire at once;
* questions that share a ``screen`` (in the questionnaire file) are shown together: the
  next screen is the next question with the other questions of its screen still to be
  asked; an emergency answer on a screen ends the questionnaire right after it;
* progress is an estimate: the screens answered, plus the screens of the questions still
  relevant to the answers so far (branches change it, so it is "about").

Answers here are typed values, as :func:`triage.language.values.coerce` returns them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from triage.engine import Engine
from triage.language.model import Ruleset
from triage.language.questions import NOT_SURE, Question, amount
from triage.records import record

from .relevance import applies, is_emergency, relevant


def flow_order(ruleset: Ruleset) -> tuple[Question, ...]:
    """Every question in asking order: danger signs first, then the rest, each in file order."""
    return (tuple(q for q in ruleset.questions if q.danger_sign)
            + tuple(q for q in ruleset.questions if not q.danger_sign))



def next_question(engine: Engine, answers: Mapping[str, Any]) -> Question | None:
    """The next question to ask, or None when the questionnaire is over (done or emergency)."""
    if is_emergency(engine, answers):
        return None
    for question in flow_order(engine.ruleset):
        if answers.get(question.id) is None and relevant(engine, question, answers):
            return question
    return None


@record
class Screen:
    """What is shown before one Enter: one question, or the yes/no questions of a screen
    still to be asked (each answered on its own: yes, no, or not sure for a danger sign)."""

    questions: tuple[Question, ...]

    @property
    def grouped(self) -> bool:
        return len(self.questions) > 1


def screen_key(question: Question) -> str:
    """The screen a question is shown on: its ``screen``, or itself alone."""
    return question.screen or f"question:{question.id}"


def next_screen(engine: Engine, answers: Mapping[str, Any]) -> Screen | None:
    """The next screen to show, or None when the questionnaire is over (done or
    emergency). It opens with :func:`next_question`, so no question is skipped that the
    flow would ask one at a time; the others of its screen are those still unanswered and
    relevant to the answers so far (a danger sign always is)."""
    first = next_question(engine, answers)
    if first is None or not first.screen:
        return None if first is None else Screen((first,))
    return Screen(tuple(q for q in flow_order(engine.ruleset)
                        if q.screen == first.screen and answers.get(q.id) is None
                        and (q is first or relevant(engine, q, answers))))


def progress(engine: Engine, answers: Mapping[str, Any]) -> tuple[int, int]:
    """(the number of the screen to show next, about how many screens in all): the screens
    answered so far, plus the screens of the questions still unanswered and relevant to
    the answers so far. An estimate: answers to come can add or remove questions."""
    ruleset = engine.ruleset
    done = {screen_key(q) for q in answered(ruleset, answers)}
    to_come = {screen_key(q) for q in flow_order(ruleset)
               if answers.get(q.id) is None and screen_key(q) not in done
               and relevant(engine, q, answers)}
    return len(done) + 1, len(done) + max(len(to_come), 1)


SECTION_NAMES = {"about_you": "about you", "danger_signs": "danger signs",
                 "symptoms": "your back", "medicines": "medicines safety"}


def section_name(question: Question) -> str:
    """The question's section as a person reads it ("danger signs")."""
    return SECTION_NAMES.get(question.section, question.section)


def step_heading(step: tuple[int, int]) -> str:
    """Progress as a person reads it: "Step 5 of about 18" (an estimate: answers to come
    can add or remove questions); ``step`` is what :func:`progress` gives."""
    number, about = step
    return f"Step {number} of about {max(about, number)}"


def group_heading(questions: Sequence[Question]) -> str:
    """What is said above a screen of several questions (``triage ask`` and the form)."""
    count = len(questions)
    if questions[0].danger_sign:
        return f"Please answer each of these {count} questions: yes, no or not sure"
    if questions[0].section == "medicines":
        return f"Do any of these apply to you? Please answer each of these {count}: yes or no"
    return f"Please answer each of these {count} questions: yes or no"


def answered(ruleset: Ruleset, answers: Mapping[str, Any]) -> tuple[Question, ...]:
    """The answered questions in asking order: the summary rows, and what "back" undoes."""
    return tuple(q for q in flow_order(ruleset) if answers.get(q.id) is not None)


def number(ruleset: Ruleset, answers: Mapping[str, Any], question: Question) -> int:
    """The question's number as shown to a person: its row in the summary once answered
    (1 + the answered questions before it in asking order)."""
    order = flow_order(ruleset)
    before = order[:order.index(question)]
    return 1 + sum(1 for q in before if answers.get(q.id) is not None)


def back(ruleset: Ruleset, answers: Mapping[str, Any]) -> tuple[dict[str, Any], str | None]:
    """The answers without the last answered screen (in asking order: the last answered
    question and the others of its screen), and the last question's id."""
    done = answered(ruleset, answers)
    if not done:
        return dict(answers), None
    last = done[-1]
    undone = {q.id for q in done if screen_key(q) == screen_key(last)}
    return {key: value for key, value in answers.items() if key not in undone}, last.id


def pruned(ruleset: Ruleset, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Drop answers to questions that no longer apply (``pregnant`` after sex is changed
    to male). Danger-sign answers are always kept."""
    questions = ruleset.question_map
    return {key: value for key, value in answers.items()
            if value is not None and key in questions and applies(questions[key], answers)}


def show_value(question: Question, value: Any) -> str:
    """An answer as a person reads it: yes/no, the choice label, a number with its unit."""
    if value is None:
        return "not answered"
    if value == NOT_SURE:
        return "not sure"
    if question.type == "yes_no":
        return "yes" if value else "no"
    labels = {choice.value: choice.label for choice in question.choices}
    if question.type == "choice":
        return labels.get(value, str(value))
    if question.type == "multi":
        return "; ".join(labels.get(item, str(item)) for item in value)
    return amount(value, question.unit)


def summary_rows(ruleset: Ruleset, answers: Mapping[str, Any]) -> list[tuple[int, str, str, str]]:
    """(number, id, question text, answer shown) for each answered question, in asking order."""
    return [(number, q.id, q.text, show_value(q, answers[q.id]))
            for number, q in enumerate(answered(ruleset, answers), 1)]
