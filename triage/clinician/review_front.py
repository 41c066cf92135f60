"""The front of the review document: the cover (what it is, for whom, the sign-off table
and the sign-off items still open in the rule set's changelog), the contents, and the
questionnaire in full, as people see it.

A browser cannot print page numbers in a contents list (Chromium does not support
``target-counter()``), so the sections are numbered and every printed page says
"page N of M" at its foot (a CSS ``@page`` margin box).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from triage.documents.blocks import Block, Heading, Items, Para, Table
from triage.engine import Engine
from triage.errors import TriageError
from triage.language.model import Ruleset
from triage.language.questions import Question
from triage.pipeline import triage_answers
from triage.questionnaire.relevance import MEDICINES

CHANGELOG = "CHANGELOG.md"
_VERSION = re.compile(r"^##\s+(\d+\.\d+\.\d+)")
_SIGN_OFF = re.compile(r"^(#+\s*)?For clinical sign-off", re.IGNORECASE)
_ITEM = re.compile(r"^(\*|-|\d+\.)\s+")


def _plain_markdown(line: str) -> str:
    """A changelog line without its markdown emphasis and code marks."""
    return line.replace("**", "").replace("`", "").strip()


def open_sign_off_items(root: Path) -> list[tuple[str, str]]:
    """(version, item) for every item under a "For clinical sign-off" list in the rule
    set's ``CHANGELOG.md``, newest version first; none when there is no changelog."""
    path = root / CHANGELOG
    if not path.is_file():
        return []
    items: list[tuple[str, str]] = []
    version, inside = "", False
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = _VERSION.match(line)
        if heading:
            version, inside = heading.group(1), False
        elif _SIGN_OFF.match(line):
            inside = True
        elif inside and _ITEM.match(line):
            items.append((version, _plain_markdown(_ITEM.sub("", line))))
        elif inside and line.startswith("  ") and items:
            items[-1] = (items[-1][0], items[-1][1] + " " + _plain_markdown(line))
        elif inside and line.strip() and not line.startswith(" "):
            inside = False
    return items


def cover(ruleset: Ruleset, date: str | None, summary: Items,
          items: list[tuple[str, str]]) -> list[Block]:
    """The cover page: what the document is, for whom, the facts and the sign-off table.
    It names how many sign-off ``items`` are open (:func:`open_sign_off_items`); they are
    listed after the contents (:func:`open_items`), so a long list never pushes the cover
    onto a second page."""
    blank = ("", "", "", "", "")
    facts = [("Rule set", ruleset.name), ("Version", ruleset.version),
             ("sha256", ruleset.sha256), ("Date", date or "not dated (give --date)"),
             ("For", "clinical reviewers of the rule set"),
             ("What it is", "a review copy of the rules, for sign-off: not advice for a "
              "patient")]
    approve = ("Sign below to approve this version (the sha256 above names exactly these "
               "rule files)")
    if items:
        approve += (f", after reading the {len(items)} open sign-off items from {CHANGELOG}, "
                    "listed after the contents")
    return [
        Heading(1, f"Clinical review: {ruleset.name} {ruleset.version}", "cover"),
        Items(tuple(v for _, v in facts), labels=tuple(k for k, _ in facts)),
        Para("This document shows the questions people are asked, every rule read aloud, "
             "the advice it can give, the hazard log, the safety invariants and what the "
             f"clinical test cases cover. {approve}."),
        summary,
        Heading(2, "Sign-off", "sign-off"),
        Table(("Name", "Role", "Decision", "Date", "Signature"), (blank, blank, blank)),
    ]


def open_items(items: list[tuple[str, str]]) -> list[Block]:
    """The sign-off items still open in the changelog, newest version first (none: no
    blocks)."""
    if not items:
        return []
    return [Heading(2, f"Open sign-off items ({len(items)}, from {CHANGELOG})", "open-items"),
            Items(tuple(f"[{version}] {text}" for version, text in items), ordered=True)]


