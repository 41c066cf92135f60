"""``triage rules check``: every problem of a rule set at once, errors and warnings.

Errors are what the loader refuses (reused, never re-implemented here), broken case
files, meaning-breaking gaps the loader lets through (an active rule relying on a
finding that only a draft or retired rule asserts), and hazard-log controls naming a
case that does not exist. Warnings are things a reviewer should look at: findings nobody
uses, advice nobody recommends, draft rules, reviews older than the allowed age, hazards
with no invariant or no case, danger-sign rules no hazard names, and danger-sign
questions that are hard to read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import field
from pathlib import Path
from typing import Any

from triage.engine import Engine
from triage.errors import MAX_REPORT_LINES_PER_FILE, RulesetError
from triage.language import yamlio
from triage.language.conditions import All, AnyOf, Condition, HasFinding, Not, finding_polarity
from triage.language.loader import load_ruleset
from triage.language.model import Rule, Ruleset, Urgency
from triage.problems import NOWHERE, Place, Problem, bounded_lines, openable
from triage.records import record

from .cases import Case, load_cases
from .formats import CheckFormat

DEFAULT_MAX_REVIEW_AGE = 365
SEVERITIES = ("error", "warning", "note")  # a note: a check skipped (another error)


@record(order=True)
class Issue:
    """One line of the ``rules check`` report: a problem and how serious it is, in the
    order of its place (``line`` is 0 when the whole file is meant)."""

    file: str
    line: int
    severity: str
    message: str  # the problem's text, its suggestion included
    problem: Problem = field(compare=False, repr=False)

    @classmethod
    def of(cls, problem: Problem, severity: str = "error") -> Issue:
        place = problem.place or NOWHERE
        return cls(place.file, place.line, "note" if problem.note else severity, problem.text,
                   problem)

    def __str__(self) -> str:
        return f"{self.problem.place or Place(self.file, self.line)}: {self.severity}: " \
            f"{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "severity": self.severity,
                "message": self.message}


@record
class CheckReport:
    """The problems found, sorted by place, and what was checked."""

    problems: list[Issue]
    counts: dict[str, int] = field(default_factory=dict)  # rules, advice, questions

    @property
    def errors(self) -> list[Issue]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> str:
        what = ", ".join(f"{self.counts[key]} {key}" for key in ("rules", "advice", "questions")
                         if key in self.counts)
        tally = (f"{len(self.errors)} error{'s' if len(self.errors) != 1 else ''}, "
                 f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}")
        return f"{what}: {tally}" if what else tally

    def render(self, format: CheckFormat = CheckFormat.TEXT) -> str:
        """The report: one ``file:line: severity: message`` line per problem (at most
        :data:`~triage.errors.MAX_REPORT_LINES_PER_FILE` a file) and the summary, or
        every problem as JSON."""
        if format is CheckFormat.JSON:
            document = {"problems": [p.to_dict() for p in self.problems],
                        "counts": self.counts, "errors": len(self.errors),
                        "warnings": len(self.warnings)}
            return json.dumps(document, indent=2, sort_keys=True) + "\n"
        listed = bounded_lines(((issue.file, str(issue)) for issue in self.problems),
                               more=" (--format json lists them all)",
                               per_file=MAX_REPORT_LINES_PER_FILE)
        return "".join(f"{line}\n" for line in listed) + self.summary() + "\n"


def check(directory: str | Path, *, max_review_age: int = DEFAULT_MAX_REVIEW_AGE,
          today: dt.date | None = None) -> CheckReport:
    """Check the rule set in ``directory`` whole: loader errors, case files, then warnings."""
    try:
        ruleset = load_ruleset(directory)
    except RulesetError as exc:
        return CheckReport(sorted({Issue.of(problem) for problem in exc.problems}))
    cases, case_problems = _cases(ruleset)
    problems = [*_refused(Engine, ruleset), *case_problems,
                *_urgency_contradictions(ruleset),
                *_draft_only_findings(ruleset), *_never_fire(ruleset),
                *_unused_findings(ruleset), *_unrecommended_advice(ruleset),
                *_drafts(ruleset), *_reviews(ruleset, max_review_age, today or dt.date.today()),
                *_hazards(ruleset, cases), *_readability(ruleset), *_stale_schemas(ruleset)]
    counts = {"rules": len(ruleset.rules), "advice": len(ruleset.advice),
              "questions": len(ruleset.questions)}
    return CheckReport(sorted(set(problems)), counts)


def _at(place: Place, severity: str, message: str) -> Issue:
    return Issue.of(Problem(place, message), severity)


def _refused(step: Callable[[Ruleset], object], ruleset: Ruleset) -> list[Issue]:
    """The problems a further step on the loaded rules refuses them for: compiling them
    (a condition too complex for the engine: check passes nothing `triage run` would
    refuse)."""
    try:
        step(ruleset)
    except RulesetError as exc:
        return [Issue.of(problem) for problem in exc.problems]
    return []


def _cases(ruleset: Ruleset) -> tuple[list[Case] | None, list[Issue]]:
    """The clinical cases (None if a case file is broken) and their problems."""
    try:
        return load_cases(ruleset), []
    except RulesetError as exc:
        return None, [Issue.of(problem) for problem in exc.problems]


DANGER_SIGN_CATEGORY = "red_flag"  # rules in red_flag.* categories are danger-sign rules


def _hazards(ruleset: Ruleset, cases: list[Case] | None) -> list[Issue]:
    """Case controls that do not exist (errors); hazards with no invariant or no case, and
    danger-sign rules that no hazard names as a control (warnings)."""
    if not ruleset.hazards:
        return []
    problems = []
    known = {case.id for case in cases} if cases is not None else None
    if known is None and any(hazard.controls.get("cases") for hazard in ruleset.hazards):
        problems.append(Issue.of(Problem(Place(ruleset.hazards[0].place.file),
                                         "hazard-log case controls not checked: the case files "
                                         "have errors (above)", note=True)))
    for hazard in ruleset.hazards:
        for kind in ("invariants", "cases"):
            if not hazard.controls.get(kind):
                problems.append(_at(hazard.place, "warning", f"hazard {hazard.id}: no "
                                    f"{kind[:-1]} among its controls"))
        for cid in hazard.controls.get("cases", ()):
            if known is not None and cid not in known:
                place = Place(hazard.place.file, hazard.control_lines.get("cases", 0))
                problems.append(Issue.of(Problem.misspelt(
                    place, f"hazard {hazard.id}: control {cid!r} is not one of the rule set's "
                    "cases", cid, known)))
    named = {rid for hazard in ruleset.hazards for rid in hazard.controls.get("rules", ())}
    for rule in ruleset.active_rules:
        if rule.category.split(".")[0] == DANGER_SIGN_CATEGORY and rule.id not in named:
            problems.append(_at(rule.place, "warning", f"danger-sign rule {rule.id} is not "
                                "a control of any hazard in the hazard log"))
    return problems


def _readability(ruleset: Ruleset) -> list[Issue]:
    """Danger-sign questions above the reading age, or with a sentence over 20 words."""
    from .readability import measure

    found = measure(ruleset)
    if found.error:
        return [_at(NOWHERE, "warning", found.summary())]
    return [_at(flag.place, "warning", flag.message) for flag in found.flags]


# A finding or advice that says how urgent the rule's sign is: the rule's own urgency must
# be at least that, or the plan reads "URGENT: see a doctor today" over "call 999" (a
# danger-sign rule lowered without its finding; found in a trial with RF-CES-SADDLE).
URGENCY_OF_FINDING = {"red_flag_emergency": Urgency.EMERGENCY,
                      "red_flag_urgent": Urgency.URGENT}
EMERGENCY_KIND = "emergency"  # the advice catalogue's kind of emergency advice


def _urgency_contradictions(ruleset: Ruleset) -> list[Issue]:
    """An error for each active rule that sets an urgency below what its own findings or
    advice say: a ``red_flag_emergency`` finding or emergency advice (its kind) with urgency
    below emergency, a ``red_flag_urgent`` finding with urgency below urgent. A rule with
    no urgency (a gate) is not judged: it passes on what others decided."""
    problems = []
    for rule in ruleset.active_rules:
        urgency = rule.then.urgency
        if urgency is None:
            continue
        needs = [(f"the finding {name}", level) for name, level in URGENCY_OF_FINDING.items()
                 if name in rule.then.findings]
        needs += [(f"the advice {advice}", Urgency.EMERGENCY) for advice in rule.then.recommend
                  if advice in ruleset.advice and ruleset.advice[advice].kind == EMERGENCY_KIND]
        below = [(what, level) for what, level in needs if urgency.rank < level.rank]
        if below:  # one error per rule, naming every finding and advice that disagree
            level = max((level for _, level in below), key=lambda level: level.rank)
            whats = " and ".join(what for what, _ in below)
            problems.append(_at(rule.place, "error", (
                f"rule {rule.id}: urgency {urgency.value} is lower than {whats} "
                f"{'says' if len(below) == 1 else 'say'} ({level.value}); raise the urgency "
                f"to {level.value}, or take out {whats} if the sign no longer needs "
                f"{level.value} care")))
    return problems


def _never_fire(ruleset: Ruleset) -> list[Issue]:
    """A warning for each active rule that can never fire whatever the answers: it needs a
    finding that only rules which can never fire assert (two rules each needing the
    other's finding), or its condition can never hold.

    Worked out forwards: a rule may fire if its condition can hold with the findings that
    some rule which may fire asserts (answers are taken as able to be anything); each rule
    is looked at again only when a finding it tests becomes possible, so this is linear in
    the size of the rules.
    """
    active = ruleset.active_rules
    testers: dict[str, list[Rule]] = {}
    for rule in active:
        for name, _negated in finding_polarity(rule.when):
            testers.setdefault(name, []).append(rule)
    possible: set[str] = set()
    fires: set[str] = set()
    todo = list(active)
    while todo:
        rule = todo.pop()
        if rule.id in fires or not _can_hold(rule.when, False, possible):
            continue
        fires.add(rule.id)
        for name in rule.then.findings:
            if name not in possible:
                possible.add(name)
                todo.extend(testers.get(name, ()))
    asserters = _asserters(active)
    problems = []
    for rule in active:
        if rule.id in fires:
            continue
        needed = [name for name, negated in finding_polarity(rule.when)
                  if not negated and name not in possible]
        reason = (f"it needs finding {needed[0]!r}, which only rules that can never fire "
                  f"assert ({', '.join(r.id for r in asserters.get(needed[0], []))})"
                  if needed else "its condition can never hold")
        problems.append(_at(rule.place, "warning", f"rule {rule.id} can never fire: {reason}"))
    return problems


def _can_hold(condition: Condition, negated: bool, possible: set[str]) -> bool:
    """Can the condition (negated: its opposite) hold, when only the ``possible`` findings
    can hold and answers can be anything? (Generous where unsure: only a rule that surely
    cannot fire gets a warning.)"""
    if isinstance(condition, HasFinding):
        return negated or condition.name in possible
    if isinstance(condition, Not):
        return _can_hold(condition.item, not negated, possible)
    if isinstance(condition, (All, AnyOf)):
        each = (_can_hold(item, negated, possible) for item in condition.items)
        return all(each) if isinstance(condition, All) != negated else any(each)
    return True


def _asserters(rules: Iterable[Rule]) -> dict[str, list[Rule]]:
    found: dict[str, list[Rule]] = {}
    for rule in rules:
        for name in rule.then.findings:
            found.setdefault(name, []).append(rule)
    return found


def _users(rules: Iterable[Rule]) -> dict[str, list[Rule]]:
    found: dict[str, list[Rule]] = {}
    for rule in rules:
        for name, _negated in finding_polarity(rule.when):
            found.setdefault(name, []).append(rule)
    return found


def _draft_only_findings(ruleset: Ruleset) -> list[Issue]:
    """An active rule testing a finding that no active rule asserts can never fire as meant."""
    active = _asserters(ruleset.active_rules)
    others = _asserters(rule for rule in ruleset.rules if rule.status != "active")
    problems = []
    for name, using in _users(ruleset.active_rules).items():
        if name in active or name not in others:
            continue  # the loader reports findings nobody asserts
        by = ", ".join(f"{rule.id} ({rule.status})" for rule in others[name])
        for rule in using:
            problems.append(_at(rule.place, "error", f"rule {rule.id}: finding {name!r} is "
                                f"asserted only by rules that do not run: {by}"))
    return problems


def _unused_findings(ruleset: Ruleset) -> list[Issue]:
    """One warning per finding that active rules assert, none test and the glossary does not
    declare (at its first asserter); one per glossary entry no active rule asserts."""
    users = _users(ruleset.active_rules)
    asserted = _asserters(ruleset.active_rules)
    problems = [_at(info.place, "warning", f"finding {name!r} is in the glossary but no "
                    "active rule asserts it")
                for name, info in ruleset.findings.items() if name not in asserted]
    for name, rules in asserted.items():
        if name not in users and name not in ruleset.findings:
            ids = ", ".join(rule.id for rule in rules)
            problems.append(_at(rules[0].place, "warning", f"finding {name!r} (asserted by "
                                f"{ids}) is used by no active rule: it only labels the result "
                                "(declare it in the findings glossary if that is intended)"))
    return problems


def _unrecommended_advice(ruleset: Ruleset) -> list[Issue]:
    recommended = {aid for rule in ruleset.active_rules for aid in rule.then.recommend}
    return [_at(item.place, "warning", f"advice {aid!r} is never recommended by an active rule")
            for aid, item in ruleset.advice.items() if aid not in recommended]


def _drafts(ruleset: Ruleset) -> list[Issue]:
    return [_at(rule.place, "warning", f"rule {rule.id} is a draft: it does not run until "
                "its status is active")
            for rule in ruleset.rules if rule.status == "draft"]


def _reviews(ruleset: Ruleset, max_age: int, today: dt.date) -> list[Issue]:
    problems = []
    for rule in ruleset.rules:
        if rule.status == "retired":
            continue
        reviewed = dt.date.fromisoformat(rule.reviewed_on)  # the loader checked the format
        age = (today - reviewed).days
        if age > max_age:
            problems.append(_at(rule.place, "warning", f"rule {rule.id}: last reviewed "
                                f"{rule.reviewed_on}, {age} days ago (more than {max_age})"))
        elif age < 0:
            problems.append(_at(rule.place, "warning", f"rule {rule.id}: reviewed_on "
                                f"{rule.reviewed_on} is after today ({today.isoformat()})"))
    return problems


def _stale_schemas(ruleset: Ruleset) -> list[Issue]:
    """Shipped schemas that no longer match the questionnaire or the code (editors would lie)."""
    from .schemas import SCHEMA_DIR, schemas

    folder = Path(ruleset.root) / SCHEMA_DIR
    if not folder.is_dir():
        return []
    problems = []
    for name, text in schemas(ruleset).items():
        path = folder / name
        try:
            current = yamlio.read_limited(path, openable(path)).decode("utf-8", "replace")
        except yamlio.YamlError:  # missing, or not a regular file: out of date either way
            current = None
        if current != text:
            problems.append(_at(Place(openable(path)), "warning", "schema is out of date: run "
                                f"python -m triage.schemas {openable(Path(ruleset.root))}"))
    return problems

