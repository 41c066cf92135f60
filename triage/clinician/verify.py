"""Check the declared safety invariants over the answer space; shrink any counterexample.

The answer sets come from :mod:`triage.clinician.answer_space` (an exhaustive core per
invariant, an all-pairs background, seeded samples). Every answer set is evaluated once
by the real engine and checked against every invariant whose scope it falls in. A
failure is shrunk towards the benign baseline answers until resetting any single answer
makes the invariant hold again. :mod:`triage.clinician.verify_report` writes the report.
"""

from __future__ import annotations

import fnmatch
import itertools
import random
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from triage.engine import Engine
from triage.engine.plan import urgency_of
from triage.language.model import Expectation, Invariant, Result, Ruleset, Urgency
from triage.pipeline import triage_answers
from triage.records import record

from .answer_space import (
    AnswerSet,
    core_combinations,
    default_baseline,
    exhaustive,
    in_scope,
    levels,
    not_sure_pairs,
    pairwise,
    thresholds,
    urgency_questions,
)
from .blame import blame
from .sampling import random_answers

PRODUCT_BUDGET = 2000  # core x background above this: paired round-robin instead
FULL_SAMPLES = 2000  # random answer sets added to the all-pairs design
QUICK_SAMPLES = 200  # the same for the quick check (baseline background)


@record
class Depth:
    """How hard :func:`verify` looks: random samples, and the background they join."""

    samples: int = FULL_SAMPLES
    background: str = "pairwise"

    @classmethod
    def of(cls, *, quick: bool, samples: int = FULL_SAMPLES) -> Depth:
        """The full check (the all-pairs design), or the quick one (``--quick``: the
        baseline background, and :data:`QUICK_SAMPLES` samples unless another number
        than the default is asked for): seconds, not tens of seconds."""
        if not quick:
            return cls(samples, "pairwise")
        return cls(QUICK_SAMPLES if samples == FULL_SAMPLES else samples, "baseline")


@dataclass
class InvariantReport:
    """How one invariant fared: how many answer sets in its scope were checked."""

    invariant: Invariant
    core: int = 0  # combinations of the answers it names
    crossed: bool = True  # core fully crossed with the background (else round-robin)
    exhaustive: bool = True  # every combination of its answers (else all pairs of them)
    designed: int = 0  # answer sets from the exhaustive + all-pairs design in its scope
    sampled: int = 0  # random answer sets in its scope
    failure: Counterexample | None = None
    blanked: tuple[str, ...] = ()  # blank_answers: the questions left blank in turn
    not_sure_pairs: int = 0  # a sign answered not sure beside each raising danger sign

    @property
    def holds(self) -> bool:
        return self.failure is None


@record
class Counterexample:
    """A minimal answer set that breaks an invariant, and what went wrong."""

    invariant: Invariant
    answers: AnswerSet
    problems: tuple[str, ...]
    urgency: str
    blank: str | None = None  # blank_answers: the question whose blank lowers the urgency
    rules: tuple[str, ...] = ()  # the rules behind it, as lines (:mod:`.blame`)


@dataclass
class VerifyReport:
    """The outcome of a verify run, with the figures to report honestly."""

    invariants: list[InvariantReport]
    designed: int = 0  # distinct answer sets from the design
    sampled: int = 0  # distinct random answer sets
    background: int = 0  # rows of the all-pairs design
    pairwise: bool = True  # False: the baseline answers were the only background row
    thresholds: dict[str, tuple[int, ...]] = field(default_factory=dict)
    seed: int = 0
    seconds: float = 0.0

    @property
    def holds(self) -> bool:
        return all(item.holds for item in self.invariants)

    @property
    def total(self) -> int:
        return self.designed + self.sampled


# ------------------------------------------------------------------------ checking

def broken(invariant: Invariant, result: Result, answers: Mapping[str, Any] | None = None,
           ruleset: Ruleset | None = None) -> list[str]:
    """What the result does that the invariant forbids (empty: it holds).

    ``answers`` and ``ruleset`` are needed for ``safety_net: consistent``.
    """
    expect = invariant.expect
    urgency = result.urgency
    problems = []
    if expect.urgency is not None and urgency is not expect.urgency:
        problems.append(f"urgency is {urgency.value}, expected {expect.urgency.value}")
    if expect.urgency_at_least is not None and urgency.rank < expect.urgency_at_least.rank:
        problems.append(f"urgency is {urgency.value}, expected at least "
                        f"{expect.urgency_at_least.value}")
    if urgency in expect.not_urgency:
        problems.append(f"urgency is {urgency.value}, which is not allowed here")
    problems += _advice_problems(expect, result, ruleset)
    for level, inner in expect.by_urgency:
        if urgency is level:
            problems += [f"{problem} (an {level.value} result)" if level.value[0] in "aeiou"
                         else f"{problem} (a {level.value} result)"
                         for problem in _advice_problems(inner, result, ruleset)]
    if expect.plan and not (isinstance(urgency, Urgency) and result.advice):
        problems.append("no plan: the result has no advice")
    if expect.safety_net and answers is not None and ruleset is not None:
        problems += safety_net_problems(ruleset, answers, urgency)
    return problems


