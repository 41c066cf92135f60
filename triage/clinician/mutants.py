"""Mutation testing of a rule set: is every rule guarded by an invariant or a case?

Each mutant is the rule set with one rule weakened in memory (:func:`mutants`): its
condition switched off (it never fires), or one of its effects dropped (its urgency, one
recommended advice id, one exclusion, one finding). A mutant is

* **caught** when an invariant or a clinical case fails on it, where it held on the rule
  set as written. The invariants are checked over the quick design (what ``triage rules
  verify --quick`` checks), the rows of the all-pairs design of every answer, the
  random samples (the same rows and samples the full ``verify`` lays its cores over)
  and the cases' answers;
* **equivalent** when no answer set tried (all of those and the cases) gets another
  urgency or other advice:
  the rule, or that effect, is covered by others (:attr:`MutantOutcome.subsumed_by`);
* **survived** otherwise: some answer set's result changes and nothing notices.

How it stays fast: every answer set is run once on the rules as written, and a mutant
can only change the result where its rule fired. A dropped urgency, advice id or
exclusion changes nothing about which rules fire, so those results are re-assembled
from the recorded firing without running the engine; a switched-off condition or a
dropped finding recompiles the rules and re-runs only the answer sets where the rule
fired. Mutants are spread over ``jobs`` processes (forked, sharing the recorded runs).
"""

from __future__ import annotations

import fnmatch
import itertools
import multiprocessing
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from triage.engine import Engine
from triage.engine.plan import Firing, urgency_of
from triage.errors import TriageError
from triage.intake.answers import check_answers
from triage.language.conditions import AnyOf, finding_polarity
from triage.language.model import Invariant, Result, Rule, Ruleset, Urgency
from triage.language.stratify import strata
from triage.records import record

from .answer_space import (
    AnswerSet,
    core_combinations,
    default_baseline,
    in_scope,
    levels,
    pairwise,
    thresholds,
)
from .cases import Case, compare, load_cases
from .verify import InvariantReport, _key, broken, design, samples

QUICK_SAMPLES = 200  # random answer sets of the quick design (as ``verify --quick``)
SAFETY_PREFIXES = ("red_flag.", "medicines.")
NEVER = AnyOf(())  # a condition that can never hold
_STATE: dict[str, Any] = {}  # what forked workers inherit: the engine, the probe


# ------------------------------------------------------------------------ mutants

