"""Check the declared safety invariants over the answer space; shrink any counterexample.

The answer space is far too large to enumerate (18 danger signs and 8 medicines answers
alone give ~150 million combinations), so it is covered in three honest parts:

1. **exhaustive core**: for each invariant, every combination of the values of the
   questions its ``when`` names (numbers: both sides of every threshold) that satisfies it;
   for ``for: unscreened``, each danger sign (or required question) left unanswered
   alone, and all of them; for ``blank_answers: never_lower_urgency``, every value of
   every optional question that can change the urgency, each compared with leaving that
   question blank;
2. **all-pairs background**: a covering design in which every pair of values of any two
   other questions appears at least once, numbers taking the values on both sides of every
   threshold found in the rule conditions (``value-1, value, value+1``). Each core
   combination is crossed with every background row while that stays within a budget,
   else core and background are paired round-robin (each appears at least once);
3. **seeded random sampling** (:mod:`triage.sampling`), with an invariant's core laid over
   each sample in turn.

Every answer set is evaluated once by the real engine and checked against every invariant
whose scope it falls in. A failure is shrunk towards the benign baseline answers until
resetting any single answer makes the invariant hold again.
"""

from __future__ import annotations

import fnmatch
import itertools
import math
import random
import textwrap
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from .conditions import All, AnyOf, Compare, Condition, HasFinding, Not, Unanswered
from .engine import Engine
from .model import Invariant, Question, Result, Ruleset, Urgency
from .sampling import random_answers

PRODUCT_BUDGET = 2000  # core x background above this: paired round-robin instead
CORE_BUDGET = 1024  # named answers' combinations above this: an all-pairs design of them
Answers = dict[str, Any]


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

    @property
    def holds(self) -> bool:
        return self.failure is None


@dataclass(frozen=True)
class Counterexample:
    """A minimal answer set that breaks an invariant, and what went wrong."""

    invariant: Invariant
    answers: Answers
    problems: tuple[str, ...]
    urgency: str
    blank: str | None = None  # blank_answers: the question whose blank lowers the urgency


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


# ----------------------------------------------------------------- the answer space

def walk(condition: Condition | None) -> Iterator[Condition]:
    """Every node of a condition tree."""
    if condition is None:
        return
    yield condition
    if isinstance(condition, (All, AnyOf)):
        for item in condition.items:
            yield from walk(item)
    elif isinstance(condition, Not):
        yield from walk(condition.item)


def thresholds(ruleset: Ruleset) -> dict[str, tuple[int, ...]]:
    """For each number question, the values on both sides of every threshold tested."""
    conditions = [rule.when for rule in ruleset.active_rules]
    conditions += [q.ask_when for q in ruleset.questions if q.ask_when is not None]
    conditions += [inv.when for inv in ruleset.invariants if inv.when is not None]
    found: dict[str, set[int]] = {}
    for condition in conditions:
        for node in walk(condition):
            if isinstance(node, Compare) and isinstance(node.value, (int, tuple)) \
                    and not isinstance(node.value, bool):
                points = node.value if isinstance(node.value, tuple) else (node.value,)
                if all(isinstance(p, int) and not isinstance(p, bool) for p in points):
                    found.setdefault(node.question, set()).update(points)
    result = {}
    for qid, cuts in sorted(found.items()):
        question = ruleset.question_map[qid]
        if question.type != "integer":
            continue
        low, high = question.minimum or 0, question.maximum or 0
        near = {v for p in cuts for v in (p - 1, p, p + 1) if low <= v <= high}
        result[qid] = tuple(sorted(near | {low, high}))
    return result


def levels(question: Question, bounds: Mapping[str, tuple[int, ...]],
           baseline: Answers) -> tuple[Any, ...]:
    """The values a question takes in the design (``None``: skipped by the questionnaire)."""
    if question.type == "yes_no":
        values: tuple[Any, ...] = (False, True)
    elif question.type == "choice":
        values = question.values
    elif question.type == "multi":
        values = tuple((choice.value,) for choice in question.choices)
    else:
        points = set(bounds.get(question.id, ())) | {baseline[question.id]}
        values = tuple(sorted(points - {None}))
    if question.ask_when is not None and not question.danger_sign:
        values += (None,)
    return values


