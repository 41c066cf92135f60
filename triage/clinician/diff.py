"""``triage rules diff``: what a proposed change to the rules changes, for review.

The definitions are compared field by field, old -> new (:mod:`.changes`): rules,
questions, advice, invariants and hazards, each safety-relevant change flagged. Then
both rule sets triage the same answer sets: every clinical case of either set (the
union, by id; the new version of a case where both have it) and a seeded sample of
complete answer sets drawn from the NEW questionnaire. Each answer set whose urgency
or advice differs is reported; every lower urgency is flagged as safety-relevant. The
examples are shrunk towards the invariants' baseline answers, as ``rules verify``
shrinks a counterexample (an answer is reset while the change persists), and printed as
YAML ready to paste into a case file.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from triage.engine import Engine
from triage.errors import MissingDangerSignsError, TriageError
from triage.intake.answers import check_answers
from triage.language.model import Ruleset, Urgency
from triage.pipeline import triage_answers
from triage.problems import NOWHERE, Place
from triage.records import record

from .cases import Case, load_cases
from .changes import FieldChange, definition_changes
from .sampling import random_answers
from .verify import shown_answer

EXAMPLES_PER_CHANGE = 3


@record
class Change:
    """One answer set whose outcome differs between the old and the new rules."""

    label: str
    place: Place
    old: Urgency
    new: Urgency
    added: tuple[str, ...]
    removed: tuple[str, ...]
    answers: Mapping[str, Any] = field(default_factory=dict, compare=False)
    deciding: str = field(default="", compare=False)  # the answers that differ from baseline

    @property
    def lowered(self) -> bool:
        return self.new.rank < self.old.rank

    @property
    def kind(self) -> str:
        if self.old == self.new:
            return f"{self.old.value} (advice only)"
        return f"{self.old.value} -> {self.new.value}"

    def lines(self) -> list[str]:
        out = [f"  {self.label}  {self.place}".rstrip()]
        if self.old != self.new:
            out.append(f"    urgency: {self.old.value} -> {self.new.value}")
        if self.added:
            out.append(f"    advice added: {', '.join(self.added)}")
        if self.removed:
            out.append(f"    advice removed: {', '.join(self.removed)}")
        return out


@dataclass
class DiffReport:
    """Everything that differs, in a stable order."""

    rules_added: list[str] = field(default_factory=list)
    rules_removed: list[str] = field(default_factory=list)
    rules_changed: list[str] = field(default_factory=list)  # rule ids
    definitions: list[FieldChange] = field(default_factory=list)
    cases_compared: int = 0
    case_changes: list[Change] = field(default_factory=list)
    cases_skipped: list[str] = field(default_factory=list)
    samples: int = 0
    seed: int = 0
    samples_skipped: int = 0
    sample_changes: list[Change] = field(default_factory=list)
    examples: list[Change] = field(default_factory=list)  # shrunk

    @property
    def changed(self) -> bool:
        return bool(self.definitions or self.case_changes or self.sample_changes)

    def safety(self) -> list[str]:
        """Every safety-relevant change, one line each: definitions, then answer sets that
        get a lower urgency."""
        lines = [f"{change.line()}  [{change.safety}]" for change in self.definitions
                 if change.safety]
        lowered = [change for change in self.case_changes if change.lowered]
        if lowered:
            lines.append(f"{len(lowered)} case(s) get a lower urgency: "
                         + ", ".join(f"{c.label} ({c.kind})" for c in lowered))
        sampled = [change for change in self.sample_changes if change.lowered]
        if sampled:
            kinds = Counter(change.kind for change in sampled)
            lines.append(f"{len(sampled)} of {self.samples} sampled answer sets get a lower "
                         "urgency: " + ", ".join(f"{k}: {n}" for k, n in sorted(kinds.items())))
        return lines

    def render(self) -> str:
        return "\n".join([*self._safety_part(), *self._rules_part(), *self._others_part(),
                          *self._cases_part(), *self._samples_part()]) + "\n"

    def _safety_part(self) -> list[str]:
        lines = self.safety()
        if not lines:
            return ["Safety-relevant changes: none", ""]
        return [f"Safety-relevant changes: {len(lines)} (read these first)",
                *(f"  ! {line}" for line in lines), ""]

    def _rules_part(self) -> list[str]:
        out = [f"Rules: {len(self.rules_changed)} changed, {len(self.rules_added)} added, "
               f"{len(self.rules_removed)} removed"]
        for rid in self.rules_changed:
            out.append(f"  changed {rid}")
            out += [f"    {c.field}: {c.old or '(none)'} -> {c.new or '(none)'}"
                    for c in self.definitions if c.kind == "rule" and c.id == rid]
        out += [f"  added {item}" for item in self.rules_added]
        out += [f"  removed {item}" for item in self.rules_removed]
        return out

    def _others_part(self) -> list[str]:
        out: list[str] = []
        for kind in ("question", "advice", "invariant", "hazard"):
            changes = [c for c in self.definitions if c.kind == kind]
            if changes:
                out += ["", f"{kind.capitalize()} changes: {len(changes)}"]
                out += [f"  {c.line()}" for c in changes]
        return out

    def _cases_part(self) -> list[str]:
        out = ["", f"Cases: {self.cases_compared} compared, {len(self.case_changes)} changed"]
        for change in self.case_changes:
            out += change.lines()
        out += [f"  skipped {item}" for item in self.cases_skipped]
        return out

    def _samples_part(self) -> list[str]:
        out = ["", f"Samples: {self.samples} answer sets (seed {self.seed}), "
               f"{self.samples_skipped} skipped (refused by the old questionnaire), "
               f"{len(self.sample_changes)} changed"]
        counts = Counter(change.kind for change in self.sample_changes)
        out += [f"  {kind}: {count}" for kind, count in sorted(counts.items())]
        examples = self.examples
        if examples:
            out += ["", "Changed samples shrunk towards the baseline answers, as cases (expect: "
                    "the NEW outcome; check it before pasting into a case file):", ""]
            out += [_as_case(change, index + 1) for index, change in enumerate(examples)]
        return out


def diff_rulesets(old: Engine, new: Engine, *, samples: int = 2000, seed: int = 0) -> DiffReport:
    """Compare two compiled rule sets on their cases and ``samples`` random answer sets."""
    report = DiffReport(samples=samples, seed=seed)
    _diff_rules(old.ruleset, new.ruleset, report)
    _diff_cases(old, new, report)
    for index, answers in enumerate(itertools.islice(random_answers(new.ruleset, seed), samples)):
        try:
            change = _compare(old, new, answers, f"sample {index + 1}", NOWHERE)
        except TriageError:
            report.samples_skipped += 1
            continue
        if change is not None:
            report.sample_changes.append(change)
    report.examples = shrunk_examples(old, new, report.sample_changes)
    return report


def _diff_rules(old: Ruleset, new: Ruleset, report: DiffReport) -> None:
    report.definitions = definition_changes(old, new)
    rules = [c for c in report.definitions if c.kind == "rule"]
    report.rules_added = sorted(c.id for c in rules if c.field == "added")
    report.rules_removed = sorted(c.id for c in rules if c.field == "removed")
    report.rules_changed = sorted({c.id for c in rules if c.field not in ("added", "removed")})


def _diff_cases(old: Engine, new: Engine, report: DiffReport) -> None:
    cases: dict[str, Case] = {case.id: case for case in load_cases(old.ruleset)}
    cases.update({case.id: case for case in load_cases(new.ruleset)})
    for cid in sorted(cases):
        case = cases[cid]
        try:
            change = _compare(old, new, case.answers, case.id, case.place, case.missing)
        except TriageError as exc:
            if not _refused_alike(old, new, case):
                report.cases_skipped.append(f"{case.id}  {case.place}: {exc}")
                continue
            change = None  # both rule sets refuse it, for want of the same answers
        report.cases_compared += 1
        if change is not None:
            report.case_changes.append(change)


def _refused_alike(old: Engine, new: Engine, case: Case) -> bool:
    """Do both rule sets refuse the case's answers, naming the same missing answers?"""
    missing = []
    for engine in (old, new):
        try:
            check_answers(engine.ruleset, case.answers, missing=case.missing)
        except MissingDangerSignsError as exc:
            missing.append(sorted(exc.missing))
        except TriageError:
            return False
    return len(missing) == 2 and missing[0] == missing[1]


