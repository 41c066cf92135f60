"""Which questions are relevant: whether an answer can change the plan.

The flow (:mod:`triage.questionnaire.flow`) asks a question only where it is relevant,
and a result lists as "not answered" only the questions still relevant:

* a question is relevant only where it applies: its ``ask_when`` holds, and
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

Deciding relevance means comparing outcomes on answer sets that differ from the answers
given in a few answers. Most comparisons are settled from the engine run on the answers
given, without running it again (see "without the engine" below); the engine settles
the rest. Runs are cached by the answers that decide them, in a small bounded cache, so
a long batch keeps flat memory.

Answers here are typed values, as :func:`triage.language.values.coerce` returns them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from triage.engine import Engine
from triage.engine.plan import Advised, Firing, advised, applicable_unanswered
from triage.language.conditions import finding_polarity, holds_partly_known, questions_read
from triage.language.model import Rule, Ruleset, Urgency
from triage.language.questions import Question
from triage.records import record

MEDICINES = "medicines"  # the section of medicines safety questions


@record
class _Reads:
    """What decides an outcome, worked out once per compiled rule set."""

    deciding: tuple[str, ...]  # the questions the active rules read, and the danger signs
    swayed: Mapping[str, frozenset[int]]  # question id -> the rules its answer can sway
    findings: Mapping[str, frozenset[str]]  # question id -> the findings it can sway
    asserters: Mapping[str, tuple[int, ...]]  # finding -> the rules asserting it


@lru_cache(maxsize=8)
def _reads(engine: Engine) -> _Reads:
    """A rule is swayed by a question when it reads it, or tests a finding a swayed rule
    asserts."""
    readers: dict[str, list[int]] = {}
    testers: dict[str, list[int]] = {}  # finding -> the rules testing it
    asserters: dict[str, list[int]] = {}
    for index, rule in enumerate(engine.rules):
        try:
            read = questions_read(rule.when)
        except TypeError:  # a kind of condition not known here: it may read anything
            read = {question.id for question in engine.ruleset.questions}
        for qid in read:
            readers.setdefault(qid, []).append(index)
        for name, _negated in finding_polarity(rule.when):
            testers.setdefault(name, []).append(index)
        for name in rule.then.findings:
            asserters.setdefault(name, []).append(index)
    swayed, findings = {}, {}
    for qid, reading in readers.items():
        rules, names, todo = set(reading), set(), list(reading)
        while todo:
            for name in engine.rules[todo.pop()].then.findings:
                if name not in names:
                    names.add(name)
                    todo.extend(index for index in testers.get(name, ()) if index not in rules)
                    rules.update(testers.get(name, ()))
        swayed[qid], findings[qid] = frozenset(rules), frozenset(names)
    screening = set()  # the questions the engine's unscreened backstop reads
    for question in engine.ruleset.screening:
        screening.add(question.id)
        for condition in (question.ask_when, question.required_when):
            if condition is not None:
                screening.update(questions_read(condition))
    deciding = tuple(q.id for q in engine.ruleset.questions
                     if q.id in readers or q.id in screening)
    return _Reads(deciding, swayed, findings,
                  {name: tuple(indexes) for name, indexes in asserters.items()})


@record
class _Run:
    """What the flow needs of one engine run."""

    urgency: Urgency
    advice: tuple[str, ...]
    findings: frozenset[str]
    fired: frozenset[str]  # rule ids


class _Runs:
    """The last runs, keyed by the answers that decide them (the rules read no other
    answer, and a danger sign left unanswered forbids self-care). Bounded, so memory
    stays flat over a long batch; a few rows' worth is all the flow reuses."""

    SIZE = 256

    def __init__(self) -> None:
        self._runs: OrderedDict[tuple[Any, ...], _Run] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(engine: Engine, answers: Mapping[str, Any]) -> tuple[Any, ...]:
        return (engine, *(_hashable(answers.get(qid)) for qid in _reads(engine).deciding))

    def get(self, engine: Engine, answers: Mapping[str, Any]) -> _Run:
        key = self.key(engine, answers)
        with self._lock:
            run = self._runs.get(key)
            if run is not None:
                self._runs.move_to_end(key)
                return run
        return self.put(key, engine, answers, engine.run(answers))

    def put(self, key: tuple[Any, ...], engine: Engine, answers: Mapping[str, Any],
            firing: Firing) -> _Run:
        urgency, advice = advised(engine.ruleset, firing, answers)
        run = _Run(urgency, advice, firing.findings,
                   frozenset(rule.id for rule in firing.rules))
        with self._lock:
            self._runs[key] = run
            if len(self._runs) > self.SIZE:
                self._runs.popitem(last=False)
        return run


