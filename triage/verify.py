"""Check the declared safety invariants over the answer space; shrink any counterexample.

The answer space is far too large to enumerate (18 danger signs and 8 medicines answers
alone give ~150 million combinations), so it is covered in three honest parts:

1. **exhaustive core**: for each invariant, every combination of the values of the
   questions its ``when`` names (numbers: both sides of every threshold) that satisfies it;
   for ``for: unscreened``, each danger sign left unanswered alone, and all of them;
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
import random
import textwrap
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from .conditions import All, AnyOf, Compare, Condition, Not, Unanswered
from .engine import Engine
from .model import Invariant, Question, Result, Ruleset, Urgency
from .sampling import random_answers

PRODUCT_BUDGET = 2000  # core x background above this: paired round-robin instead
Answers = dict[str, Any]


@dataclass
class InvariantReport:
    """How one invariant fared: how many answer sets in its scope were checked."""

    invariant: Invariant
    core: int = 0  # combinations of the answers it names
    crossed: bool = True  # core fully crossed with the background (else round-robin)
    designed: int = 0  # answer sets from the exhaustive + all-pairs design in its scope
    sampled: int = 0  # random answer sets in its scope
    failure: Counterexample | None = None

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
    derived: Answers = {}
    for question in ruleset.questions:
        if question.type == "yes_no":
            derived[question.id] = False
        elif question.type == "choice":
            values = question.values
            derived[question.id] = "none" if "none" in values else values[0]
        elif question.type == "multi":
            exclusive = [c.value for c in question.choices if c.exclusive]
            derived[question.id] = tuple(exclusive[:1])
        else:
            derived[question.id] = question.minimum or 0
    given = {k: tuple(v) if isinstance(v, list) else v
             for k, v in (ruleset.baseline or {}).items()}
    baseline = {**derived, **given}
    for question in ruleset.questions:  # not asked of this person: left unanswered
        if question.id not in given and question.ask_when is not None \
                and not question.ask_when.holds(baseline, frozenset()):
            baseline[question.id] = None
    return baseline


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


def core_combinations(invariant: Invariant, ruleset: Ruleset,
                      bounds: Mapping[str, tuple[int, ...]], baseline: Answers) -> list[Answers]:
    """Every combination of the named answers that puts an answer set in scope."""
    named = sorted({node.question for node in walk(invariant.when)
                    if isinstance(node, (Compare, Unanswered))})
    options = []
    for qid in named:
        question = ruleset.question_map[qid]
        values = levels(question, bounds, baseline)
        if invariant.scope == "unscreened" and question.danger_sign:
            values += (None,)
        options.append(values)
    combos = [dict(zip(named, values, strict=True)) for values in itertools.product(*options)]
    combos = [c for c in combos if invariant.when is None or invariant.when.holds(c, frozenset())]
    if invariant.scope != "unscreened":
        return combos
    signs = ruleset.danger_signs
    gaps = [{sign: None} for sign in signs] + [dict.fromkeys(signs)]
    return [{**gap, **combo} for combo in combos for gap in gaps]


def in_scope(invariant: Invariant, ruleset: Ruleset, answers: Mapping[str, Any]) -> bool:
    """Does the invariant speak about this answer set?"""
    unscreened = any(answers.get(sign) is None for sign in ruleset.danger_signs)
    if unscreened != (invariant.scope == "unscreened"):
        return False
    return invariant.when is None or invariant.when.holds(answers, frozenset())


# ------------------------------------------------------------------------ checking

def broken(invariant: Invariant, result: Result) -> list[str]:
    """What the result does that the invariant forbids (empty: it holds)."""
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
    if expect.plan and not (isinstance(urgency, Urgency) and result.advice):
        problems.append("no plan: the result has no advice")
    return problems


def violation(engine: Engine, invariant: Invariant, answers: Mapping[str, Any]) -> list[str]:
    """Empty if the invariant holds for this answer set (or does not speak about it)."""
    if not in_scope(invariant, engine.ruleset, answers):
        return []
    try:
        result = engine.evaluate(answers)
    except Exception as exc:  # noqa: BLE001 - a crash is a violation to report, not to raise
        return [f"evaluation failed ({type(exc).__name__})"]
    return broken(invariant, result)


def shrink(engine: Engine, invariant: Invariant, answers: Answers,
           baseline: Answers) -> Answers:
    """Reset answers to the baseline one at a time while the invariant still fails."""
    current = dict(answers)
    changed = True
    while changed:
        changed = False
        for question in engine.ruleset.questions:
            qid = question.id
            if current.get(qid) == baseline[qid]:
                continue
            trial = {**current, qid: baseline[qid]}
            if violation(engine, invariant, trial):
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
    parts = (("designed", design(ruleset, reports, rows, bounds, baseline)),
             ("sampled", samples(ruleset, reports, samples_count, seed, bounds, baseline)))
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
    relevant = [r for r in reports if in_scope(r.invariant, engine.ruleset, answers)]
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
        problems = (broken(item.invariant, result) if result is not None
                    else ["evaluation failed"])
        if problems:
            item.failure = _counterexample(engine, item.invariant, answers, baseline)


def _counterexample(engine: Engine, invariant: Invariant, answers: Answers,
                    baseline: Answers) -> Counterexample:
    small = shrink(engine, invariant, answers, baseline)
    problems = violation(engine, invariant, small)
    try:
        urgency = engine.evaluate(small).urgency.value
    except Exception:  # noqa: BLE001
        urgency = "routine"
    return Counterexample(invariant, small, tuple(problems), urgency)


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
    case: dict[str, Any] = {
        "id": f"CASE-{invariant.id}-COUNTEREXAMPLE",
        "title": f"{invariant.title} (counterexample found by triage rules verify)"}
    if any(answers[sign] is None for sign in ruleset.danger_signs):
        case["missing"] = "conservative"
    case["answers"] = answers
    case["expect"] = _expect(invariant, ruleset, example.urgency)
    return yaml.safe_dump({"cases": [case]}, sort_keys=False, default_flow_style=False,
                          allow_unicode=True, width=1000)


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