def _advice_problems(expect: Expectation, result: Result, ruleset: Ruleset | None) -> list[str]:
    """``excludes``, ``includes`` and ``includes_any``. Non-emergency advice is not asked
    of an emergency result: its gate holds everything else back."""
    problems = []
    given = {item.id for item in result.advice}
    advised = sorted({aid for aid in given for pattern in expect.excludes
                      if fnmatch.fnmatch(aid, pattern)})
    if advised:
        problems.append(f"advises {', '.join(advised)}")

    def askable(aid: str) -> bool:
        return (result.urgency is not Urgency.EMERGENCY
                or (ruleset is not None and ruleset.advice[aid].kind == "emergency"))

    wanted = [aid for aid in expect.includes if aid not in given and askable(aid)]
    if wanted:
        problems.append(f"does not advise {', '.join(wanted)}")
    options = [aid for aid in expect.includes_any if askable(aid)]
    if options and not given.intersection(options):
        problems.append(f"advises none of {', '.join(options)}")
    return problems


def safety_net_problems(ruleset: Ruleset, answers: Mapping[str, Any],
                        urgency: Urgency) -> list[str]:
    """Lines of the "get help if" lists the answers already meet but the urgency ignores."""
    problems = []
    for advice in ruleset.advice.values():
        for point in advice.points:
            if point.when is None or point.urgency is None:
                continue
            if urgency.rank < point.urgency.rank and point.when.holds(answers, frozenset()):
                problems.append(f"urgency is {urgency.value}, but the answers meet the "
                                f"{advice.id} line at {point.place} ({point.urgency.value}): "
                                f"{point.text!r}")
    return problems


def blank_problem(engine: Engine, answers: Mapping[str, Any], qid: str,
                  cache: dict[tuple[Any, ...], Urgency | None] | None = None) -> str | None:
    """Does leaving ``qid`` blank give a lower urgency than the answer given? (None: no,
    or the blank would be refused or does not apply)."""
    question = engine.ruleset.question_map[qid]
    if answers.get(qid) is None or not question.applies(answers):
        return None  # not answered, or does not apply (blank is then the normal state)
    blank = {**answers, qid: None}
    if engine.ruleset.missing_required(blank):
        return None  # refused by default: the tool names the answer it needs
    given, left = (_urgency(engine, answers, cache), _urgency(engine, blank, cache))
    if given is None or left is None or left.rank >= given.rank:
        return None
    return (f"leaving {qid} blank gives {left.value}, but {qid}: "
            f"{shown_answer(answers[qid])} gives {given.value}")


def not_sure_problems(engine: Engine, answers: Mapping[str, Any]) -> list[str]:
    """Each danger sign answered ``not_sure`` whose blank (under ``--missing
    conservative``) would give a higher urgency than "not sure" does."""
    problems: list[str] = []
    unsure = engine.ruleset.not_sure(answers)
    if not unsure:
        return problems
    given = _bare_urgency(engine, answers)
    if given is Urgency.highest(Urgency):
        return problems  # nothing is above it: no blank can give more
    for qid in unsure:
        left = _bare_urgency(engine, {**answers, qid: None})
        if left.rank > given.rank:
            problems.append(f"{qid}: not sure gives {given.value}, but leaving it blank "
                            f"gives {left.value}")
    return problems


def _bare_urgency(engine: Engine, answers: Mapping[str, Any]) -> Urgency:
    """The urgency of typed answers under ``--missing conservative`` (the engine alone:
    the questions still relevant do not change it)."""
    return urgency_of(engine.ruleset, engine.run(answers).rules, answers)[0]


def _urgency(engine: Engine, answers: Mapping[str, Any],
             cache: dict[tuple[Any, ...], Urgency | None] | None) -> Urgency | None:
    key = _key(answers)
    if cache is not None and key in cache:
        return cache[key]
    try:
        urgency: Urgency | None = _triaged(engine, answers).urgency
    except Exception:  # noqa: BLE001 - reported by the plan invariant
        urgency = None
    if cache is not None:
        cache[key] = urgency
    return urgency