_RUNS = _Runs()


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def outcome(engine: Engine, answers: Mapping[str, Any]) -> Advised:
    """Urgency and advice ids for these answers (cached: the flow asks the same often)."""
    run = _RUNS.get(engine, answers)
    return run.urgency, run.advice


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
    return question.applies(answers)


def _can_change_plan(engine: Engine, question: Question, answers: Mapping[str, Any]) -> bool:
    """Would "yes", "no" and a blank not all give the same urgency and advice, with the
    other unanswered yes/no questions of the same section read as all "no", as all "yes",
    or left blank?"""
    others = [q.id for q in engine.ruleset.questions
              if q.type == "yes_no" and not q.danger_sign and q.section == question.section
              and q.id != question.id and answers.get(q.id) is None and applies(q, answers)]
    for reading in (False, True, None):
        base = {**answers, **dict.fromkeys(others, reading)}
        variants = [{**base, question.id: value} for value in (True, False, None)]
        if _certainly_same(engine, variants, [*others, question.id], answers):
            continue  # certain without running the engine
        if len({outcome(engine, variant) for variant in variants}) > 1:
            return True
    return False


def otc_on_the_table(engine: Engine, answers: Mapping[str, Any]) -> bool:
    """Would over-the-counter medicine advice reach the plan, with the answers so far and
    every medicines safety answer (given or not) read as "no"?

    The medicines answers themselves never decide it, so for one set of other answers
    either all the applicable medicines questions are asked or none.
    """
    ruleset = engine.ruleset
    medicines = [q.id for q in ruleset.questions if q.section == MEDICINES and q.type == "yes_no"]
    reading = {**answers, **dict.fromkeys(medicines, False)}
    fires, maybe = _certainly(engine, [reading],
                              [qid for qid in medicines if answers.get(qid) is not False],
                              answers)
    given, possible = _advice_bounds(ruleset, fires, maybe)
    if any(ruleset.advice[aid].kind == "otc" for aid in given):
        return True
    if not any(ruleset.advice[aid].kind == "otc" for aid in possible):
        return False
    return any(ruleset.advice[aid].kind == "otc" for aid in outcome(engine, reading)[1])


# ---------------------------------------------------------------- without the engine
#
# Deciding whether a question is relevant runs the engine on answer sets that differ from
# the answers given in one or a few answers. Most of the time what those answers sway can
# be worked out from the run on the answers given, without running the engine again; when
# it cannot be, the engine is run. Either way the decision is the engine's.


def _certainly(engine: Engine, variants: Sequence[Mapping[str, Any]], filled: list[str],
               given: Mapping[str, Any]) -> tuple[list[Rule], list[Rule]]:
    """(the rules that certainly fire with every variant, the rules that may fire with
    some) for answer sets that are the answers ``given`` with the ``filled`` answers set.

    The rules the ``filled`` answers cannot sway fire exactly as in the run on the answers
    ``given``, and assert the same findings; the swayed ones are judged (:func:`_judged`).
    """
    reads, known = _reads(engine), _RUNS.get(engine, given)
    swayed = frozenset().union(*(reads.swayed.get(name, ()) for name in filled))
    unknown = frozenset().union(*(reads.findings.get(name, ()) for name in filled))
    verdicts = [_judged(engine, answers, known, swayed, unknown) for answers in variants]
    fires: list[Rule] = []
    maybe: list[Rule] = []
    for index, rule in enumerate(engine.rules):
        if index not in swayed:
            if rule.id in known.fired:
                fires.append(rule)
        elif all(verdict[index] is True for verdict in verdicts):
            fires.append(rule)
        elif any(verdict[index] is not False for verdict in verdicts):
            maybe.append(rule)
    return fires, maybe


