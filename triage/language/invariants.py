"""Read the safety invariants file (``invariants:`` in the manifest), checked like rules.

An invariant names a scope (``for: every_answer_set`` or ``for: unscreened``), an
optional ``when`` condition on answers (the rules' own condition language) and an
``expect`` block: ``urgency``, ``urgency_at_least``, ``not_urgency``, ``excludes``
(advice ids or patterns never advised), ``includes`` (advice ids always advised),
``includes_any`` (at least one of these advice ids advised),
``if_urgency: {level: {includes, includes_any, excludes}}`` (what a result of that
urgency must or must never advise: "an emergency always carries the call-now advice"),
``plan: non_empty``, and two properties that relate a result to the answers:
``blank_answers: never_lower_urgency`` (leaving any optional answer blank never gives a
lower urgency than answering it), ``not_sure_answers: never_below_blank`` (a danger sign
answered ``not_sure`` never gives a lower urgency than leaving it blank, under
``--missing conservative``) and ``safety_net: consistent`` (every "get help if"
line the person's own answers already meet is reflected in the urgency). The file may also give
``baseline:`` answers, the benign values that counterexamples are shrunk towards.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from triage.errors import AnswersError
from triage.problems import Place, Problem, shown

from . import yamlio
from .conditions import Parser
from .fields import FieldReader, add_unique, node_line, read_urgency, records
from .model import INVARIANT_SCOPES, Advice, Expectation, Invariant, Ruleset, Urgency
from .questions import Question
from .values import typed_answers

INVARIANT_KEYS = ("id", "title", "statement", "evidence", "for", "when", "expect")
EXPECT_KEYS = ("urgency", "urgency_at_least", "not_urgency", "excludes", "includes",
               "includes_any", "if_urgency", "plan", "blank_answers", "safety_net",
               "not_sure_answers")
ADVICE_KEYS = ("excludes", "includes", "includes_any")  # the keys ``if_urgency`` takes
RELATIONS = {"blank_answers": "never_lower_urgency", "safety_net": "consistent",
             "not_sure_answers": "never_below_blank"}
FIELDS = {"blank_answers": "blank_never_lowers", "safety_net": "safety_net",
          "not_sure_answers": "not_sure_not_below_blank"}
LEVELS = tuple(level.value for level in Urgency)


def load_invariants(ctx: FieldReader, paths: list[Path], questions: Mapping[str, Question],
                    advice: Mapping[str, Advice]) -> tuple[list[Invariant], Any]:
    """Every invariant of ``paths`` and the raw ``baseline`` mapping (None if not given).

    ``ctx`` is the loader's problem collector; problems are recorded there with file:line.
    """
    parser = Parser(questions, ctx.problems, allow_findings=False)
    found: dict[str, Invariant] = {}
    baseline = None
    for path in paths:
        where = ctx.rel(path)
        data = ctx.read(path)
        if isinstance(data, Mapping) and data.get("baseline") is not None:
            baseline = (data["baseline"], where)
        for record in records(ctx, data, "invariants", where):
            item = _invariant(ctx, parser, record, where, advice)
            if item is not None:
                add_unique(ctx, found, item, record, where, "invariant")
    return list(found.values()), baseline


def check_baseline(ruleset: Ruleset, raw: Any) -> dict[str, Any] | None:
    """The baseline answers, typed; raise AnswersError naming file:line for a bad one."""
    if raw is None:
        return None
    answers, where = raw
    if not isinstance(answers, Mapping):
        raise AnswersError([Problem(Place(where),
                                    "baseline must be a mapping of question id to value")])
    values, problems = typed_answers(ruleset.question_map, answers, where)
    if problems:
        raise AnswersError(problems)
    return values


def _invariant(ctx: FieldReader, parser: Parser, record: Mapping[str, Any], where: str,
               advice: Mapping[str, Advice]) -> Invariant | None:
    ctx.keys(record, INVARIANT_KEYS, where, "an invariant")
    iid = ctx.text(record, "id", where)
    what = f"invariant {iid}: " if iid else ""
    scope = str(record.get("for", "every_answer_set"))
    if scope not in INVARIANT_SCOPES:
        ctx.misspelt(where, yamlio.line_of(record, "for"),
                     f"{what}for: {shown(scope)} is not one of {', '.join(INVARIANT_SCOPES)}",
                     scope, INVARIANT_SCOPES)
    when = None
    if record.get("when") is not None:
        when = parser.parse(record["when"], where, yamlio.line_of(record, "when"))
    line = yamlio.line_of(record, "expect") or node_line(record)
    expect = _expectation(ctx, record.get("expect"), where, line, advice, what)
    invariant = Invariant(
        id=iid, title=ctx.text(record, "title", where, what=what),
        statement=ctx.text(record, "statement", where, what=what),
        evidence=ctx.texts(record, "evidence", where, required=True, what=what),
        scope=scope, when=when, expect=expect, place=Place(where, node_line(record)))
    return invariant if iid else None


def _expectation(ctx: FieldReader, node: Any, where: str, line: int, advice: Mapping[str, Advice],
                 what: str) -> Expectation:
    if not isinstance(node, Mapping) or not node:
        ctx.problem(where, line, f"{what}'expect' must be a mapping with "
                    + ", ".join(EXPECT_KEYS))
        return Expectation()
    ctx.keys(node, EXPECT_KEYS, where, "'expect'")
    fields: dict[str, Any] = {}
    for key in ("urgency", "urgency_at_least"):
        if key in node:
            fields[key] = read_urgency(ctx, node[key], where, yamlio.line_of(node, key), what)
    if "not_urgency" in node:
        raw = node["not_urgency"]
        levels = [read_urgency(ctx, value, where, yamlio.line_of(node, "not_urgency"), what)
                  for value in (raw if isinstance(raw, list) else [raw])]
        fields["not_urgency"] = tuple(level for level in levels if level is not None)
    fields.update(_advice_fields(ctx, node, where, advice, what))
    if "if_urgency" in node:
        fields["by_urgency"] = _by_urgency(ctx, node["if_urgency"], where,
                                           yamlio.line_of(node, "if_urgency") or line,
                                           advice, what)
    for key, word in RELATIONS.items():
        if key in node:
            if node[key] != word:
                ctx.problem(where, yamlio.line_of(node, key), f"{what}{key}: must be {word!r}")
            fields[FIELDS[key]] = True
    if "plan" in node:
        if node["plan"] != "non_empty":
            ctx.problem(where, yamlio.line_of(node, "plan"), f"{what}plan: must be 'non_empty'")
        fields["plan"] = True
    return Expectation(**fields)


def _advice_fields(ctx: FieldReader, node: Mapping[str, Any], where: str,
                   advice: Mapping[str, Advice], what: str) -> dict[str, Any]:
    """``excludes`` (ids or patterns), ``includes`` and ``includes_any`` (ids), checked."""
    fields: dict[str, Any] = {}
    excludes = ctx.texts(node, "excludes", where, what=what)
    for pattern in excludes:
        if not fnmatch.filter(advice, pattern):
            ctx.misspelt(where, yamlio.line_of(node, "excludes"),
                         f"{what}excludes {shown(pattern)}, which matches no advice id",
                         pattern, advice)
    fields["excludes"] = excludes
    for key in ("includes", "includes_any"):
        ids = ctx.texts(node, key, where, what=what)
        for aid in ids:
            if aid not in advice:
                ctx.misspelt(where, yamlio.line_of(node, key),
                             f"{what}{key} unknown advice id {aid!r}", aid, advice)
        fields[key] = ids
    return fields


def _by_urgency(ctx: FieldReader, node: Any, where: str, line: int,
                advice: Mapping[str, Advice], what: str) -> tuple[tuple[Urgency, Expectation], ...]:
    """``if_urgency: {emergency: {includes: [...]}, urgent: {includes_any: [...]}}``."""
    if not isinstance(node, Mapping) or not node:
        ctx.problem(where, line, f"{what}if_urgency must map an urgency ({', '.join(LEVELS)}) "
                    "to includes, includes_any or excludes")
        return ()
    found = []
    for key, inner in node.items():
        at = yamlio.line_of(node, key) or line
        level = read_urgency(ctx, key, where, at, what)
        if not isinstance(inner, Mapping) or not inner:
            ctx.problem(where, at, f"{what}if_urgency: {shown(key)} must be a mapping with "
                        + ", ".join(ADVICE_KEYS))
            continue
        ctx.keys(inner, ADVICE_KEYS, where, f"'if_urgency: {key}'")
        if level is not None:
            found.append((level, Expectation(**_advice_fields(ctx, inner, where, advice, what))))
    return tuple(found)