def default_baseline(ruleset: Ruleset) -> Answers:
    """Benign answers: the rule set's ``baseline``, else no / none / the minimum."""
    return dict(ruleset.benign)


def pairwise(factors: list[tuple[str, tuple[Any, ...]]], seed: int) -> list[Answers]:
    """A greedy all-pairs covering design: every value pair of any two factors appears."""
    rng = random.Random(seed)
    uncovered: set[tuple[int, int, int, int]] = {
        (i, a, j, b) for i, j in itertools.combinations(range(len(factors)), 2)
        for a in range(len(factors[i][1])) for b in range(len(factors[j][1]))}
    rows: list[Answers] = []
    while uncovered:
        i, a, j, b = min(uncovered)
        chosen = {i: a, j: b}
        order = [k for k in range(len(factors)) if k not in chosen]
        rng.shuffle(order)
        for k in order:
            chosen[k] = max(range(len(factors[k][1])), key=lambda v: (sum(
                (min(k, m), v if k < m else w, max(k, m), w if k < m else v) in uncovered
                for m, w in chosen.items()), -v))
        for (p, x), (q, y) in itertools.combinations(sorted(chosen.items()), 2):
            uncovered.discard((p, x, q, y))
        rows.append({factors[k][0]: factors[k][1][v] for k, v in chosen.items()})
    return rows


def core_options(invariant: Invariant, ruleset: Ruleset, bounds: Mapping[str, tuple[int, ...]],
                 baseline: Answers) -> list[tuple[str, tuple[Any, ...]]]:
    """The questions an invariant's ``when`` names, each with the values the design tries."""
    named = sorted({node.question for node in walk(invariant.when)
                    if isinstance(node, (Compare, Unanswered))})
    options = []
    for qid in named:
        question = ruleset.question_map[qid]
        values = levels(question, bounds, baseline)
        if invariant.scope == "unscreened" and (question.danger_sign or question.required) \
                and None not in values:
            values += (None,)
        options.append((qid, values))
    return options


def exhaustive(invariant: Invariant, ruleset: Ruleset, bounds: Mapping[str, tuple[int, ...]],
               baseline: Answers) -> bool:
    """Is every combination of the invariant's named answers tried (else all pairs)?"""
    options = core_options(invariant, ruleset, bounds, baseline)
    return math.prod(len(values) for _, values in options) <= CORE_BUDGET


def core_combinations(invariant: Invariant, ruleset: Ruleset,
                      bounds: Mapping[str, tuple[int, ...]], baseline: Answers) -> list[Answers]:
    """Every combination of the named answers that puts an answer set in scope."""
    if invariant.expect.blank_never_lowers:
        return [{qid: value} for qid in urgency_questions(ruleset)
                for value in levels(ruleset.question_map[qid], bounds, baseline)
                if value is not None]
    options = core_options(invariant, ruleset, bounds, baseline)
    if exhaustive(invariant, ruleset, bounds, baseline):
        combos = [dict(zip([qid for qid, _ in options], values, strict=True))
                  for values in itertools.product(*(values for _, values in options))]
    else:  # too many to enumerate: every pair of the named answers' values instead
        combos = pairwise(options, 0)
    combos = [c for c in combos if invariant.when is None or invariant.when.holds(c, frozenset())]
    if invariant.scope != "unscreened":
        return combos
    needed = [q.id for q in ruleset.questions if q.danger_sign or q.required]
    gaps = [{qid: None} for qid in needed] + [dict.fromkeys(needed)]
    spread: list[Answers] = []
    for combo in combos:
        if any(qid in combo and combo[qid] is None for qid in needed):
            spread.append(combo)  # already leaves a needed answer blank: in scope as it is
        else:
            spread.extend({**gap, **combo} for gap in gaps)
    return spread