def violation(engine: Engine, invariant: Invariant, answers: Mapping[str, Any],
              blank: str | None = None) -> list[str]:
    """Empty if the invariant holds for this answer set (or does not speak about it).

    ``blank``: for ``blank_answers``, the one question to leave blank (default: each
    optional question that can change the urgency in turn).
    """
    if not in_scope(invariant, engine.ruleset, answers):
        return []
    try:
        result = _triaged(engine, answers)
    except Exception as exc:  # noqa: BLE001 - a crash is a violation to report, not to raise
        return [f"evaluation failed ({type(exc).__name__})"]
    problems = broken(invariant, result, answers, engine.ruleset)
    if invariant.expect.not_sure_not_below_blank:
        problems += not_sure_problems(engine, answers)
    if invariant.expect.blank_never_lowers:
        for qid in (blank,) if blank else urgency_questions(engine.ruleset):
            found = blank_problem(engine, answers, qid)
            if found:
                problems.append(found)
    return problems


def _triaged(engine: Engine, answers: Mapping[str, Any]) -> Result:
    """The result ``triage run --missing conservative`` prints for these answers."""
    return triage_answers(engine, answers, missing="conservative")


def shrink(engine: Engine, invariant: Invariant, answers: AnswerSet,
           baseline: AnswerSet, blank: str | None = None) -> AnswerSet:
    """Reset answers to the baseline one at a time while the invariant still fails."""
    current = dict(answers)
    changed = True
    while changed:
        changed = False
        for question in engine.ruleset.questions:
            qid = question.id
            if current.get(qid) == baseline[qid] or qid == blank:
                continue
            trial = {**current, qid: baseline[qid]}
            if violation(engine, invariant, trial, blank):
                current, changed = trial, True
    return current


# ------------------------------------------------------------------------- the run