@record
class Mutant:
    """One weakening of one rule: ``kind`` is condition, urgency, recommend, exclude or
    finding; ``target`` the effect dropped (empty for condition)."""

    rule: str
    kind: str
    target: str = ""

    @property
    def label(self) -> str:
        if self.kind == "condition":
            return "condition switched off"
        return f"without {self.kind} {self.target}"

    def apply(self, rule: Rule) -> Rule:
        """The rule with this mutation."""
        then = rule.then
        if self.kind == "condition":
            return replace(rule, when=NEVER)
        if self.kind == "urgency":
            return replace(rule, then=replace(then, urgency=None))
        def kept(items: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(item for item in items if item != self.target)
        if self.kind == "recommend":
            return replace(rule, then=replace(then, recommend=kept(then.recommend)))
        if self.kind == "exclude":
            return replace(rule, then=replace(then, exclude=kept(then.exclude)))
        return replace(rule, then=replace(then, findings=kept(then.findings)))

    @property
    def reruns(self) -> bool:
        """Does this mutant change which rules fire (so the engine must run again)?"""
        return self.kind in ("condition", "finding")


def mutants(rule: Rule) -> list[Mutant]:
    """The mutants of one rule: condition off, then each effect dropped in turn."""
    found = [Mutant(rule.id, "condition")]
    if rule.then.urgency is not None:
        found.append(Mutant(rule.id, "urgency", rule.then.urgency.value))
    found += [Mutant(rule.id, "recommend", aid) for aid in rule.then.recommend]
    found += [Mutant(rule.id, "exclude", pattern) for pattern in rule.then.exclude]
    found += [Mutant(rule.id, "finding", name) for name in rule.then.findings]
    return found


def safety_relevant(ruleset: Ruleset) -> frozenset[str]:
    """Rules whose every mutant must be caught: danger signs and gates (``red_flag.*``),
    medicines (``medicines.*``), any rule a hazard names as a control, any exclusion."""
    controls = {rid for hazard in ruleset.hazards for rid in hazard.controls.get("rules", ())}
    return frozenset(rule.id for rule in ruleset.active_rules
                     if rule.category.startswith(SAFETY_PREFIXES) or rule.id in controls
                     or rule.then.exclude)


# ------------------------------------------------------------------------ the probe

@dataclass
class Probe:
    """The answer sets every mutant is judged on, and what the rules as written give.

    ``checks``: answer set -> the invariants of the quick design in scope for it;
    ``blanks``: (invariant, answered set, blanked set) pairs of ``blank_answers``;
    ``cases``: each case with its answer set.
    """

    answers: list[AnswerSet] = field(default_factory=list)
    firings: list[Firing] = field(default_factory=list)
    checks: dict[int, tuple[Invariant, ...]] = field(default_factory=dict)
    blanks: list[tuple[Invariant, int, int]] = field(default_factory=list)
    cases: list[tuple[Case, int]] = field(default_factory=list)
    fired_by: dict[str, tuple[int, ...]] = field(default_factory=dict)
    _index: dict[tuple[Any, ...], int] = field(default_factory=dict)
    _results: dict[int, Result] = field(default_factory=dict)

    def result(self, ruleset: Ruleset, index: int) -> Result:
        """The (light) result of the rules as written for one answer set."""
        found = self._results.get(index)
        if found is None:
            firing = self.firings[index]
            found = self._results[index] = light_result(ruleset, firing.rules,
                                                        firing.findings, self.answers[index])
        return found

    def add(self, ruleset: Ruleset, raw: Mapping[str, Any], missing: str = "conservative",
            source: Any = "answers") -> int | None:
        """The index of an answer set (added if new), typed as ``triage run`` types it;
        None if the answers are refused (that does not depend on the rules)."""
        try:
            typed = check_answers(ruleset, raw, source=source, missing=missing).values
        except TriageError:
            return None
        key = _key(typed)
        if key not in self._index:
            self._index[key] = len(self.answers)
            self.answers.append(typed)
        return self._index[key]


def build_probe(engine: Engine, *, samples_count: int = 2000, seed: int = 0,
                jobs: int = 1) -> Probe:
    """The quick design, the ``blank_answers`` pairs, the cases, the rows of the all-pairs
    design and ``samples_count`` random answer sets; each run once on the rules as
    written."""
    ruleset = engine.ruleset
    probe = Probe()
    baseline = default_baseline(ruleset)
    bounds = thresholds(ruleset)
    plain = [InvariantReport(i) for i in ruleset.invariants if not i.expect.blank_never_lowers]
    quick = (list(design(ruleset, plain, [dict(baseline)], bounds, baseline))
             + list(samples(ruleset, plain, QUICK_SAMPLES, seed, bounds, baseline)))
    for raw in quick:
        index = probe.add(ruleset, raw)
        if index is None or index in probe.checks:
            continue
        unscreened = bool(ruleset.missing_required(probe.answers[index]))
        probe.checks[index] = tuple(r.invariant for r in plain if in_scope(
            r.invariant, ruleset, probe.answers[index], unscreened))
    for invariant in ruleset.invariants:
        if invariant.expect.blank_never_lowers:
            _blank_pairs(probe, ruleset, invariant, baseline, bounds, seed)
    for case in load_cases(ruleset):
        if case.expect.get("refused") is None:
            index = probe.add(ruleset, case.answers, case.missing, case.place)
            if index is not None:
                probe.cases.append((case, index))
    factors = [(q.id, levels(q, bounds, baseline)) for q in ruleset.questions]
    more = itertools.chain(pairwise(factors, seed),
                           samples(ruleset, plain, samples_count, seed, bounds, baseline))
    for raw in more:  # the all-pairs rows and the samples of the full verify
        probe.add(ruleset, raw)
    for index, answers in enumerate(probe.answers):  # every invariant, on every answer set
        if index not in probe.checks:
            unscreened = bool(ruleset.missing_required(answers))
            probe.checks[index] = tuple(r.invariant for r in plain if in_scope(
                r.invariant, ruleset, answers, unscreened))
    probe.firings = _first_runs(engine, probe.answers, jobs)
    fired: dict[str, list[int]] = {}
    for index, firing in enumerate(probe.firings):
        for rule in firing.rules:
            fired.setdefault(rule.id, []).append(index)
    probe.fired_by = {rid: tuple(found) for rid, found in fired.items()}
    return probe


def _first_runs(engine: Engine, answers: list[AnswerSet], jobs: int) -> list[Firing]:
    """Every answer set run once on the rules as written (in ``jobs`` processes)."""
    if jobs <= 1 or len(answers) < 100:
        return [engine.run(item) for item in answers]
    _STATE.update(engine=engine, answers=answers)
    size = -(-len(answers) // (jobs * 4))
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_fork()) as pool:
            parts = list(pool.map(_run_slice, range(0, len(answers), size),
                                  [size] * len(range(0, len(answers), size))))
    finally:
        _STATE.clear()
    by_id = {rule.id: rule for rule in engine.rules}
    return [Firing(tuple(by_id[rid] for rid in ids), findings)
            for part in parts for ids, findings in part]


def _run_slice(start: int, size: int) -> list[tuple[tuple[str, ...], frozenset[str]]]:
    engine: Engine = _STATE["engine"]
    found = []
    for answers in _STATE["answers"][start:start + size]:
        firing = engine.run(answers)
        found.append((tuple(rule.id for rule in firing.rules), firing.findings))
    return found


def _fork() -> Any:
    """Workers are forked: they share the compiled rules and the recorded runs."""
    return multiprocessing.get_context("fork")


def _blank_pairs(probe: Probe, ruleset: Ruleset, invariant: Invariant, baseline: AnswerSet,
                 bounds: Mapping[str, tuple[int, ...]], seed: int) -> None:
    """The answer sets ``verify --quick`` compares with one answer left blank: each value
    of each optional question that can change the urgency, then the samples."""
    from .answer_space import urgency_questions

    blanked = urgency_questions(ruleset)
    cores = core_combinations(invariant, ruleset, bounds, baseline)
    pairs: list[tuple[AnswerSet, str | None]] = [({**baseline, **core}, next(iter(core)))
                                                 for core in cores]
    for index, answers in enumerate(samples(ruleset, [], QUICK_SAMPLES, seed, bounds,
                                            baseline)):
        answered = [q for q in blanked if answers.get(q) is not None]
        pairs.append((answers, answered[index % len(answered)] if answered else None))
    for answers, qid in pairs:
        if qid is None or not in_scope(invariant, ruleset, answers):
            continue
        if answers.get(qid) is None or not ruleset.question_map[qid].applies(answers):
            continue
        blank = {**answers, qid: None}
        if ruleset.missing_required(blank):
            continue
        given, left = probe.add(ruleset, answers), probe.add(ruleset, blank)
        if given is not None and left is not None:
            probe.blanks.append((invariant, given, left))


# ------------------------------------------------------------------------ judging

@record
class MutantOutcome:
    """What became of one mutant."""

    mutant: Mutant
    status: str  # caught | survived | equivalent
    caught_by: tuple[str, ...] = ()  # invariant and case ids, invariants first
    subsumed_by: tuple[str, ...] = ()  # equivalent: rules that fire whenever it does and
    #                                     cover what it does
    changed: int = 0  # survived: answer sets whose urgency or advice changes
    example: AnswerSet | None = None  # survived: the first such answer set
    seconds: float = 0.0


@dataclass
class MutationReport:
    ruleset: Ruleset
    outcomes: list[MutantOutcome]
    safety: frozenset[str]
    answer_sets: int = 0  # distinct answer sets in the probe
    checked: int = 0  # of which checked by an invariant or a case
    jobs: int = 1
    seconds: float = 0.0

    def of(self, safety_only: bool = False) -> list[MutantOutcome]:
        return [o for o in self.outcomes if not safety_only or o.mutant.rule in self.safety]

    def score(self, safety_only: bool = False) -> tuple[int, int]:
        """(caught, mutants that are not equivalent)."""
        outcomes = self.of(safety_only)
        live = [o for o in outcomes if o.status != "equivalent"]
        return sum(o.status == "caught" for o in live), len(live)

    @property
    def failed(self) -> list[MutantOutcome]:
        """Surviving mutants of safety-relevant rules (exit 1)."""
        return [o for o in self.of(True) if o.status == "survived"]

    def status_by_rule(self) -> dict[str, str]:
        """Rule id -> its mutation status in one line, for the review document."""
        guarded = self.guarded_by()
        found: dict[str, str] = {}
        for rid in dict.fromkeys(o.mutant.rule for o in self.outcomes):
            outcomes = [o for o in self.outcomes if o.mutant.rule == rid]
            survived = [o.mutant.label for o in outcomes if o.status == "survived"]
            equivalent = [o.mutant.label for o in outcomes if o.status == "equivalent"]
            text = ("SURVIVED (no invariant or case notices): " + "; ".join(survived) + ". "
                    if survived else "")
            if guarded.get(rid):
                text += "guarded by: " + ", ".join(guarded[rid])
            if equivalent:
                text += (". " if guarded.get(rid) else "") + "changes nothing: " \
                    + "; ".join(equivalent)
            found[rid] = text
        return found

    def guarded_by(self) -> dict[str, tuple[str, ...]]:
        """Rule id -> the invariants and cases that catch its mutants (first ones first)."""
        found: dict[str, dict[str, None]] = {}
        for outcome in self.outcomes:
            names = found.setdefault(outcome.mutant.rule, {})
            for name in outcome.caught_by[:2]:
                names[name] = None
        return {rid: tuple(sorted(names, key=lambda n: (not n.startswith("INV-"), n)))
                for rid, names in found.items()}


def light_result(ruleset: Ruleset, rules: Sequence[Rule], findings: frozenset[str],
                 answers: Mapping[str, Any]) -> Result:
    """What invariants and cases read of a result (the urgency, the advice given, the
    findings and the rules that fired: as :class:`Rule` objects, which carry the ``id``
    read), without the wording or the list of what was held back. The urgency is the
    plan's own; the advice follows the plan's rule: an exclusion always wins."""
    urgency, unscreened = urgency_of(ruleset, rules, answers)
    recommended = {aid for rule in rules for aid in rule.then.recommend}
    removed: set[str] = set()
    for rule in rules:
        for pattern in rule.then.exclude:
            removed |= ruleset.advice_matching(pattern)
    order = ruleset.advice_order
    advice = tuple(ruleset.advice[aid] for aid in sorted(recommended - removed,
                                                        key=order.__getitem__))
    fired: Any = tuple(rules)  # read only for their ids
    return Result(urgency=urgency, headline="", advice=advice, excluded=(),
                  findings=tuple(sorted(findings)), fired_rules=fired,
                  unscreened=unscreened, not_answered=(), ruleset={}, disclaimer="",
                  emergency_number="")


class Refiring:
    """Which rules fire once one rule is mutated, from the firing of the rules as written.

    Rules talk to each other only through findings, so only the rules that read a finding
    the mutant no longer asserts (and, in turn, the rules that read theirs) can fire
    differently. Those are judged again on the answers and the remaining findings, stratum
    by stratum (a ``not finding`` only after every rule that can assert it), exactly as
    the engine orders them; every other rule fires as it did.
    """

    def __init__(self, ruleset: Ruleset, rule: Rule, mutated: Rule, mutant: Mutant) -> None:
        rules = ruleset.active_rules
        self.rule, self.mutated, self.mutant = rule, mutated, mutant
        self.order = {r.id: n for n, r in enumerate(rules)}
        level = strata(rules)
        readers: dict[str, list[Rule]] = {}
        for other in rules:
            for name, _ in finding_polarity(other.when):
                readers.setdefault(name, []).append(other)
        lost = set(rule.then.findings) if mutant.kind == "condition" else {mutant.target}
        redo: dict[str, Rule] = {}
        while lost:
            name = lost.pop()
            for reader in readers.get(name, ()):
                if reader.id not in redo:
                    redo[reader.id] = reader
                    lost |= set(reader.then.findings)
        if mutant.kind == "condition":
            redo.pop(rule.id, None)
        elif rule.id in redo:
            redo[rule.id] = mutated
        self.redo = sorted(redo.values(), key=lambda r: (level[r.id], self.order[r.id]))
        self.levels = [level[r.id] for r in self.redo]
        self.redone = frozenset(r.id for r in self.redo)

    def __call__(self, firing: Firing, answers: Mapping[str, Any]) -> Firing:
        fired: list[Rule] = []
        for r in firing.rules:
            if r.id in self.redone:
                continue
            if r.id == self.rule.id:
                if self.mutant.kind == "condition":
                    continue
                r = self.mutated
            fired.append(r)
        findings = {name for r in fired for name in r.then.findings}
        done = {r.id for r in fired}
        start = 0
        while start < len(self.redo):
            end = start
            while end < len(self.redo) and self.levels[end] == self.levels[start]:
                end += 1
            changed = True
            while changed:  # one stratum to its fixpoint
                changed = False
                for r in self.redo[start:end]:
                    if r.id not in done and r.when.holds(answers, findings):
                        done.add(r.id)
                        fired.append(r)
                        findings |= set(r.then.findings)
                        changed = True
            start = end
        fired.sort(key=lambda r: self.order[r.id])
        return Firing(tuple(fired), frozenset(findings))


SPOT_CHECKS = 4  # answer sets per re-fired mutant also run by a freshly compiled engine


def judge(engine: Engine, probe: Probe, mutant: Mutant) -> MutantOutcome:
    """Run one mutant over the probe's answer sets where its rule fired."""
    started = time.perf_counter()
    ruleset = engine.ruleset
    rule = next(r for r in ruleset.active_rules if r.id == mutant.rule)
    mutated = mutant.apply(rule)
    affected = probe.fired_by.get(rule.id, ())
    firing_of = _firings(engine, probe, rule, mutated, mutant, affected)
    changed: dict[int, Result] = {}
    for index in affected:
        firing = firing_of(index)
        before = probe.firings[index]
        if firing == before:
            continue
        result = light_result(ruleset, firing.rules, firing.findings, probe.answers[index])
        old = probe.result(ruleset, index)
        if _advised(result) != _advised(old) or _shown(result) != _shown(old):
            changed[index] = result
    caught = _catchers(ruleset, probe, changed)
    if caught:
        return MutantOutcome(mutant, "caught", caught, seconds=time.perf_counter() - started)
    differs = [i for i, result in changed.items()
               if _advised(result) != _advised(probe.result(ruleset, i))]
    if differs or not affected:
        example = probe.answers[differs[0]] if differs else None
        return MutantOutcome(mutant, "survived", changed=len(differs), example=example,
                             seconds=time.perf_counter() - started)
    return MutantOutcome(mutant, "equivalent",
                         subsumed_by=subsumers(ruleset, probe, rule, mutant),
                         seconds=time.perf_counter() - started)


def _firings(engine: Engine, probe: Probe, rule: Rule, mutated: Rule, mutant: Mutant,
             affected: Sequence[int]) -> Callable[[int], Firing]:
    """How the mutant fires on one answer set of the probe."""
    if not mutant.reruns:
        def swapped(index: int) -> Firing:
            firing = probe.firings[index]
            return Firing(tuple(mutated if r is rule else r for r in firing.rules),
                          firing.findings)
        return swapped
    refire = Refiring(engine.ruleset, rule, mutated, mutant)
    rules = tuple(mutated if r is rule else r for r in engine.ruleset.rules)
    compiled = Engine(replace(engine.ruleset, rules=rules))
    step = max(1, len(affected) // SPOT_CHECKS)
    for index in affected[::step][:SPOT_CHECKS]:  # the shortcut, checked against the engine
        answers = probe.answers[index]
        if _ids(refire(probe.firings[index], answers)) != _ids(compiled.run(answers)):
            return lambda index: compiled.run(probe.answers[index])
    return lambda index: refire(probe.firings[index], probe.answers[index])


def _ids(firing: Firing) -> tuple[Any, ...]:
    return tuple(r.id for r in firing.rules), firing.findings


def _advised(result: Result) -> tuple[Urgency, tuple[str, ...]]:
    """What the person is told: the urgency and the advice ids."""
    return result.urgency, tuple(item.id for item in result.advice)


def _shown(result: Result) -> tuple[Any, ...]:
    """What a case can also expect: the rules that fired and the findings."""
    return tuple(rule.id for rule in result.fired_rules), result.findings


def _catchers(ruleset: Ruleset, probe: Probe, changed: Mapping[int, Result]) -> tuple[str, ...]:
    """The invariants and cases that fail on the changed results but held before."""
    found: dict[str, None] = {}
    for index, result in changed.items():
        old = probe.result(ruleset, index)
        answers = probe.answers[index]
        for invariant in probe.checks.get(index, ()):
            if invariant.id not in found and broken(invariant, result, answers, ruleset) \
                    and not broken(invariant, old, answers, ruleset):
                found[invariant.id] = None
    for invariant, given, left in probe.blanks:
        if invariant.id not in found and (given in changed or left in changed):
            now = [changed[i].urgency if i in changed else probe.result(ruleset, i).urgency
                   for i in (given, left)]
            before = [probe.result(ruleset, i).urgency for i in (given, left)]
            if now[1].rank < now[0].rank and not before[1].rank < before[0].rank:
                found[invariant.id] = None
    cases: dict[str, None] = {}
    for case, index in probe.cases:
        if index in changed and compare(case.expect, changed[index]) \
                and not compare(case.expect, probe.result(ruleset, index)):
            cases[case.id] = None
    return tuple(found) + tuple(cases)


def subsumers(ruleset: Ruleset, probe: Probe, rule: Rule, mutant: Mutant) -> tuple[str, ...]:
    """Rules that fired on every answer set where ``rule`` fired and that do what the
    mutant dropped (for a switched-off condition: each of its effects, by some rule)."""
    affected = probe.fired_by.get(rule.id, ())
    always: set[str] | None = None
    for index in affected:
        ids = {r.id for r in probe.firings[index].rules} - {rule.id}
        always = ids if always is None else always & ids
    partners = [r for r in ruleset.active_rules if r.id in (always or set())]
    wanted = ([m for m in mutants(rule) if m.kind != "condition"]
              if mutant.kind == "condition" else [mutant])
    found: dict[str, None] = {}
    for effect in wanted:
        cover = next((r.id for r in partners if _covers(ruleset, r, effect)), None)
        if cover is None:
            return ()  # no single rule covers it: the answer sets tried show no change
        found[cover] = None
    return tuple(found)


def _covers(ruleset: Ruleset, other: Rule, effect: Mutant) -> bool:
    then = other.then
    if effect.kind == "urgency":
        return then.urgency is not None and then.urgency.rank >= Urgency(effect.target).rank
    if effect.kind == "recommend":
        return effect.target in then.recommend
    if effect.kind == "finding":
        return effect.target in then.findings
    matched = ruleset.advice_matching(effect.target)  # exclude: every id it names
    return bool(matched) and all(any(fnmatch.fnmatch(aid, pattern) for pattern in then.exclude)
                                 for aid in matched)


def _judge_in_worker(mutant: Mutant) -> MutantOutcome:
    return judge(_STATE["engine"], _STATE["probe"], mutant)


def mutation_test(engine: Engine, *, jobs: int = 1, samples_count: int = 2000, seed: int = 0,
                  only: Iterable[str] = ()) -> MutationReport:
    """Judge every mutant of every active rule (or of the rules in ``only``)."""
    started = time.perf_counter()
    ruleset = engine.ruleset
    wanted = set(only)
    probe = build_probe(engine, samples_count=samples_count, seed=seed, jobs=jobs)
    todo = [m for rule in ruleset.active_rules if not wanted or rule.id in wanted
            for m in mutants(rule)]
    outcomes = _run(engine, probe, todo, jobs)
    checked = len(set(probe.checks) | {i for _, i in probe.cases}
                  | {i for _, g, b in probe.blanks for i in (g, b)})
    return MutationReport(ruleset, outcomes, safety_relevant(ruleset),
                          answer_sets=len(probe.answers), checked=checked, jobs=jobs,
                          seconds=time.perf_counter() - started)


def _run(engine: Engine, probe: Probe, todo: Sequence[Mutant], jobs: int) -> list[MutantOutcome]:
    if jobs <= 1 or len(todo) < 2:
        return [judge(engine, probe, mutant) for mutant in todo]
    _STATE.update(engine=engine, probe=probe)
    # the slow ones (recompiling) first, so the workers finish together
    order = sorted(range(len(todo)), key=lambda n: not todo[n].reruns)
    try:
        with ProcessPoolExecutor(max_workers=jobs, mp_context=_fork()) as pool:
            done = list(pool.map(_judge_in_worker, [todo[n] for n in order], chunksize=4))
    finally:
        _STATE.clear()
    outcomes: list[MutantOutcome | None] = [None] * len(todo)
    for n, outcome in zip(order, done, strict=True):
        outcomes[n] = outcome
    return [o for o in outcomes if o is not None]


# ------------------------------------------------------------------------ the report

def describe(outcome: MutantOutcome, report: MutationReport) -> str:
    """The outcome in words: who caught it, what subsumes it, or what changes unnoticed."""
    if outcome.status == "caught":
        shown = ", ".join(outcome.caught_by[:3])
        more = len(outcome.caught_by) - 3
        return f"caught by {shown}" + (f" and {more} more" if more > 0 else "")
    if outcome.status == "equivalent":
        if outcome.subsumed_by:
            return "equivalent: subsumed by " + ", ".join(outcome.subsumed_by)
        if outcome.mutant.kind == "finding" and not any(
                name == outcome.mutant.target
                for rule in report.ruleset.active_rules
                for name, _ in finding_polarity(rule.when)):
            return "equivalent: no rule reads this finding"
        return ("equivalent: no answer set tried gets another urgency or other advice "
                "(no single rule found that covers it: review)")
    if outcome.changed == 0:
        return "survived: the rule fires on no answer set tried"
    return (f"survived: {outcome.changed} answer sets get another urgency or other advice "
            "and no invariant or case fails")


def render_text(report: MutationReport) -> str:
    """The table (survivors and equivalents in full, caught mutants one line per rule) and
    the score."""
    ruleset = report.ruleset
    lines = [f"Mutation test of {ruleset.name} {ruleset.version}: {len(report.outcomes)} "
             f"mutants of {len({o.mutant.rule for o in report.outcomes})} rules, judged on "
             f"{report.answer_sets:,} answer sets (the invariants' quick design, the all-pairs "
             "rows, the samples and the cases)", ""]
    by_rule: dict[str, list[MutantOutcome]] = {}
    for outcome in report.outcomes:
        by_rule.setdefault(outcome.mutant.rule, []).append(outcome)
    guarded = report.guarded_by()
    width = max((len(rid) for rid in by_rule), default=0)
    for rid, outcomes in by_rule.items():
        mark = "*" if rid in report.safety else " "
        caught = sum(o.status == "caught" for o in outcomes)
        status = ("SURVIVED" if any(o.status == "survived" for o in outcomes)
                  else "guarded" if caught else "equivalent")
        by = ", ".join(guarded.get(rid, ())[:4]) or "-"
        lines.append(f"{status:<10} {mark} {rid:<{width}}  {caught}/{len(outcomes)} caught; "
                     f"guarded by: {by}")
        for outcome in outcomes:
            if outcome.status != "caught":
                lines.append(f"{'':13} {outcome.mutant.label}: {describe(outcome, report)}")
    overall, safety = report.score(), report.score(True)
    equivalent = sum(o.status == "equivalent" for o in report.outcomes)
    lines += ["", "* safety-relevant (red_flag.*, medicines.*, a hazard control, or an "
              "exclusion): every mutant must be caught", "",
              f"Score: {_score(overall)} of the mutants caught ({equivalent} equivalent "
              f"left out); safety-relevant rules: {_score(safety)}."]
    unproven = [o for o in report.of(True) if o.status == "equivalent"
                and describe(o, report).endswith("review)")]
    if unproven:
        lines.append(f"{len(unproven)} equivalent mutants of safety-relevant rules rest on the "
                     "answer sets tried alone (no rule found that subsumes them): "
                     + ", ".join(f"{o.mutant.rule} {o.mutant.label}" for o in unproven)
                     + ". Check that nothing should tell them apart.")
    if report.failed:
        lines.append(f"{len(report.failed)} mutants of safety-relevant rules survived: add "
                     "an invariant or a case that tells them apart, or remove the rule.")
    return "\n".join(lines) + "\n"


def _score(pair: tuple[int, int]) -> str:
    caught, total = pair
    percent = 100.0 * caught / total if total else 100.0
    return f"{caught}/{total} ({percent:.1f}%)"


def to_json(report: MutationReport) -> dict[str, Any]:
    """The report for CI: every mutant, the scores and whether it failed."""
    def score(pair: tuple[int, int]) -> dict[str, int]:
        return {"caught": pair[0], "mutants": pair[1]}
    return {
        "ruleset": report.ruleset.info(),
        "answer_sets": report.answer_sets, "checked": report.checked,
        "score": score(report.score()), "safety_score": score(report.score(True)),
        "failed": bool(report.failed),
        "guarded_by": {rid: list(names) for rid, names in sorted(report.guarded_by().items())},
        "mutants": [{"rule": o.mutant.rule, "mutation": o.mutant.kind,
                     "target": o.mutant.target, "status": o.status,
                     "safety_relevant": o.mutant.rule in report.safety,
                     "caught_by": list(o.caught_by), "subsumed_by": list(o.subsumed_by),
                     "changed": o.changed, "note": describe(o, report),
                     "example": _plain_answers(o.example)}
                    for o in report.outcomes],
    }


def _plain_answers(answers: AnswerSet | None) -> dict[str, Any] | None:
    """A survivor's first changed answer set, as an answers file would give it."""
    if answers is None:
        return None
    return {qid: list(value) if isinstance(value, tuple) else value
            for qid, value in answers.items() if value is not None}