def urgency_questions(ruleset: Ruleset) -> tuple[str, ...]:
    """Optional questions (not danger signs) that some rule setting the urgency reads,
    directly or through the findings it tests: the ones whose blank could lower it."""
    rules = ruleset.active_rules
    asserters: dict[str, list[Any]] = {}
    for rule in rules:
        for name in rule.then.findings:
            asserters.setdefault(name, []).append(rule)
    todo = [rule for rule in rules if rule.then.urgency is not None]
    seen: set[str] = set()
    read: set[str] = set()
    while todo:
        rule = todo.pop()
        if rule.id in seen:
            continue
        seen.add(rule.id)
        for node in walk(rule.when):
            if isinstance(node, (Compare, Unanswered)):
                read.add(node.question)
            elif isinstance(node, HasFinding):
                todo.extend(asserters.get(node.name, ()))
    return tuple(q.id for q in ruleset.questions if q.id in read and not q.danger_sign)


def in_scope(invariant: Invariant, ruleset: Ruleset, answers: Mapping[str, Any],
             unscreened: bool | None = None) -> bool:
    """Does the invariant speak about this answer set? (``unscreened``: whether a danger
    sign or required question is blank, if already known.)"""
    if unscreened is None:
        unscreened = bool(ruleset.missing_required(answers))
    if unscreened != (invariant.scope == "unscreened"):
        return False
    return invariant.when is None or invariant.when.holds(answers, frozenset())


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
    advised = sorted({item.id for item in result.advice
                      for pattern in expect.excludes if fnmatch.fnmatch(item.id, pattern)})
    if advised:
        problems.append(f"advises {', '.join(advised)}")
    given = {item.id for item in result.advice}
    wanted = [aid for aid in expect.includes if aid not in given
              and (urgency is not Urgency.EMERGENCY
                   or (ruleset is not None and ruleset.advice[aid].kind == "emergency"))]
    if wanted:
        problems.append(f"does not advise {', '.join(wanted)}")
    if expect.plan and not (isinstance(urgency, Urgency) and result.advice):
        problems.append("no plan: the result has no advice")
    if expect.safety_net and answers is not None and ruleset is not None:
        problems += safety_net_problems(ruleset, answers, urgency)
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
    if answers.get(qid) is None or (question.ask_when is not None
                                    and not question.ask_when.holds(answers, frozenset())):
        return None  # not answered, or does not apply (blank is then the normal state)
    blank = {**answers, qid: None}
    if engine.ruleset.missing_required(blank):
        return None  # refused by default: the tool names the answer it needs
    given, left = (_urgency(engine, answers, cache), _urgency(engine, blank, cache))
    if given is None or left is None or left.rank >= given.rank:
        return None
    return (f"leaving {qid} blank gives {left.value}, but {qid}: "
            f"{_shown(answers[qid])} gives {given.value}")


def _urgency(engine: Engine, answers: Mapping[str, Any],
             cache: dict[tuple[Any, ...], Urgency | None] | None) -> Urgency | None:
    key = _key(answers)
    if cache is not None and key in cache:
        return cache[key]
    try:
        urgency: Urgency | None = engine.evaluate(answers).urgency
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
        result = engine.evaluate(answers)
    except Exception as exc:  # noqa: BLE001 - a crash is a violation to report, not to raise
        return [f"evaluation failed ({type(exc).__name__})"]
    problems = broken(invariant, result, answers, engine.ruleset)
    if invariant.expect.blank_never_lowers:
        for qid in (blank,) if blank else urgency_questions(engine.ruleset):
            found = blank_problem(engine, answers, qid)
            if found:
                problems.append(found)
    return problems


def shrink(engine: Engine, invariant: Invariant, answers: Answers,
           baseline: Answers, blank: str | None = None) -> Answers:
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


