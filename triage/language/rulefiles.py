"""Reading rule files: each rule's condition and outcome checked against the vocabulary,
and the findings rules test checked against those they assert (no cycle through ``not``)."""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from triage.errors import RulesetError
from triage.problems import Place, Problem, shown, suggest

from . import yamlio
from .conditions import Parser, finding_line, finding_polarity
from .fields import FieldReader, check_placeholders, collect, node_line, read_urgency
from .model import RULE_STATUSES, Advice, FindingInfo, Outcome, Rule
from .questions import Question
from .stratify import strata

RULE_KEYS = ("id", "title", "category", "when", "then", "rationale", "reason", "evidence",
             "status", "reviewed_by", "reviewed_on")
THEN_KEYS = ("urgency", "finding", "findings", "recommend", "exclude")
RULE_REQUIRED = ("id", "title", "when", "then", "rationale", "evidence", "status",
                 "reviewed_by", "reviewed_on")


def load_rules(ctx: FieldReader, paths: list[Path], questions: Mapping[str, Question],
                advice: Mapping[str, Advice],
                glossary: Mapping[str, FindingInfo] | None = None) -> list[Rule]:
    parser = Parser(questions, ctx.problems)
    rules = list(collect(ctx, paths, "rules", "rule", lambda record, where: _rule(
        ctx, parser, record, where, advice, Path(where).stem)).values())
    if not any(ctx.rel(path) in ctx.unreadable for path in paths):  # else: only echoes
        live = [rule for rule in rules if rule.status != "retired"]
        if glossary is not None:
            _check_glossary(ctx, live, glossary)
        _check_findings(ctx, live, glossary)
    return rules


def _check_glossary(ctx: FieldReader, rules: list[Rule],
                    glossary: Mapping[str, FindingInfo]) -> None:
    """Every finding a rule asserts is in the glossary: a misspelt one is caught where it is."""
    for rule in rules:
        for name in rule.then.findings:
            if name not in glossary:
                ctx.problems.append(Problem.misspelt(
                    rule.place, f"rule {rule.id}: asserts finding {name!r}, which is not in "
                    "the findings glossary", name, glossary))


def _rule(ctx: FieldReader, parser: Parser, record: Mapping[str, Any], where: str,
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
        ctx.problem(where, node_line(record), f"{what}missing 'when'")
    line = node_line(record)
    when = parser.parse(record.get("when"), where, yamlio.line_of(record, "when") or line)
    then = _outcome(ctx, record.get("then"), where, yamlio.line_of(record, "then") or line,
                    advice, what)
    check_placeholders(ctx, record.get("reason"), where, yamlio.line_of(record, "reason"), what)
    rule = Rule(
        id=rid, title=ctx.text(record, "title", where, what=what),
        category=ctx.text(record, "category", where, required=False) or default_category,
        when=when, then=then, rationale=ctx.text(record, "rationale", where, what=what),
        reason=ctx.text(record, "reason", where, required=False),
        evidence=ctx.texts(record, "evidence", where, required=True, what=what),
        status=status, reviewed_by=ctx.text(record, "reviewed_by", where, what=what),
        reviewed_on=reviewed_on, place=Place(where, node_line(record)))
    return rule if rid else None


def _is_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _outcome(ctx: FieldReader, node: Any, where: str, line: int, advice: Mapping[str, Advice],
             what: str) -> Outcome:
    if not isinstance(node, Mapping) or not node:
        ctx.problem(where, line, f"{what}'then' must be a mapping with urgency, finding(s), "
                    "recommend and/or exclude")
        return Outcome()
    ctx.keys(node, THEN_KEYS, where, "'then'")
    urgency = None
    if "urgency" in node:
        urgency = read_urgency(ctx, node["urgency"], where, yamlio.line_of(node, "urgency"), what)
    findings = ctx.texts(node, "finding", where) + ctx.texts(node, "findings", where)
    recommend = ctx.texts(node, "recommend", where)
    for aid in recommend:
        if aid not in advice:
            ctx.misspelt(where, yamlio.line_of(node, "recommend"),
                         f"{what}recommends unknown advice id {shown(aid)}", aid, advice)
    exclude = ctx.texts(node, "exclude", where)
    for pattern in exclude:
        if not fnmatch.filter(advice, pattern):
            ctx.misspelt(where, yamlio.line_of(node, "exclude"),
                         f"{what}excludes {shown(pattern)}, which matches no advice id",
                         pattern, advice)
    return Outcome(urgency=urgency, findings=findings, recommend=recommend, exclude=exclude)


def _unasserted_with_glossary(ctx: FieldReader, name: str, using: list[Rule],
                              asserted: Mapping[str, list[Rule]],
                              glossary: Mapping[str, FindingInfo]) -> None:
    """A tested finding no rule asserts, when a glossary says which spellings are right."""
    undeclared = [other for other in asserted if other not in glossary]
    if name in glossary and suggest(name, undeclared):
        return  # the asserting rule misspelt it: reported there, against the glossary
    for rule in using:
        ctx.problems.append(Problem.misspelt(
            _finding_place(rule, name), f"rule {rule.id}: tests finding {name!r}, which no "
            "rule asserts", name, set(asserted) | set(glossary)))


def _finding_place(rule: Rule, name: str) -> Place:
    """Where the rule tests finding ``name`` (the rule's own line if not known)."""
    return Place(rule.place.file, finding_line(rule.when, name) or rule.place.line)


def _check_findings(ctx: FieldReader, rules: list[Rule],
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
        wrong = suggest(name, unused)
        if wrong is not None:  # most likely the asserting side is misspelt: point there
            for rule in asserted[wrong]:
                ctx.problems.append(Problem(
                    rule.place, f"rule {rule.id}: asserts finding {wrong!r}, which no rule uses "
                    f"(did you mean {name!r}, used by {', '.join(r.id for r in using)}?)"))
            continue
        for rule in using:
            ctx.problems.append(Problem.misspelt(
                _finding_place(rule, name), f"rule {rule.id}: finding {name!r} is never "
                "asserted by any rule", name, asserted))
    try:
        strata(rule for rule in rules if rule.status == "active")
    except RulesetError as exc:
        ctx.problems.extend(exc.problems)
