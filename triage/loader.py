"""Load a rule set directory and check it whole: every problem at once, each with file:line."""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeGuard

from . import yamlio
from .conditions import Parser, finding_line, finding_polarity
from .errors import AnswersError, RulesetError, did_you_mean, openable, shown
from .hazards import load_hazards
from .invariants import check_baseline, load_invariants
from .model import (
    ADVICE_KINDS,
    PLACEHOLDERS,
    QUESTION_TYPES,
    RULE_STATUSES,
    Advice,
    Choice,
    FindingInfo,
    Outcome,
    Point,
    Question,
    Rule,
    Ruleset,
    Urgency,
)
from .stratify import strata

MANIFEST = "ruleset.yaml"
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
QUESTION_ID = re.compile(r"[a-z][a-z0-9_]*")
RESERVED_IDS = {"all", "any", "not", "finding", "unanswered", "all_answers"}
ALLOWED_PLACEHOLDERS = set(PLACEHOLDERS)
# Prose may run over several lines; every other text field is one line (see printable).
PROSE_KEYS = ("rationale", "text", "help", "statement", "meaning", "description",
              "disclaimer", "corrects_source", "steps", "skip_if", "cautions", "points",
              "cause", "effect", "harm")
MAX_LINE_FIELD = 500
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

RULE_KEYS = ("id", "title", "category", "when", "then", "rationale", "reason", "evidence",
             "status", "reviewed_by", "reviewed_on")
THEN_KEYS = ("urgency", "finding", "findings", "recommend", "exclude")
QUESTION_KEYS = ("id", "section", "type", "text", "help", "choices", "min", "max", "unit",
                 "danger_sign", "ask_when", "required")
ADVICE_KEYS = ("id", "kind", "title", "text", "evidence", "steps", "hold", "repetitions",
               "frequency", "skip_if", "cautions", "points", "corrects_source",
               "status", "reviewed_by", "reviewed_on")
MANIFEST_KEYS = ("name", "version", "description", "questionnaire", "advice", "rules",
                 "cases", "invariants", "findings", "hazards", "headlines", "disclaimer",
                 "locales", "default_locale")
CHOICE_KEYS = ("value", "label", "exclusive")
POINT_KEYS = ("text", "when", "urgency")
FINDING_KEYS = ("id", "meaning")
OPTIONAL_FILES = ("invariants", "findings", "hazards")

# Required keys (the JSON Schemas of triage/schemas.py are generated from these tables
# and the key tables above; tests/test_schemas.py holds them to what the loader refuses).
RULE_REQUIRED = ("id", "title", "when", "then", "rationale", "evidence", "status",
                 "reviewed_by", "reviewed_on")
QUESTION_REQUIRED = ("id", "section", "type", "text")
QUESTION_REQUIRED_BY_TYPE = {"choice": ("choices",), "multi": ("choices",),
                             "integer": ("min", "max")}
ADVICE_REQUIRED = ("id", "kind", "title", "text", "evidence")
ADVICE_REQUIRED_BY_KIND = {
    "stretch": ("hold", "repetitions", "frequency", "steps", "skip_if"),
    "otc": ("cautions",),
    "heat_cold": ("cautions",),
}
MANIFEST_REQUIRED = ("name", "version", "questionnaire", "advice", "rules", "headlines",
                     "disclaimer", "locales", "default_locale")


