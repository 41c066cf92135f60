"""Reading the vocabulary rules refer to: the questionnaire, the advice catalogue and the
findings glossary, each record checked with its file:line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeGuard

from triage.problems import Place

from . import yamlio
from .conditions import Parser
from .fields import FieldReader, check_placeholders, collect, node_line, read_urgency
from .model import ADVICE_KINDS, Advice, FindingInfo, Point
from .questions import QUESTION_TYPES, Choice, Question

QUESTION_ID = re.compile(r"[a-z][a-z0-9_]*")
RESERVED_IDS = {"all", "any", "not", "finding", "unanswered", "all_answers"}
QUESTION_KEYS = ("id", "section", "type", "text", "help", "choices", "min", "max", "unit",
                 "danger_sign", "ask_when", "required", "screen")
ADVICE_KEYS = ("id", "kind", "title", "text", "evidence", "steps", "hold", "repetitions",
               "frequency", "skip_if", "cautions", "points", "corrects_source",
               "status", "reviewed_by", "reviewed_on")
CHOICE_KEYS = ("value", "label", "exclusive")
POINT_KEYS = ("text", "when", "urgency")
FINDING_KEYS = ("id", "meaning")


# Required keys (the JSON Schemas of triage/schemas.py are generated from these tables
# and the key tables above; tests/test_schemas.py holds them to what the loader refuses).
QUESTION_REQUIRED = ("id", "section", "type", "text")
QUESTION_REQUIRED_BY_TYPE = {"choice": ("choices",), "multi": ("choices",),
                             "integer": ("min", "max")}
ADVICE_REQUIRED = ("id", "kind", "title", "text", "evidence")
ADVICE_REQUIRED_BY_KIND = {
    "stretch": ("hold", "repetitions", "frequency", "steps", "skip_if"),
    "otc": ("cautions",),
    "heat_cold": ("cautions",),
}


def load_questions(ctx: FieldReader, paths: list[Path]) -> dict[str, Question]:
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

    questions: dict[str, Question] = collect(ctx, paths, "questions", "question", build)
    parser = Parser(questions, ctx.problems, allow_findings=False)  # conditions see all ids
    for question, key, node, where, line in pending:
        current = questions[question.id]
        if current.place != question.place:  # a refused duplicate
            continue
        condition = parser.parse(node, where, line)
        if key == "ask_when":
            questions[question.id] = replace(current, ask_when=condition)
        else:
            questions[question.id] = replace(current, required_when=condition)
    _check_screens(ctx, list(questions.values()))
    return questions


def _check_screens(ctx: FieldReader, questions: list[Question]) -> None:
    """Questions sharing a ``screen`` are shown together and answered on one line, one
    answer each: they must be yes/no questions of one section, all danger signs or none,
    next to each other in the file, and at least two."""
    members: dict[str, list[int]] = {}
    for index, question in enumerate(questions):
        if question.screen:
            members.setdefault(question.screen, []).append(index)
    for name, indexes in members.items():
        group = [questions[index] for index in indexes]
        first = group[0]
        where, line = first.place.file or "", first.place.line or 0
        if len(group) < 2:
            ctx.problem(where, line, f"screen {name!r} has only question {first.id}; a "
                        "screen groups two or more questions (remove 'screen')")
        if indexes != list(range(indexes[0], indexes[0] + len(indexes))):
            ctx.problem(where, line, f"screen {name!r}: its questions must be next to each "
                        "other in the file")
        for question in group:
            if question.type != "yes_no":
                ctx.problem(question.place.file or "", question.place.line or 0,
                            f"question {question.id}: only yes/no questions share a screen "
                            f"(screen {name!r})")
        if len({question.section for question in group}) > 1 or len(
                {question.danger_sign for question in group}) > 1:
            ctx.problem(where, line, f"screen {name!r}: its questions must be of one section, "
                        "and all danger signs or none")


def _question(ctx: FieldReader, record: Mapping[str, Any], where: str) -> Question | None:
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
        ctx.problem(where, node_line(record),
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
        screen=_screen(ctx, record, where, what), place=Place(where, node_line(record)))


def _screen(ctx: FieldReader, record: Mapping[str, Any], where: str, what: str) -> str:
    screen = record.get("screen")
    if screen is None:
        return ""
    if not isinstance(screen, str) or not QUESTION_ID.fullmatch(screen):
        ctx.problem(where, yamlio.line_of(record, "screen"), f"{what}screen must be a name "
                    "like cauda_equina (lower_case_with_underscores)")
        return ""
    return screen


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _choices(ctx: FieldReader, record: Mapping[str, Any], qtype: str, where: str,
             what: str) -> tuple[Choice, ...]:
    raw = record.get("choices")
    if qtype not in ("choice", "multi"):
        if raw is not None:
            ctx.problem(where, yamlio.line_of(record, "choices"),
                        f"{what}only choice/multi take choices")
        return ()
    if not isinstance(raw, list) or not raw:
        ctx.problem(where, node_line(record), f"{what}needs a non-empty 'choices' list")
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
            ctx.problem(where, node_line(raw), f"{what}duplicate choice {value!r}")
    return tuple(choices)


def load_advice(ctx: FieldReader, paths: list[Path],
                 questions: Mapping[str, Question] | None) -> dict[str, Advice]:
    """The advice catalogue; ``questions`` None when the questionnaire could not be read
    (the checklist conditions are then not parsed: they would only echo that error)."""
    parser = Parser(questions or {}, [] if questions is None else ctx.problems,
                    allow_findings=False)
    return collect(ctx, paths, "advice", "advice",
                    lambda record, where: _advice(ctx, parser, record, where))


def _points(ctx: FieldReader, parser: Parser, record: Mapping[str, Any], where: str,
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
            points.append(Point(item.strip(), place=Place(where, line)))
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
            urgency = read_urgency(ctx, item.get("urgency"), where,
                               yamlio.line_of(item, "urgency") or line, what)
        points.append(Point(text, when, urgency, Place(where, line)))
    return tuple(points)


def _advice(ctx: FieldReader, parser: Parser, record: Mapping[str, Any],
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
        "place": Place(where, node_line(record)),
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
            check_placeholders(ctx, text, where, yamlio.line_of(record, key), what)
    return Advice(**fields) if aid and kind else None


def load_findings(ctx: FieldReader, paths: list[Path]) -> dict[str, FindingInfo]:
    def build(record: Mapping[str, Any], where: str) -> FindingInfo | None:
        ctx.keys(record, FINDING_KEYS, where, "a finding")
        fid = ctx.text(record, "id", where)
        what = f"finding {fid}: " if fid else ""
        meaning = ctx.text(record, "meaning", where, what=what)
        return FindingInfo(fid, meaning, Place(where, node_line(record))) if fid else None

    return collect(ctx, paths, "findings", "finding", build)