def _compare(old: Engine, new: Engine, answers: Mapping[str, Any], label: str, place: Place,
             missing: str = "refuse") -> Change | None:
    """The change for one answer set, None if both give the same urgency and advice."""
    before = triage_answers(old, answers, missing=missing)
    after = triage_answers(new, answers, missing=missing)
    old_advice = {item.id for item in before.advice}
    new_advice = {item.id for item in after.advice}
    if before.urgency == after.urgency and old_advice == new_advice:
        return None
    return Change(label, place, before.urgency, after.urgency,
                  tuple(sorted(new_advice - old_advice)), tuple(sorted(old_advice - new_advice)),
                  answers)


def _weight(answers: Mapping[str, Any]) -> int:
    """How much an answer set says: yes answers and chosen list items count."""
    return sum(1 if value is True else len(value) if isinstance(value, (list, tuple)) else 0
               for value in answers.values())


def _examples(changes: list[Change]) -> list[Change]:
    """The lightest changed samples of each kind (old -> new urgency), as picked before
    shrinking; :func:`shrunk_examples` shrinks them."""
    by_kind: dict[str, list[Change]] = {}
    for change in changes:
        by_kind.setdefault(change.kind, []).append(change)
    picked = []
    for kind in sorted(by_kind):
        ranked = sorted(by_kind[kind], key=lambda c: _weight(c.answers))  # stable: sample order
        picked += ranked[:EXAMPLES_PER_CHANGE]
    return picked


