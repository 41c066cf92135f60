"""Clinical test cases: answers -> expected urgency, advice that must and must not appear.

Case files are YAML that clinicians add to. A file may give ``defaults: {answers: ...}``
merged under every case's answers (a case sets an answer to ``null`` to leave it
unanswered). Expectations name rule and advice ids, which are checked like rules are.
``expect: {refused: [ids]}`` says the answers must be refused, naming exactly those
questions as needed (a danger sign or required question left blank).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from triage.engine import Engine
from triage.errors import MissingDangerSignsError, RulesetError, TriageError
from triage.intake.answers import MISSING_MODES
from triage.language import MANIFEST, yamlio
from triage.language.model import Result, Ruleset, Urgency
from triage.language.values import typed_answers
from triage.pipeline import triage_answers
from triage.problems import NOWHERE, Place, Problem, openable, printable, shown
from triage.records import record

FILE_KEYS = ("defaults", "cases")
DEFAULTS_KEYS = ("answers",)
CASE_KEYS = ("id", "title", "source", "answers", "missing", "expect")
EXPECT_KEYS = ("urgency", "includes", "excludes", "fired", "not_fired", "findings", "refused")


@record
class Case:
    id: str
    title: str
    answers: dict[str, Any]
    expect: dict[str, Any]
    missing: str = "refuse"
    source: str = ""
    place: Place = NOWHERE


@record
class CaseOutcome:
    case: Case
    result: Result | None
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def case_files(ruleset: Ruleset, problems: list[Problem] | None = None) -> list[Path]:
    """The case files named in the manifest's ``cases:`` (files, or folders of *.yaml),
    confined like rule files: each must be inside the rule set folder once symlinks are
    resolved. One that is not is left out, and said in ``problems`` when given."""
    root = Path(ruleset.root).resolve()
    files: list[Path] = []
    for entry in ruleset.cases:
        path = Path(ruleset.root) / entry
        found = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
        for file in found:
            if root in file.resolve().parents:
                files.append(file)
            elif problems is not None:
                shown = (printable(entry) if file == path
                         else f"{printable(entry)}/{printable(file.name)}")
                problems.append(Problem(Place(openable(root / MANIFEST)), f"cases: {shown!r} is "
                                        "outside the rule set directory (case files must be "
                                        "inside it, like rule files)"))
    return files


def load_cases(ruleset: Ruleset, files: list[Path] | None = None) -> list[Case]:
    """Read and check every case; raise RulesetError listing every problem. Each file is
    read as rule files are: a regular file of at most 2 MB (a FIFO or a device is refused,
    not read)."""
    problems: list[Problem] = []
    cases: list[Case] = []
    seen: dict[str, Place] = {}
    for file in files if files is not None else case_files(ruleset, problems):
        path = openable(file)
        try:
            data = yamlio.load_file(file, path)
        except TriageError as exc:
            problems.extend(exc.problems)
            continue
        records = data.get("cases") if isinstance(data, Mapping) else None
        if not isinstance(records, list):
            problems.append(Problem(Place(path), "expected a top-level 'cases' list"))
            continue
        defaults = _defaults(ruleset, data, path, problems)
        for index, entry in enumerate(records):
            case = _case(ruleset, entry, defaults, Place(path, yamlio.line_of(records, index)),
                         problems)
            if case is None:
                continue
            if case.id in seen:
                problems.append(Problem(case.place, f"duplicate case id {case.id!r} "
                                        f"(first at {seen[case.id]})"))
            seen[case.id] = case.place
            cases.append(case)
    if problems:
        raise RulesetError(problems)
    return cases


def _defaults(ruleset: Ruleset, data: Mapping[str, Any], path: str,
              problems: list[Problem]) -> Mapping[str, Any]:
    """The file's ``defaults: {answers: ...}``, checked once, each problem at its own line
    (not once for every case it is merged into)."""
    for key in data:
        if key not in FILE_KEYS:
            problems.append(Problem.misspelt(Place(path, yamlio.line_of(data, key)),
                                             f"unknown key {shown(key)} in a case file", key,
                                             FILE_KEYS))
    defaults = data.get("defaults")
    if defaults is None:
        return {}
    at = Place(path, yamlio.line_of(data, "defaults"))
    if not isinstance(defaults, Mapping):
        problems.append(Problem(at, "defaults: expected a mapping with 'answers'"))
        return {}
    for key in defaults:
        if key not in DEFAULTS_KEYS:
            problems.append(Problem.misspelt(Place(path, yamlio.line_of(defaults, key)),
                                             f"unknown key {shown(key)} in defaults", key,
                                             DEFAULTS_KEYS))
    answers = defaults.get("answers") or {}
    if not isinstance(answers, Mapping):
        problems.append(Problem(Place(path, yamlio.line_of(defaults, "answers")),
                                "defaults: answers must be a mapping of question id to value"))
        return {}
    problems.extend(_answer_problems(ruleset, answers, Place(path), "defaults: "))
    return answers


def _answer_problems(ruleset: Ruleset, answers: Mapping[Any, Any], place: Place,
                     what: str) -> list[Problem]:
    """Unknown ids and values that do not fit, each at its own line."""
    _values, found = typed_answers(ruleset.question_map, answers, place)
    return [Problem(problem.place, what + problem.message, problem.suggestion, problem.given)
            for problem in found]


def _merged(defaults: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """The case's answers over the file's defaults, each remembering its own line, so a
    refused answer is reported where it is written."""
    merged = yamlio.YDict({**defaults, **own})
    merged.line = getattr(own, "line", 0)
    merged.key_lines = {**getattr(defaults, "key_lines", {}), **getattr(own, "key_lines", {})}
    return merged


def _case(ruleset: Ruleset, record: Any, defaults: Mapping[str, Any], place: Place,
          problems: list[Problem]) -> Case | None:
    if not isinstance(record, Mapping) or not record.get("id"):
        problems.append(Problem(place, "each case needs an 'id'"))
        return None
    for key in record:
        if key not in CASE_KEYS:
            problems.append(Problem.misspelt(place, f"unknown key {shown(key)} in a case", key,
                                             CASE_KEYS))
    own = record.get("answers") or {}
    if not isinstance(own, Mapping):
        problems.append(Problem(Place(place.file, yamlio.line_of(record, "answers")),
                                f"case {record['id']}: answers must be a mapping of question "
                                "id to value"))
        return None
    answers = _merged(defaults, own)
    expect = record.get("expect") or {}
    if not isinstance(expect, Mapping) or ("urgency" in expect) == ("refused" in expect):
        problems.append(Problem(place, f"case {record['id']}: 'expect' needs 'urgency' (or "
                                "'refused', for answers that must be refused), not both"))
        return None
    _check_expect(ruleset, expect, Place(place.file, yamlio.line_of(record, "expect")
                                         or place.line), f"case {record['id']}: ", problems)
    missing = record.get("missing", "refuse")
    if missing not in MISSING_MODES:
        problems.append(Problem(place, f"missing must be one of {', '.join(MISSING_MODES)}"))
    return Case(id=str(record["id"]), title=str(record.get("title", "")), answers=answers,
                expect=dict(expect), missing=missing, source=str(record.get("source", "")),
                place=place)


def _check_expect(ruleset: Ruleset, expect: Mapping[str, Any], place: Place, what: str,
                  problems: list[Problem]) -> None:
    """Each expectation checked, a problem at the line of the key or id it is about."""
    levels = [level.value for level in Urgency]
    known: dict[str, tuple[str, Any]] = {
        "includes": ("advice", ruleset.advice), "excludes": ("advice", ruleset.advice),
        "refused": ("question", ruleset.question_map),
        "fired": ("rule", {rule.id for rule in ruleset.rules}),
        "not_fired": ("rule", {rule.id for rule in ruleset.rules})}
    for key, value in expect.items():
        at = Place(place.file, yamlio.line_of(expect, key) or place.line)
        if key not in EXPECT_KEYS:
            problems.append(Problem.misspelt(at, f"{what}unknown expectation {shown(key)}",
                                             key, EXPECT_KEYS))
        elif key == "urgency" and value not in levels:
            problems.append(Problem.misspelt(at, f"{what}urgency must be one of "
                                             f"{', '.join(levels)}", value, levels))
        elif key in known:
            kind, ids = known[key]
            items = value if isinstance(value, list) else [] if value is None else [value]
            for index, item in enumerate(items):
                if item not in ids:
                    line = yamlio.line_of(value, index) if isinstance(value, list) else 0
                    problems.append(Problem.misspelt(
                        Place(place.file, line or at.line),
                        f"{what}unknown {kind} id {shown(item)}", item, ids))


def run_case(engine: Engine, case: Case) -> CaseOutcome:
    """Triage the case's answers and compare with what it expects."""
    refused = case.expect.get("refused")
    try:
        result = triage_answers(engine, case.answers, source=case.place, missing=case.missing)
    except MissingDangerSignsError as exc:
        if refused is not None and sorted(exc.missing) == sorted(refused):
            return CaseOutcome(case, None)
        return CaseOutcome(case, None, [f"answers rejected: {exc}"])
    except TriageError as exc:
        return CaseOutcome(case, None, [f"answers rejected: {exc}"])
    if refused is not None:
        return CaseOutcome(case, None, ["expected the answers to be refused for want of "
                                        f"{', '.join(refused)}, but they were accepted"])
    return CaseOutcome(case, result, compare(case.expect, result))


def compare(expect: Mapping[str, Any], result: Result) -> list[str]:
    """Every difference between an expectation and a result, in words."""
    problems = []
    if result.urgency.value != expect["urgency"]:
        problems.append(f"urgency: expected {expect['urgency']}, got {result.urgency.value}")
    advice = {item.id for item in result.advice}
    fired = {rule.id for rule in result.fired_rules}
    checks = (("includes", advice, True, "missing advice"),
              ("excludes", advice, False, "unexpected advice"),
              ("fired", fired, True, "rule did not fire"),
              ("not_fired", fired, False, "rule fired unexpectedly"),
              ("findings", set(result.findings), True, "missing finding"))
    for key, actual, wanted, message in checks:
        wrong = [i for i in expect.get(key) or [] if (i in actual) != wanted]
        if wrong:
            problems.append(f"{message}: {', '.join(wrong)}")
    return problems