def design(ruleset: Ruleset, reports: list[InvariantReport], background: list[Answers],
           bounds: Mapping[str, tuple[int, ...]], baseline: Answers) -> Iterator[Answers]:
    """The exhaustive core of each invariant over the all-pairs background."""
    for report in reports:
        cores = core_combinations(report.invariant, ruleset, bounds, baseline)
        report.core = len(cores)
        report.exhaustive = exhaustive(report.invariant, ruleset, bounds, baseline)
        report.crossed = len(cores) * len(background) <= PRODUCT_BUDGET
        if report.crossed:
            pairs: Iterable[tuple[Answers, Answers]] = itertools.product(cores, background)
        else:
            count = max(len(cores), len(background))
            pairs = ((cores[n % len(cores)], background[n % len(background)])
                     for n in range(count))
        for core, row in pairs:
            yield {**row, **core}


def samples(ruleset: Ruleset, reports: list[InvariantReport], count: int, seed: int,
            bounds: Mapping[str, tuple[int, ...]], baseline: Answers) -> Iterator[Answers]:
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
                        report)
    parts = (("designed", design(ruleset, plain, rows, bounds, baseline)),
             ("sampled", samples(ruleset, plain, samples_count, seed, bounds, baseline)))
    for part, stream in parts:
        for answers in stream:
            key = _key(answers)
            if key in seen:
                continue
            seen.add(key)
            setattr(report, part, getattr(report, part) + 1)
            _check(engine, reports, answers, part, baseline)
    report.seconds = time.perf_counter() - started
    return report


def _check(engine: Engine, reports: list[InvariantReport], answers: Answers, part: str,
           baseline: Answers) -> None:
    unscreened = bool(engine.ruleset.missing_required(answers))
    relevant = [r for r in reports
                if in_scope(r.invariant, engine.ruleset, answers, unscreened)]
    if not relevant:
        return
    try:
        result: Result | None = engine.evaluate(answers)
    except Exception:  # noqa: BLE001 - reported as a violation of each invariant in scope
        result = None
    for item in relevant:
        setattr(item, part, getattr(item, part) + 1)
        if item.failure is not None:
            continue
        problems = (broken(item.invariant, result, answers, engine.ruleset)
                    if result is not None else ["evaluation failed"])
        if problems:
            item.failure = _counterexample(engine, item.invariant, answers, baseline)


def _blank_pass(engine: Engine, item: InvariantReport, rows: list[Answers],
                bounds: Mapping[str, tuple[int, ...]], baseline: Answers, count: int,
                seed: int, seen: set[tuple[Any, ...]], report: VerifyReport) -> None:
    """``blank_answers: never_lower_urgency``: every value of every optional question that
    can change the urgency, over the background, each compared with leaving it blank;
    then the random samples, each with one such question left blank in turn."""
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


def _counterexample(engine: Engine, invariant: Invariant, answers: Answers,
                    baseline: Answers, blank: str | None = None) -> Counterexample:
    small = shrink(engine, invariant, answers, baseline, blank)
    problems = violation(engine, invariant, small, blank)
    try:
        urgency = engine.evaluate(small).urgency.value
    except Exception:  # noqa: BLE001
        urgency = "routine"
    return Counterexample(invariant, small, tuple(problems), urgency, blank)


# -------------------------------------------------------------------------- output

def deciding(example: Counterexample, ruleset: Ruleset) -> str:
    """The counterexample's answers that differ from the baseline, in questionnaire order."""
    baseline = default_baseline(ruleset)
    shown = [f"{q.id}: {_shown(example.answers.get(q.id))}" for q in ruleset.questions
             if example.answers.get(q.id) != baseline[q.id]]
    return ", ".join(shown) or "the baseline answers themselves"


def _shown(value: Any) -> str:
    if value is None:
        return "not answered"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return ", ".join(value) if isinstance(value, tuple) else str(value)