def shrunk_examples(old: Engine, new: Engine, changes: list[Change]) -> list[Change]:
    """The examples of each kind, each shrunk towards the NEW rule set's baseline answers
    (every answer it can reset while the change of urgency, or of advice, persists is
    reset), without duplicates."""
    baseline = new.ruleset.benign
    seen: set[tuple[Any, ...]] = set()
    shrunk = []
    for change in _examples(changes):
        small = _shrink(old, new, change, baseline)
        key = tuple(sorted((k, repr(v)) for k, v in small.answers.items()))
        if key not in seen:
            seen.add(key)
            shrunk.append(small)
    return shrunk


def _same_kind(change: Change, trial: Change | None) -> bool:
    if trial is None:
        return False
    if change.old != change.new:
        return (trial.old, trial.new) == (change.old, change.new)
    return trial.old == trial.new == change.old


def _shrink(old: Engine, new: Engine, change: Change, baseline: Mapping[str, Any]) -> Change:
    current = {k: v for k, v in change.answers.items() if v is not None}
    best = change
    moved = True
    while moved:
        moved = False
        for question in new.ruleset.questions:
            qid, target = question.id, baseline.get(question.id)
            if current.get(qid) == target:
                continue
            trial = {k: v for k, v in {**current, qid: target}.items() if v is not None}
            try:
                found = _compare(old, new, trial, change.label, change.place)
            except TriageError:
                continue
            if found is not None and _same_kind(change, found):
                current, best, moved = trial, found, True
    deciding = ", ".join(f"{q.id}: {shown_answer(current.get(q.id))}"
                         for q in new.ruleset.questions
                         if current.get(q.id) != baseline.get(q.id))
    return dataclasses.replace(best, answers=current,
                               deciding=deciding or "the baseline answers themselves")


def _as_case(change: Change, number: int) -> str:
    answers = {key: list(value) if isinstance(value, tuple) else value
               for key, value in change.answers.items()}
    expect: dict[str, Any] = {"urgency": change.new.value}
    if change.added:
        expect["includes"] = list(change.added)
    if change.removed:
        expect["excludes"] = list(change.removed)
    title = f"{change.kind} ({change.label}; the answers that matter: {change.deciding})"
    case = {"id": f"DIFF-{number}", "title": title,
            "answers": answers, "expect": expect}
    text = yaml.safe_dump([case], sort_keys=False, default_flow_style=None, width=88,
                          allow_unicode=True)
    return "".join(f"  {line}\n" if line else "\n" for line in text.splitlines())