def _key(answers: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(sorted(answers.items()))


def design(ruleset: Ruleset, reports: list[InvariantReport], background: list[AnswerSet],
           bounds: Mapping[str, tuple[int, ...]], baseline: AnswerSet) -> Iterator[AnswerSet]:
    """The exhaustive core of each invariant over the all-pairs background; then, for an
    invariant about "not sure" answers, its "not sure" pairs over the baseline answers."""
    for report in reports:
        cores = core_combinations(report.invariant, ruleset, bounds, baseline)
        report.core = len(cores)
        report.exhaustive = exhaustive(report.invariant, ruleset, bounds, baseline)
        report.crossed = len(cores) * len(background) <= PRODUCT_BUDGET
        if report.crossed:
            pairs: Iterable[tuple[AnswerSet, AnswerSet]] = itertools.product(cores, background)
        else:
            count = max(len(cores), len(background))
            pairs = ((cores[n % len(cores)], background[n % len(background)])
                     for n in range(count))
        for core, row in pairs:
            yield {**row, **core}
        extra = not_sure_pairs(report.invariant, ruleset, baseline)
        report.not_sure_pairs = len(extra)
        for combo in extra:
            yield {**baseline, **combo}


def samples(ruleset: Ruleset, reports: list[InvariantReport], count: int, seed: int,
            bounds: Mapping[str, tuple[int, ...]], baseline: AnswerSet) -> Iterator[AnswerSet]:
    """Seeded random answer sets, each with one invariant's core laid over it in turn."""
    rng = random.Random(seed)
    stream = random_answers(ruleset, seed)
    cores = [core_combinations(r.invariant, ruleset, bounds, baseline) for r in reports]
    optional = [q.id for q in ruleset.questions if q.ask_when is not None and not q.danger_sign]
    for n in range(count):
        answers = next(stream)
        for qid in optional:
            if rng.random() < 0.2:
                answers[qid] = None
        options = cores[n % len(cores)] if cores else []
        yield {**answers, **(rng.choice(options) if options else {})}


def verify(engine: Engine, *, samples_count: int = 2000, seed: int = 0,
           background: str = "pairwise") -> VerifyReport:
    """Check every invariant of the engine's rule set; see the module docstring.

    ``background="baseline"`` replaces the all-pairs design by the baseline answers alone
    (a quick check, for tests).
    """
    started = time.perf_counter()
    ruleset = engine.ruleset
    baseline = default_baseline(ruleset)
    bounds = thresholds(ruleset)
    if background == "pairwise":
        factors = [(q.id, levels(q, bounds, baseline)) for q in ruleset.questions]
        rows = pairwise(factors, seed)
    else:
        rows = [dict(baseline)]
    reports = [InvariantReport(invariant) for invariant in ruleset.invariants]
    report = VerifyReport(reports, background=len(rows), pairwise=background == "pairwise",
                          thresholds=bounds, seed=seed)
    seen: set[tuple[Any, ...]] = set()
    plain = [r for r in reports if not r.invariant.expect.blank_never_lowers]
    for item in reports:
        if item.invariant.expect.blank_never_lowers:
            _blank_pass(engine, item, rows, bounds, baseline, samples_count, seed, seen,
                        report, plain)
    parts = (("designed", design(ruleset, plain, rows, bounds, baseline)),
             ("sampled", samples(ruleset, plain, samples_count, seed, bounds, baseline)))
    for part, stream in parts:  # the blank pass checked what it saw against the others
        for answers in stream:
            key = _key(answers)
            if key in seen:
                continue
            seen.add(key)
            setattr(report, part, getattr(report, part) + 1)
            _check(engine, reports, answers, part, baseline)
    report.seconds = time.perf_counter() - started
    return report


def _check(engine: Engine, reports: list[InvariantReport], answers: AnswerSet, part: str,
           baseline: AnswerSet) -> None:
    unscreened = bool(engine.ruleset.missing_required(answers))
    relevant = [r for r in reports
                if in_scope(r.invariant, engine.ruleset, answers, unscreened)]
    if not relevant:
        return
    try:
        result: Result | None = _triaged(engine, answers)
    except Exception:  # noqa: BLE001 - reported as a violation of each invariant in scope
        result = None
    for item in relevant:
        setattr(item, part, getattr(item, part) + 1)
        if item.failure is not None:
            continue
        problems = (broken(item.invariant, result, answers, engine.ruleset)
                    if result is not None else ["evaluation failed"])
        if not problems and item.invariant.expect.not_sure_not_below_blank:
            problems = not_sure_problems(engine, answers)
        if problems:
            item.failure = _counterexample(engine, item.invariant, answers, baseline)


def _blank_pass(engine: Engine, item: InvariantReport, rows: list[AnswerSet],
                bounds: Mapping[str, tuple[int, ...]], baseline: AnswerSet, count: int,
                seed: int, seen: set[tuple[Any, ...]], report: VerifyReport,
                others: list[InvariantReport]) -> None:
    """``blank_answers: never_lower_urgency``: every value of every optional question that
    can change the urgency, over the background, each compared with leaving it blank;
    then the random samples, each with one such question left blank in turn. Each answer
    set seen here for the first time is checked against the ``others`` too (the design
    skips what was seen)."""
    ruleset = engine.ruleset
    item.blanked = urgency_questions(ruleset)
    cores = core_combinations(item.invariant, ruleset, bounds, baseline)
    item.core = len(cores)
    item.crossed = True
    cache: dict[tuple[Any, ...], Urgency | None] = {}
    designed = ((core, {**row, **core}) for core in cores for row in rows)
    stream = samples(ruleset, [], count, seed, bounds, baseline)
    sampled = ((None, answers) for answers in stream)
    for part, pairs in (("designed", designed), ("sampled", sampled)):
        for index, (core, answers) in enumerate(pairs):
            if item.failure is not None:
                return
            if not in_scope(item.invariant, ruleset, answers):
                continue
            setattr(item, part, getattr(item, part) + 1)
            key = _key(answers)
            if key not in seen:
                seen.add(key)
                setattr(report, part, getattr(report, part) + 1)
                # counted once, so checked once against every other invariant here too
                _check(engine, others, answers, part, baseline)
            if core is not None:
                qid = next(iter(core))
            else:
                answered = [q for q in item.blanked if answers.get(q) is not None]
                if not answered:
                    continue
                qid = answered[index % len(answered)]
            if blank_problem(engine, answers, qid, cache):
                item.failure = _counterexample(engine, item.invariant, answers, baseline,
                                               blank=qid)


def _counterexample(engine: Engine, invariant: Invariant, answers: AnswerSet,
                    baseline: AnswerSet, blank: str | None = None) -> Counterexample:
    small = shrink(engine, invariant, answers, baseline, blank)
    problems = violation(engine, invariant, small, blank)
    rules: tuple[str, ...] = ()
    try:
        result = _triaged(engine, small)
        urgency = result.urgency.value
        rules = tuple(blame(engine.ruleset, invariant, result, small, baseline).lines())
    except Exception:  # noqa: BLE001
        urgency = "routine"
    return Counterexample(invariant, small, tuple(problems), urgency, blank, rules)


def shown_answer(value: Any) -> str:
    """An answer as a message shows it: yes/no, a list joined, "not answered"."""
    if value is None:
        return "not answered"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value == "not_sure":
        return "not sure"
    return ", ".join(value) if isinstance(value, tuple) else str(value)