def contents(sections: list[tuple[str, str]]) -> list[Block]:
    """The contents: the numbered sections (number and title, anchor)."""
    return [Heading(2, "Contents", "contents"),
            Items(tuple(title for title, _ in sections), ordered=True),
            Para("Printed pages are numbered at the foot (page N of M); sections are "
                 "numbered as listed here.")]


# ------------------------------------------------------------------ the questionnaire


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ")


def _choices(question: Question) -> str:
    if question.type == "integer":
        unit = f" {question.unit}" if question.unit else ""
        top = "" if question.maximum is None else f" to {question.maximum}"
        return f"a whole number from {question.minimum}{top}{unit}"
    if question.type == "yes_no":
        shown = "yes, no"
    else:
        shown = "; ".join(f"{c.label} ({c.value})" for c in question.choices)
    prefix = "any of: " if question.type == "multi" else ""
    return prefix + shown + ("; not sure" if question.takes_not_sure else "")


def _asked(question: Question) -> str:
    """When ``triage ask`` asks it, as the flow decides (questionnaire.relevance): where
    it applies, and for medicines and other yes/no questions only where it matters."""
    where = "" if question.ask_when is None else f"when {question.ask_when.describe()}, "
    if question.required and question.required_when is None:
        return where.rstrip(", ") or "always"
    if question.section == MEDICINES:
        return f"{where}only when pharmacy medicines would be offered"
    if question.type != "yes_no":
        return where.rstrip(", ") or "always"
    asked = f"{where}only when its answer could change the plan"
    if question.required and question.required_when is not None:
        asked += f"; always when {question.required_when.describe()}"
    return asked


def _required(question: Question) -> str:
    if question.danger_sign:
        return "always (a danger sign)"
    if not question.required:
        return "no (may be left blank)"
    if question.required_when is not None:
        return f"when {question.required_when.describe()}"
    return "yes, where it is asked"


def danger_urgencies(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    """For each danger-sign question: (answer, urgency) for each answer other than its
    benign one, with every other answer at the rule set's benign baseline."""
    ruleset = engine.ruleset
    baseline = {k: v for k, v in ruleset.benign.items() if v is not None}
    found: dict[str, list[tuple[str, str]]] = {}
    for question in ruleset.questions:
        if not question.danger_sign:
            continue
        for value in question.values:
            if value == baseline.get(question.id) or value is False:
                continue
            try:
                result = triage_answers(engine, {**baseline, question.id: value})
            except TriageError:
                continue
            found.setdefault(question.id, []).append((_value(value), result.urgency.value))
    return found


def questionnaire(ruleset: Ruleset, urgencies: Mapping[str, list[tuple[str, str]]],
                  number: int) -> list[Block]:
    """Every question as people see it: wording, help, answers, when asked and required,
    and for a danger sign the urgency each answer gives on its own."""
    blocks: list[Block] = [
        Heading(2, f"{number}. Questionnaire", "questionnaire"),
        Para(f"{len(ruleset.questions)} questions, in the order they are asked "
             f"({sum(q.danger_sign for q in ruleset.questions)} danger signs). Danger signs "
             "are asked of everyone, before the questions about the pain, and must be "
             "answered (a blank is refused, or "
             "under --missing conservative gives at least urgent); each shows the urgency "
             "each answer gives when every other answer is benign (the baseline of the "
             "invariants).")]
    section = ""
    for question in ruleset.questions:
        if question.section != section:
            section = question.section
            blocks.append(Heading(3, section.replace("_", " ").capitalize()))
        details = [("Help", question.help), ("Answers", _choices(question))]
        if not question.danger_sign:  # a danger sign is always asked and required
            details += [("Asked", _asked(question)), ("Required", _required(question))]
        if question.id in urgencies:
            details.append(("Danger sign", "; ".join(
                f"{answer} \u2192 {level.replace('_', ' ').upper()}"
                for answer, level in urgencies[question.id])))
        shown = [(k, v) for k, v in details if v]
        blocks.append(Para(question.text, label=f"{question.id}:", flag=False))
        blocks.append(Items(tuple(v for _, v in shown), labels=tuple(k for k, _ in shown)))
    return blocks