class _Context:
    """Problems collected while loading, and the helpers that record them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[str] = []
        self.unreadable: set[str] = set()  # files whose later checks would only echo the error

    def rel(self, path: Path) -> str:
        """The path as the user can open it: relative to the working folder, else absolute."""
        return openable(path)

    def problem(self, where: str, line: int, message: str) -> None:
        self.problems.append(f"{where}:{line}: {message}" if line else f"{where}: {message}")

    def read(self, path: Path) -> Any:
        try:
            return yamlio.load_file(path, self.rel(path))
        except yamlio.YamlError as exc:
            self.problems.append(str(exc))
            self.unreadable.add(self.rel(path))
            return None

    def keys(self, record: Mapping[str, Any], allowed: tuple[str, ...], where: str,
             what: str) -> None:
        for key in record:
            if key not in allowed and not str(key).startswith("x-"):
                self.problem(where, yamlio.line_of(record, key),
                             f"unknown key {shown(key)} in {what}{did_you_mean(str(key), allowed)}")

    def text(self, record: Mapping[str, Any], key: str, where: str, required: bool = True,
             what: str = "") -> str:
        value = record.get(key)
        if value is None or value == "":
            if required:
                self.problem(where, yamlio.line_of(record, key) or _line(record),
                             f"{what}missing {key!r}")
            return ""
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(where, yamlio.line_of(record, key), f"{what}{key!r} must be text")
            return ""
        self.printable(str(value), key, where, yamlio.line_of(record, key), what)
        return str(value).strip()

    def printable(self, value: str, key: str, where: str, line: int, what: str) -> None:
        """Clinician text reaches every output (terminal, markdown, HTML): no control
        characters (an ESC would drive the terminal, a bidi override reorder what is read),
        and in a one-line field (ids, titles, reviewers, evidence...) no line break and at
        most MAX_LINE_FIELD characters, so it cannot break a heading, table or message."""
        allowed = "\n\t" if key in PROSE_KEYS else ""
        text = value.strip()
        plain = text.replace("\n", "").replace("\t", "") if allowed else text
        odd = None if plain.isprintable() else next(  # the slow look only when needed
            (char for char in text if char not in allowed
             and (unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in BIDI_CONTROLS)),
            None)
        if odd is not None:
            kind = "a line break" if odd in "\n\r\u2028\u2029" else "a control character"
            self.problem(where, line, f"{what}{key!r} contains {kind} (U+{ord(odd):04X}); "
                         + ("it must be one line" if kind == "a line break"
                            else "remove it"))
        elif key not in PROSE_KEYS and len(value) > MAX_LINE_FIELD:
            self.problem(where, line, f"{what}{key!r} is {len(value):,} characters; a one-line "
                         f"field holds at most {MAX_LINE_FIELD}")

    def choice(self, record: Mapping[str, Any], key: str, where: str, allowed: tuple[str, ...],
               what: str = "") -> str:
        """A required text field that must be one of ``allowed`` ('' if it is not)."""
        value = self.text(record, key, where, what=what)
        if value and value not in allowed:
            self.problem(where, yamlio.line_of(record, key),
                         f"{what}{key} {shown(value)} is not one of {', '.join(allowed)}"
                         f"{did_you_mean(value, allowed)}")
            return ""
        return value

    def texts(self, record: Mapping[str, Any], key: str, where: str, required: bool = False,
              what: str = "") -> tuple[str, ...]:
        value = record.get(key)
        if value is None:
            if required:
                self.problem(where, _line(record), f"{what}missing {key!r}")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            hint = (" (put quotes around text that contains ': ')"
                    if isinstance(value, list) and any(isinstance(v, Mapping) for v in value)
                    else "")
            self.problem(where, yamlio.line_of(record, key),
                         f"{what}{key!r} must be a list of text{hint}")
            return ()
        if required and not value:
            self.problem(where, yamlio.line_of(record, key), f"{what}{key!r} must not be empty")
        for index, item in enumerate(value):
            self.printable(item, key, where, yamlio.line_of(value, index)
                           or yamlio.line_of(record, key), what)
        return tuple(v.strip() for v in value)


def _line(node: Any) -> int:
    return getattr(node, "line", 0)


def _records(ctx: _Context, data: Any, key: str, where: str) -> list[Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get(key), list):
        if where not in ctx.unreadable:
            ctx.problem(where, _line(data), f"expected a top-level {key!r} list")
            ctx.unreadable.add(where)
        return []
    good = []
    for index, record in enumerate(data[key]):
        if isinstance(record, Mapping):
            good.append(record)
        else:
            ctx.problem(where, yamlio.line_of(data[key], index),
                        f"each {key} item must be a mapping")
    return good


def load_ruleset(directory: str | Path) -> Ruleset:
    """Load and check the rule set in ``directory``; raise RulesetError listing every problem."""
    root = Path(directory)
    manifest_path = root / MANIFEST
    if not manifest_path.is_file():
        raise RulesetError([f"{root}: not a rule set directory (no {MANIFEST})"])
    ctx = _Context(root)
    manifest = ctx.read(manifest_path)
    if not isinstance(manifest, Mapping):
        if not ctx.problems:
            ctx.problem(ctx.rel(manifest_path), 1, "expected a mapping")
        raise RulesetError(ctx.problems)
    where = ctx.rel(manifest_path)
    ctx.keys(manifest, MANIFEST_KEYS, where, MANIFEST)
    files = _manifest_files(ctx, manifest, root, where)
    questions = _load_questions(ctx, files["questionnaire"])
    readable = not any(ctx.rel(path) in ctx.unreadable for path in files["questionnaire"])
    advice = _load_advice(ctx, files["advice"], questions if readable else None)
    glossary = _load_findings(ctx, files["findings"])
    vocabulary = [*files["questionnaire"], *files["advice"], *files["findings"]]
    if any(ctx.rel(path) in ctx.unreadable for path in vocabulary):
        # Every rule refers to these ids: checking rules now would only echo this error.
        raise RulesetError(ctx.problems)
    rules = _load_rules(ctx, files["rules"], questions, advice,
                        glossary if files["findings"] else None)
    invariants, baseline = load_invariants(ctx, files["invariants"], questions, advice)
    hazards = load_hazards(ctx, files["hazards"], questions, rules, invariants)
    headlines, locales, locale = _load_wording(ctx, manifest, where)
    if ctx.problems:
        raise RulesetError(ctx.problems)
    ruleset = Ruleset(
        name=ctx.text(manifest, "name", where), version=ctx.text(manifest, "version", where),
        sha256=_digest(root, [manifest_path, *files["questionnaire"], *files["advice"],
                              *files["rules"], *files["invariants"], *files["findings"],
                              *files["hazards"]]),
        root=str(root), questions=tuple(questions.values()), advice=advice,
        rules=tuple(rules), headlines=headlines,
        disclaimer=ctx.text(manifest, "disclaimer", where),
        locales=locales, default_locale=locale,
        cases=ctx.texts(manifest, "cases", where), invariants=tuple(invariants),
        findings=glossary, hazards=tuple(hazards),
    )
    try:
        checked: Ruleset = _replace(ruleset, baseline=check_baseline(ruleset, baseline))
    except AnswersError as exc:
        raise RulesetError(exc.problems) from None
    return checked


def _manifest_files(ctx: _Context, manifest: Mapping[str, Any], root: Path,
                    where: str) -> dict[str, list[Path]]:
    files: dict[str, list[Path]] = {}
    for key in ("questionnaire", "advice", "rules", "invariants", "findings", "hazards"):
        names = ctx.texts(manifest, key, where, required=key not in OPTIONAL_FILES)
        paths = []
        for name in names:
            path = (root / name).resolve()
            if root.resolve() not in path.parents:
                ctx.problem(where, yamlio.line_of(manifest, key),
                            f"{key}: {name!r} is outside the rule set directory")
            elif not path.is_file():
                ctx.problem(where, yamlio.line_of(manifest, key), f"{key}: no file {name!r}")
            else:
                paths.append(root / name)
        files[key] = paths
    return files


def _digest(root: Path, paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _load_wording(ctx: _Context, manifest: Mapping[str, Any],
                  where: str) -> tuple[dict[Urgency, str], dict[str, dict[str, str]], str]:
    headlines: dict[Urgency, str] = {}
    raw = manifest.get("headlines")
    if not isinstance(raw, Mapping):
        ctx.problem(where, yamlio.line_of(manifest, "headlines"), "missing 'headlines' mapping")
        raw = {}
    for level in Urgency:
        headlines[level] = ctx.text(raw, level.value, where, what="headlines: ")
        _check_placeholders(ctx, headlines[level], where, yamlio.line_of(raw, level.value), "")
    for key in raw:
        if key not in {level.value for level in Urgency}:
            ctx.problem(where, yamlio.line_of(raw, key), f"headlines: unknown urgency {key!r}")
    _check_placeholders(ctx, manifest.get("disclaimer"), where,
                        yamlio.line_of(manifest, "disclaimer"), "")
    locales = _locales(ctx, manifest.get("locales"), where,
                       yamlio.line_of(manifest, "locales"))
    locale = ctx.text(manifest, "default_locale", where)
    if locales and locale and locale not in locales:
        ctx.problem(where, yamlio.line_of(manifest, "default_locale"),
                    f"default_locale {locale!r} is not one of the locales: "
                    f"{', '.join(locales)}{did_you_mean(locale, locales)}")
    return headlines, locales, locale


def _locales(ctx: _Context, raw: Any, where: str, line: int) -> dict[str, dict[str, str]]:
    """The locale table: every locale names every service the wording refers to."""
    if not isinstance(raw, Mapping) or not raw:
        ctx.problem(where, line, "missing 'locales' mapping (locale: its service names: "
                    + ", ".join(PLACEHOLDERS) + ")")
        return {}
    locales: dict[str, dict[str, str]] = {}
    for name, services in raw.items():
        at = yamlio.line_of(raw, name)
        if not isinstance(services, Mapping):
            ctx.problem(where, at, f"locale {name}: give its service names as a mapping")
            continue
        ctx.keys(services, PLACEHOLDERS, where, f"locale {name}")
        locales[str(name)] = {key: ctx.text(services, key, where, what=f"locale {name}: ")
                              for key in PLACEHOLDERS}
    return locales


def _collect(ctx: _Context, paths: list[Path], key: str, kind: str,
             build: Callable[[Mapping[str, Any], str], Any]) -> dict[str, Any]:
    """Build every record of the ``key`` lists in ``paths``, refusing duplicate ids."""
    items: dict[str, Any] = {}
    for path in paths:
        where = ctx.rel(path)
        for record in _records(ctx, ctx.read(path), key, where):
            item = build(record, where)
            if item is None:
                continue
            if item.id in items:
                ctx.problem(where, _line(record), f"duplicate {kind} id {item.id!r} "
                            f"(first at {items[item.id].place})")
                continue
            items[item.id] = item
    return items


def _load_questions(ctx: _Context, paths: list[Path]) -> dict[str, Question]:
    pending: list[tuple[Question, str, Any, str, int]] = []

    def build(record: Mapping[str, Any], where: str) -> Question | None:
        question = _question(ctx, record, where)
        if question is None:
            return None
        for key in ("ask_when", "required"):
            node = record.get(key)
            if isinstance(node, Mapping) or (key == "ask_when" and node is not None):
                pending.append((question, key, node, where, yamlio.line_of(record, key)))
        return question

    questions: dict[str, Question] = _collect(ctx, paths, "questions", "question", build)
    parser = Parser(questions, ctx.problems, allow_findings=False)  # conditions see all ids
    for question, key, node, where, line in pending:
        current = questions[question.id]
        if current.place != question.place:  # a refused duplicate
            continue
        condition = parser.parse(node, where, line)
        field = "ask_when" if key == "ask_when" else "required_when"
        questions[question.id] = _replace(current, **{field: condition})
    return questions


def _replace(obj: Any, **changes: Any) -> Any:
    from dataclasses import replace

    return replace(obj, **changes)


def _question(ctx: _Context, record: Mapping[str, Any], where: str) -> Question | None:
    ctx.keys(record, QUESTION_KEYS, where, "a question")
    qid = ctx.text(record, "id", where)
    what = f"question {qid}: " if qid else ""
    if qid and (not QUESTION_ID.fullmatch(qid) or qid in RESERVED_IDS):
        ctx.problem(where, yamlio.line_of(record, "id"), f"question id {qid!r} must be "
                    "lower_case_with_underscores and not a reserved word")
        qid = ""
    qtype = ctx.choice(record, "type", where, QUESTION_TYPES, what=what)
    choices = _choices(ctx, record, qtype, where, what)
    low, high = record.get("min"), record.get("max")
    if qtype == "integer" and not (_is_int(low) and _is_int(high) and low <= high):
        ctx.problem(where, _line(record),
                    f"{what}an integer question needs whole-number min <= max")
    danger = record.get("danger_sign", False)
    if not isinstance(danger, bool):
        ctx.problem(where, yamlio.line_of(record, "danger_sign"),
                    f"{what}danger_sign must be true/false")
    required = record.get("required", False)
    if not isinstance(required, (bool, Mapping)):
        ctx.problem(where, yamlio.line_of(record, "required"), f"{what}required must be "
                    "true/false, or a condition saying when the answer is needed")
    elif danger is True and "required" in record:
        ctx.problem(where, yamlio.line_of(record, "required"), f"{what}a danger sign is "
                    "always required; remove 'required'")
    if not qid or not qtype:
        return None
    return Question(
        id=qid, section=ctx.text(record, "section", where, what=what), type=qtype,
        text=ctx.text(record, "text", where, what=what),
        help=ctx.text(record, "help", where, required=False), choices=choices,
        minimum=low if _is_int(low) else None, maximum=high if _is_int(high) else None,
        unit=ctx.text(record, "unit", where, required=False), danger_sign=danger is True,
        required=required is True or isinstance(required, Mapping),
        place=f"{where}:{_line(record)}")


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _choices(ctx: _Context, record: Mapping[str, Any], qtype: str, where: str,
             what: str) -> tuple[Choice, ...]:
    raw = record.get("choices")
    if qtype not in ("choice", "multi"):
        if raw is not None:
            ctx.problem(where, yamlio.line_of(record, "choices"),
                        f"{what}only choice/multi take choices")
        return ()
    if not isinstance(raw, list) or not raw:
        ctx.problem(where, _line(record), f"{what}needs a non-empty 'choices' list")
        return ()
    choices = []
    for index, item in enumerate(raw):
        line = yamlio.line_of(raw, index)
        if not isinstance(item, Mapping) or not isinstance(item.get("value"), str):
            ctx.problem(where, line,
                        f"{what}each choice needs a text 'value' (quote yes/no/on/off)")
            continue
        ctx.keys(item, CHOICE_KEYS, where, "a choice")
        choices.append(Choice(item["value"], ctx.text(item, "label", where, what=what),
                              exclusive=item.get("exclusive") is True))
    values = [choice.value for choice in choices]
    for value in set(values):
        if values.count(value) > 1:
            ctx.problem(where, _line(raw), f"{what}duplicate choice {value!r}")
    return tuple(choices)


def _load_advice(ctx: _Context, paths: list[Path],
                 questions: Mapping[str, Question] | None) -> dict[str, Advice]:
    """The advice catalogue; ``questions`` None when the questionnaire could not be read
    (the checklist conditions are then not parsed: they would only echo that error)."""
    parser = Parser(questions or {}, [] if questions is None else ctx.problems,
                    allow_findings=False)
    return _collect(ctx, paths, "advice", "advice",
                    lambda record, where: _advice(ctx, parser, record, where))


def _points(ctx: _Context, parser: Parser, record: Mapping[str, Any], where: str,
            what: str) -> tuple[Point, ...]:
    """A checklist: plain lines, or ``{text, when, urgency}`` tying a line to the answers
    it describes and the urgency those answers must get."""
    raw = record.get("points")
    if raw is None:
        return ()
    if not isinstance(raw, list):
        ctx.problem(where, yamlio.line_of(record, "points"), f"{what}'points' must be a list")
        return ()
    points = []
    for index, item in enumerate(raw):
        line = yamlio.line_of(raw, index)
        if isinstance(item, str) and item.strip():
            points.append(Point(item.strip(), place=f"{where}:{line}"))
            continue
        if not isinstance(item, Mapping):
            ctx.problem(where, line, f"{what}each point is a line of text, or a mapping "
                        "with text, when and urgency")
            continue
        ctx.keys(item, POINT_KEYS, where, "a point")
        text = ctx.text(item, "text", where, what=what)
        when = urgency = None
        if "when" in item or "urgency" in item:
            if "when" not in item or "urgency" not in item:
                ctx.problem(where, line, f"{what}a point gives 'when' and 'urgency' together")
            when = parser.parse(item.get("when"), where, yamlio.line_of(item, "when") or line)
            urgency = _urgency(ctx, item.get("urgency"), where,
                               yamlio.line_of(item, "urgency") or line, what)
        points.append(Point(text, when, urgency, f"{where}:{line}"))
    return tuple(points)


def _urgency(ctx: _Context, value: Any, where: str, line: int, what: str) -> Urgency | None:
    try:
        return Urgency(value)
    except ValueError:
        levels = [level.value for level in Urgency]
        ctx.problem(where, line, f"{what}urgency {shown(value)} is not one of {', '.join(levels)}"
                    f"{did_you_mean(str(value), levels)}")
        return None


def _advice(ctx: _Context, parser: Parser, record: Mapping[str, Any],
            where: str) -> Advice | None:
    ctx.keys(record, ADVICE_KEYS, where, "an advice item")
    aid = ctx.text(record, "id", where)
    what = f"advice {aid}: " if aid else ""
    kind = ctx.choice(record, "kind", where, ADVICE_KINDS, what=what)
    fields: dict[str, Any] = {
        "id": aid, "kind": kind, "title": ctx.text(record, "title", where, what=what),
        "text": ctx.text(record, "text", where, what=what),
        "evidence": ctx.texts(record, "evidence", where, required=True, what=what),
        "corrects_source": ctx.text(record, "corrects_source", where, required=False),
        "place": f"{where}:{_line(record)}",
    }
    needed = ADVICE_REQUIRED_BY_KIND.get(kind, ())
    for key in ("hold", "repetitions", "frequency"):
        fields[key] = ctx.text(record, key, where, required=key in needed, what=what)
    for key in ("steps", "skip_if", "cautions"):
        fields[key] = ctx.texts(record, key, where, required=key in needed, what=what)
    fields["points"] = _points(ctx, parser, record, where, what)
    for key, value in fields.items():
        for text in value if isinstance(value, tuple) else (value,):
            text = text.text if isinstance(text, Point) else text
            _check_placeholders(ctx, text, where, yamlio.line_of(record, key), what)
    return Advice(**fields) if aid and kind else None


def _check_placeholders(ctx: _Context, text: Any, where: str, line: int, what: str) -> None:
    if not isinstance(text, str):
        return
    for name in PLACEHOLDER.findall(text):
        if name not in ALLOWED_PLACEHOLDERS:
            ctx.problem(where, line, f"{what}unknown placeholder {{{name}}}; use one of "
                        + ", ".join("{" + known + "}" for known in PLACEHOLDERS)
                        + did_you_mean(name, PLACEHOLDERS))


def _load_findings(ctx: _Context, paths: list[Path]) -> dict[str, FindingInfo]:
    def build(record: Mapping[str, Any], where: str) -> FindingInfo | None:
        ctx.keys(record, FINDING_KEYS, where, "a finding")
        fid = ctx.text(record, "id", where)
        what = f"finding {fid}: " if fid else ""
        meaning = ctx.text(record, "meaning", where, what=what)
        return FindingInfo(fid, meaning, f"{where}:{_line(record)}") if fid else None

    return _collect(ctx, paths, "findings", "finding", build)


def _load_rules(ctx: _Context, paths: list[Path], questions: Mapping[str, Question],
                advice: Mapping[str, Advice],
                glossary: Mapping[str, FindingInfo] | None = None) -> list[Rule]:
    parser = Parser(questions, ctx.problems)
    rules = list(_collect(ctx, paths, "rules", "rule", lambda record, where: _rule(
        ctx, parser, record, where, advice, Path(where).stem)).values())
    if not any(ctx.rel(path) in ctx.unreadable for path in paths):  # else: only echoes
        live = [rule for rule in rules if rule.status != "retired"]
        if glossary is not None:
            _check_glossary(ctx, live, glossary)
        _check_findings(ctx, live, glossary)
    return rules


def _check_glossary(ctx: _Context, rules: list[Rule],
                    glossary: Mapping[str, FindingInfo]) -> None:
    """Every finding a rule asserts is in the glossary: a misspelt one is caught where it is."""
    for rule in rules:
        for name in rule.then.findings:
            if name not in glossary:
                where, _, line = rule.place.rpartition(":")
                ctx.problem(where, int(line), f"rule {rule.id}: asserts finding {name!r}, "
                            f"which is not in the findings glossary{did_you_mean(name, glossary)}")


def _rule(ctx: _Context, parser: Parser, record: Mapping[str, Any], where: str,
          advice: Mapping[str, Advice], default_category: str) -> Rule | None:
    ctx.keys(record, RULE_KEYS, where, "a rule")
    rid = ctx.text(record, "id", where)
    what = f"rule {rid}: " if rid else ""
    status = ctx.choice(record, "status", where, RULE_STATUSES, what=what)
    reviewed_on = ctx.text(record, "reviewed_on", where, what=what)
    if reviewed_on and not _is_date(reviewed_on):
        ctx.problem(where, yamlio.line_of(record, "reviewed_on"),
                    f"{what}reviewed_on must be a date like 2026-11-24")
    if "when" not in record:
        ctx.problem(where, _line(record), f"{what}missing 'when'")
    when = parser.parse(record.get("when"), where, yamlio.line_of(record, "when") or _line(record))
    then = _outcome(ctx, record.get("then"), where, yamlio.line_of(record, "then") or _line(record),
                    advice, what)
    _check_placeholders(ctx, record.get("reason"), where, yamlio.line_of(record, "reason"), what)
    rule = Rule(
        id=rid, title=ctx.text(record, "title", where, what=what),
        category=ctx.text(record, "category", where, required=False) or default_category,
        when=when, then=then, rationale=ctx.text(record, "rationale", where, what=what),
        reason=ctx.text(record, "reason", where, required=False),
        evidence=ctx.texts(record, "evidence", where, required=True, what=what),
        status=status, reviewed_by=ctx.text(record, "reviewed_by", where, what=what),
        reviewed_on=reviewed_on, place=f"{where}:{_line(record)}")
    return rule if rid else None


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _outcome(ctx: _Context, node: Any, where: str, line: int, advice: Mapping[str, Advice],
             what: str) -> Outcome:
    if not isinstance(node, Mapping) or not node:
        ctx.problem(where, line, f"{what}'then' must be a mapping with urgency, finding(s), "
                    "recommend and/or exclude")
        return Outcome()
    ctx.keys(node, THEN_KEYS, where, "'then'")
    urgency = None
    if "urgency" in node:
        urgency = _urgency(ctx, node["urgency"], where, yamlio.line_of(node, "urgency"), what)
    findings = ctx.texts(node, "finding", where) + ctx.texts(node, "findings", where)
    recommend = ctx.texts(node, "recommend", where)
    for aid in recommend:
        if aid not in advice:
            ctx.problem(where, yamlio.line_of(node, "recommend"),
                        f"{what}recommends unknown advice id {shown(aid)}"
                        f"{did_you_mean(aid, advice)}")
    exclude = ctx.texts(node, "exclude", where)
    for pattern in exclude:
        if not fnmatch.filter(advice, pattern):
            ctx.problem(where, yamlio.line_of(node, "exclude"),
                        f"{what}excludes {shown(pattern)}, which matches no advice id"
                        f"{did_you_mean(pattern, advice)}")
    return Outcome(urgency=urgency, findings=findings, recommend=recommend, exclude=exclude)


def _unasserted_with_glossary(ctx: _Context, name: str, using: list[Rule],
                              asserted: Mapping[str, list[Rule]],
                              glossary: Mapping[str, FindingInfo]) -> None:
    """A tested finding no rule asserts, when a glossary says which spellings are right."""
    undeclared = [other for other in asserted if other not in glossary]
    if name in glossary and did_you_mean(name, undeclared):
        return  # the asserting rule misspelt it: reported there, against the glossary
    hint = did_you_mean(name, sorted(set(asserted) | set(glossary)))
    for rule in using:
        where, _, line = rule.place.rpartition(":")
        ctx.problem(where, finding_line(rule.when, name) or int(line),
                    f"rule {rule.id}: tests finding {name!r}, which no rule asserts{hint}")


def _check_findings(ctx: _Context, rules: list[Rule],
                    glossary: Mapping[str, FindingInfo] | None = None) -> None:
    """Every finding a rule tests must be asserted by some rule; no cycle through ``not``."""
    asserted: dict[str, list[Rule]] = {}
    for rule in rules:
        for name in rule.then.findings:
            asserted.setdefault(name, []).append(rule)
    users: dict[str, list[Rule]] = {}
    for rule in rules:
        for name, _negated in finding_polarity(rule.when):
            users.setdefault(name, []).append(rule)
    unused = [name for name in asserted if name not in users]
    for name, using in users.items():
        if name in asserted:
            continue
        if glossary is not None:
            _unasserted_with_glossary(ctx, name, using, asserted, glossary)
            continue
        typo = did_you_mean(name, unused)
        if typo:  # most likely the asserting side is misspelt: point there
            wrong = typo.split("'")[1]
            for rule in asserted[wrong]:
                where, _, line = rule.place.rpartition(":")
                ctx.problem(where, int(line), f"rule {rule.id}: asserts finding {wrong!r}, which "
                            f"no rule uses (did you mean {name!r}, used by "
                            f"{', '.join(r.id for r in using)}?)")
            continue
        for rule in using:
            where, _, line = rule.place.rpartition(":")
            ctx.problem(where, finding_line(rule.when, name) or int(line),
                        f"rule {rule.id}: finding {name!r} is never "
                        f"asserted by any rule{did_you_mean(name, asserted)}")
    try:
        strata(rule for rule in rules if rule.status == "active")
    except RulesetError as exc:
        ctx.problems.extend(exc.problems)
