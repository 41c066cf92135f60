"""The questionnaire flow: which question comes next is a pure function of the answers.

The terminal prompt (``triage ask``), an answers file and the tests all go through
these functions, so they share one flow:

* danger signs first (in questionnaire order), then the other questions in order;
* a question is asked only where it applies: its ``ask_when`` holds, and
* the medicines safety questions (section ``medicines``) are asked, every one of them,
  exactly when over-the-counter medicine advice is on the table: it reaches the plan
  when every medicines answer is read as "no". So none are asked with a same-day or
  emergency sign (the gates hold all home medicines back), and a plan that offers
  tablets never says a safety question was "not answered";
* a question marked ``required`` is always asked where it applies (its ``ask_when`` and
  ``required_when`` hold), like a danger sign;
* any other yes/no question that is not a danger sign is asked only when its answer
  can change the plan (urgency or advice) given the answers so far: when "yes", "no"
  and leaving it blank do not all give the same plan. A question is never skipped whose
  blank would give a different plan from the answers the person could give, so what
  the flow leaves out cannot change the result;
* an answer that makes the result an emergency ends the questionnaire at once.

A danger sign is always asked and never filled in: the relevance test reads other
unanswered yes/no questions both ways (all "no", then all "yes") only to decide whether
to *ask*; the result is always computed from the answers actually given.

Answers here are typed values, as :func:`triage.values.coerce` returns them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any

from .engine import Engine
from .model import Question, Result, Ruleset, Urgency

Outcome = tuple[Urgency, tuple[str, ...]]
MEDICINES = "medicines"  # the section of medicines safety questions


def flow_order(ruleset: Ruleset) -> tuple[Question, ...]:
    """Every question in asking order: danger signs first, then the rest, each in file order."""
    return (tuple(q for q in ruleset.questions if q.danger_sign)
            + tuple(q for q in ruleset.questions if not q.danger_sign))


def _frozen(answers: Mapping[str, Any]) -> frozenset[tuple[str, Any]]:
    return frozenset((key, tuple(value) if isinstance(value, list) else value)
                     for key, value in answers.items() if value is not None)


@lru_cache(maxsize=8192)
def _outcome(engine: Engine, answers: frozenset[tuple[str, Any]]) -> Outcome:
    result = engine.evaluate(dict(answers))
    return result.urgency, tuple(item.id for item in result.advice)


def outcome(engine: Engine, answers: Mapping[str, Any]) -> Outcome:
    """Urgency and advice ids for these answers (cached: the flow asks the same often)."""
    return _outcome(engine, _frozen(answers))


def is_emergency(engine: Engine, answers: Mapping[str, Any]) -> bool:
    """Do the answers so far already mean an emergency, whatever the questions still to be
    asked are answered? They are judged with those questions read as benign (no, none),
    so a question not asked yet never counts as a blank answer: a cancer history alone
    goes on to the leg questions, saddle numbness stops at once."""
    benign = engine.ruleset.benign
    filled = {**{qid: value for qid, value in benign.items() if answers.get(qid) is None},
              **{qid: value for qid, value in answers.items() if value is not None}}
    return outcome(engine, filled)[0] is Urgency.EMERGENCY


def applies(question: Question, answers: Mapping[str, Any]) -> bool:
    """The question's own ``ask_when`` (danger signs have none: they always apply)."""
    return question.ask_when is None or question.ask_when.holds(answers, frozenset())


def _can_change_plan(engine: Engine, question: Question, answers: Mapping[str, Any]) -> bool:
    """Would "yes", "no" and a blank not all give the same urgency and advice, with the
    other unanswered yes/no questions of the same section read as all "no", as all "yes",
    or left blank?"""
    others = [q.id for q in engine.ruleset.questions
              if q.type == "yes_no" and not q.danger_sign and q.section == question.section
              and q.id != question.id and answers.get(q.id) is None and applies(q, answers)]
    for reading in (False, True, None):
        base = {**answers, **dict.fromkeys(others, reading)}
        seen = {outcome(engine, {**base, question.id: value}) for value in (True, False, None)}
        if len(seen) > 1:
            return True
    return False


def otc_on_the_table(engine: Engine, answers: Mapping[str, Any]) -> bool:
    """Would over-the-counter medicine advice reach the plan, with the answers so far and
    every medicines safety answer (given or not) read as "no"?

    The medicines answers themselves never decide it, so for one set of other answers
    either all the applicable medicines questions are asked or none.
    """
    ruleset = engine.ruleset
    reading = {**answers, **{q.id: False for q in ruleset.questions
                             if q.section == MEDICINES and q.type == "yes_no"}}
    return any(ruleset.advice[aid].kind == "otc" for aid in outcome(engine, reading)[1])


def relevant(engine: Engine, question: Question, answers: Mapping[str, Any]) -> bool:
    """Should this question be asked, given the answers so far?

    Danger signs, and required questions where they apply: always. Medicines safety
    questions: when ``ask_when`` holds and over-the-counter advice is on the table.
    Others: when ``ask_when`` holds and, for yes/no questions, when the answer (or
    leaving it blank) can change the plan.
    """
    if question.needed(answers):
        return True
    if not applies(question, answers):
        return False
    if question.section == MEDICINES:
        return otc_on_the_table(engine, answers)
    return question.type != "yes_no" or _can_change_plan(engine, question, answers)


def next_question(engine: Engine, answers: Mapping[str, Any]) -> Question | None:
    """The next question to ask, or None when the questionnaire is over (done or emergency)."""
    if is_emergency(engine, answers):
        return None
    for question in flow_order(engine.ruleset):
        if answers.get(question.id) is None and relevant(engine, question, answers):
            return question
    return None


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
    """The answers without the last answered question (in asking order), and its id."""
    done = answered(ruleset, answers)
    if not done:
        return dict(answers), None
    last = done[-1].id
    return {key: value for key, value in answers.items() if key != last}, last


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
    if question.type == "yes_no":
        return "yes" if value else "no"
    labels = {choice.value: choice.label for choice in question.choices}
    if question.type == "choice":
        return labels.get(value, str(value))
    if question.type == "multi":
        return "; ".join(labels.get(item, str(item)) for item in value)
    return f"{value} {question.unit}".strip()


def summary_rows(ruleset: Ruleset, answers: Mapping[str, Any]) -> list[tuple[int, str, str, str]]:
    """(number, id, question text, answer shown) for each answered question, in asking order."""
    return [(number, q.id, q.text, show_value(q, answers[q.id]))
            for number, q in enumerate(answered(ruleset, answers), 1)]


def final_result(engine: Engine, answers: Mapping[str, Any],
                 locale: str | None = None) -> Result:
    """The result for the answers given: what ``triage ask``, ``triage run`` and
    :func:`triage.triage` return, so an answers file saved by ``ask`` gives the same plan.

    Only ``not_answered`` is narrowed to questions the flow would still ask: a question
    skipped because its answer cannot change the plan (or a medicines question with no
    over-the-counter advice on the table) is not "missing".
    """
    result = engine.evaluate(answers, locale=locale)
    questions = engine.ruleset.question_map
    still = tuple(qid for qid in result.not_answered
                  if relevant(engine, questions[qid], answers))
    return replace(result, not_answered=still)