def _certainly_same(engine: Engine, variants: Sequence[Mapping[str, Any]], filled: list[str],
                    given: Mapping[str, Any]) -> bool:
    """Do the ``variants`` certainly give the same urgency and advice? False means: maybe
    not, let the engine say. Certain when the rules that may fire with only some of them
    could neither raise the urgency above what certainly fires, add advice that is not
    certainly given, nor hold back advice that is."""
    if any(engine.ruleset.missing_required(answers) for answers in variants):
        return False  # the engine's backstop for unscreened answers is not modelled here
    fires, maybe = _certainly(engine, variants, filled, given)
    level = Urgency.highest(rule.then.urgency for rule in fires if rule.then.urgency)
    if any(rule.then.urgency and rule.then.urgency.rank > level.rank for rule in maybe):
        return False
    given_advice, possible = _advice_bounds(engine.ruleset, fires, maybe)
    return given_advice == possible


def _advice_bounds(ruleset: Ruleset, fires: list[Rule], maybe: list[Rule]
                   ) -> tuple[set[str], set[str]]:
    """(the advice certainly in the plan, the advice possibly in it) when the rules
    ``fires`` fire and the rules ``maybe`` may: an exclusion always wins."""
    def excluded(rules: list[Rule]) -> set[str]:
        return {aid for rule in rules for pattern in rule.then.exclude
                for aid in ruleset.advice_matching(pattern)}

    recommended = {aid for rule in fires for aid in rule.then.recommend}
    held_back = excluded(fires)
    certain = recommended - held_back - excluded(maybe)
    possible = (recommended | {aid for rule in maybe for aid in rule.then.recommend}) - held_back
    return certain, possible


def _judged(engine: Engine, answers: Mapping[str, Any], known: _Run, swayed: frozenset[int],
            unknown: frozenset[str]) -> dict[int, bool | None]:
    """Whether each ``swayed`` rule fires on these answers: True, False, or None (cannot
    tell without the engine).

    The findings in ``unknown`` start unknown; the others are those of the ``known`` run.
    A finding becomes known to hold once a rule asserting it certainly fires, and known
    not to once every rule asserting it certainly does not. Each step only uses what is
    certain, so each verdict is what the engine would do (rules read findings only through
    the conditions judged here).
    """
    reads = _reads(engine)
    holding = set(known.findings - unknown)
    open_ = set(unknown)
    verdict: dict[int, bool | None] = dict.fromkeys(swayed)

    def fires(index: int) -> bool | None:
        return verdict[index] if index in swayed else engine.rules[index].id in known.fired

    while True:
        for index in swayed:
            if verdict[index] is None:
                verdict[index] = holds_partly_known(engine.rules[index].when, answers,
                                                    holding, open_)
        settled = []
        for name in open_:
            said = [fires(index) for index in reads.asserters.get(name, ())]
            if True in said:
                holding.add(name)
                settled.append(name)
            elif None not in said:
                settled.append(name)
        if not settled:
            return verdict
        open_.difference_update(settled)


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


def still_relevant(engine: Engine, answers: Mapping[str, Any],
                   firing: Firing) -> tuple[str, ...]:
    """The questions left blank that the flow would still ask: what a result names as
    "not answered". A question skipped because its answer cannot change the plan (or a
    medicines question with no over-the-counter advice on the table) is not "missing".
    ``firing`` is the engine run on ``answers``, which the relevance test starts from."""
    blank = applicable_unanswered(engine.ruleset, answers)
    if not blank:
        return ()
    _RUNS.put(_RUNS.key(engine, answers), engine, answers, firing)
    questions = engine.ruleset.question_map
    return tuple(qid for qid in blank if relevant(engine, questions[qid], answers))