def case_yaml(example: Counterexample, ruleset: Ruleset) -> str:
    """The counterexample as a ``cases:`` entry, answers in questionnaire order."""
    invariant = example.invariant
    answers = {q.id: _plain(example.answers.get(q.id)) for q in ruleset.questions}
    observed = example.urgency
    if example.blank:  # the case is the blank one; it must get the answered urgency
        answers[example.blank] = None
    elif invariant.expect.safety_net:
        met = [point.urgency for advice in ruleset.advice.values() for point in advice.points
               if point.when is not None and point.urgency is not None
               and point.when.holds(example.answers, frozenset())]
        observed = Urgency.highest([Urgency(observed), *met]).value
    case: dict[str, Any] = {
        "id": f"CASE-{invariant.id}-COUNTEREXAMPLE",
        "title": f"{invariant.title} (counterexample found by triage rules verify)"}
    if ruleset.missing_required({k: v for k, v in answers.items() if v is not None}):
        case["missing"] = "conservative"
    case["answers"] = answers
    case["expect"] = _expect(invariant, ruleset, observed)
    text: str = yaml.safe_dump({"cases": [case]}, sort_keys=False, default_flow_style=False,
                               allow_unicode=True, width=1000)
    return text


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _expect(invariant: Invariant, ruleset: Ruleset, observed: str) -> dict[str, Any]:
    """What a case can state for this invariant (cases expect one exact urgency)."""
    expect = invariant.expect
    allowed = [level for level in Urgency if level not in expect.not_urgency]
    if expect.urgency is not None:
        urgency = expect.urgency.value
    elif expect.urgency_at_least is not None:
        urgency = expect.urgency_at_least.value
    elif expect.not_urgency and Urgency(observed) in expect.not_urgency and allowed:
        urgency = allowed[0].value
    else:
        urgency = observed
    result: dict[str, Any] = {"urgency": urgency}
    if expect.excludes:
        result["excludes"] = sorted({aid for pattern in expect.excludes
                                     for aid in fnmatch.filter(ruleset.advice, pattern)})
    if expect.includes:
        result["includes"] = list(expect.includes)
    return result


def coverage_text(report: VerifyReport) -> str:
    """What was exhaustive and what was sampled, in one paragraph."""
    numbers = "; ".join(f"{qid} {', '.join(map(str, values))}"
                        for qid, values in report.thresholds.items())
    if report.pairwise:
        background = (f"crossed with {report.background:,} background rows in which every "
                      "pair of values of any two other answers appears, numbers taking the "
                      f"values on both sides of every threshold ({numbers})")
    else:
        background = "over the baseline answers only (quick mode: no all-pairs background)"
    return textwrap.fill(
        f"Checked {report.total:,} answer sets: {report.designed:,} from the design (every "
        f"combination of the answers each invariant names, {background}) and "
        f"{report.sampled:,} random answer sets (seed {report.seed}).", width=88)


def render_report(report: VerifyReport, ruleset: Ruleset) -> str:
    """The verify report as text: PASS/FAIL per invariant, counterexamples, the coverage."""
    lines = [f"Safety invariants of {ruleset.name} {ruleset.version}: "
             f"{len(report.invariants)} declared", ""]
    for item in report.invariants:
        invariant = item.invariant
        mark = "PASS" if item.holds else "FAIL"
        how = "x every background row" if item.crossed else "paired round-robin with it"
        if not item.exhaustive:
            how = "all pairs of them, " + how
        plural = "s" if item.core != 1 else ""
        lines.append(f"{mark}  {invariant.id}: {invariant.title}")
        lines.append(f"      {item.designed:,} designed + {item.sampled:,} sampled answer sets "
                     f"in scope ({item.core:,} combination{plural} of its answers {how})")
        if item.failure is not None:
            lines.append(f"      {invariant.place}: broken: "
                         + "; ".join(item.failure.problems))
            lines.append("      the answers that matter: " + deciding(item.failure, ruleset))
            lines.append("      minimal counterexample (paste into a case file):")
            lines.extend("        " + line
                         for line in case_yaml(item.failure, ruleset).splitlines())
    held = sum(item.holds for item in report.invariants)
    lines += ["", coverage_text(report),
              f"{held} of {len(report.invariants)} invariants hold."]
    return "\n".join(lines) + "\n"
