"""The data dictionary: the questions as rows, a text table and a JSON Schema for answers."""

from __future__ import annotations

import json
import textwrap
from enum import StrEnum
from typing import Any

from triage.language.model import Ruleset
from triage.language.questions import Question


def _allowed(question: Question) -> str:
    if question.type == "integer":
        unit = f" {question.unit}" if question.unit else ""
        return f"{question.minimum}-{question.maximum}{unit}"
    if question.type == "yes_no":
        return "yes | no | not_sure" if question.takes_not_sure else "yes | no"
    joined = " | ".join(question.values)
    return f"list of: {joined}" if question.type == "multi" else joined


def dictionary_rows(ruleset: Ruleset) -> list[dict[str, Any]]:
    """One mapping per question, in questionnaire order."""
    rows = []
    for question in ruleset.questions:
        row: dict[str, Any] = {
            "id": question.id, "section": question.section, "type": question.type,
            "danger_sign": question.danger_sign, "text": question.text, "help": question.help,
        }
        if question.required and not question.danger_sign:
            row["required_when"] = (question.required_when.describe()
                                    if question.required_when else "always")
        if question.type == "integer":
            row.update(minimum=question.minimum, maximum=question.maximum, unit=question.unit)
        if question.choices:
            row["choices"] = [{"value": c.value, "label": c.label} for c in question.choices]
        row["asked_when"] = question.ask_when.describe() if question.ask_when else "always"
        rows.append(row)
    return rows


def render_dictionary(ruleset: Ruleset) -> str:
    """A plain-text table of every question, grouped by section."""
    out = [f"Data dictionary of rule set {ruleset.name} {ruleset.version}",
           "Danger signs (*) are always asked; an unanswered danger sign is never taken as no.",
           "Required questions (+) must be answered where they apply, like danger signs.",
           "Every danger sign also takes not_sure (added in rule set 0.2.1): never read as no,",
           "and at least a same-day check with no home treatment.",
           ""]
    section = None
    for question in ruleset.questions:
        if question.section != section:
            if section is not None:
                out.append("")
            section = question.section
            out += [section.replace("_", " ").upper(), ""]
        mark = "*" if question.danger_sign else "+" if question.required else " "
        out.append(f"{mark} {question.id:<38} {question.type:<8} {_allowed(question)}")
        out.append(textwrap.fill(question.text, 78, initial_indent="    ",
                                 subsequent_indent="    "))
        if question.ask_when:
            out.append(f"    (asked when {question.ask_when.describe()})")
        if question.required_when:
            out.append(f"    (must be answered when {question.required_when.describe()})")
    out.append("")
    return "\n".join(out)


def _schema(question: Question) -> dict[str, Any]:
    base: dict[str, Any] = {"description": question.text}
    if question.type == "yes_no":
        words = ["yes", "no", "true", "false"] + (["not_sure"] if question.takes_not_sure
                                                  else [])
        base["oneOf"] = [{"type": "boolean"}, {"type": "string", "enum": words}]
    elif question.type == "integer":
        base.update(type="integer", minimum=question.minimum, maximum=question.maximum)
    elif question.type == "choice":
        base.update(type="string", enum=list(question.values))
    else:
        base.update(type="array", items={"type": "string", "enum": list(question.values)},
                    uniqueItems=True)
    return base


def answers_schema(ruleset: Ruleset) -> dict[str, Any]:
    """JSON Schema (2020-12) of an answers document for this rule set."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Answers for {ruleset.name} {ruleset.version}",
        "type": "object",
        "additionalProperties": False,
        "properties": {q.id: _schema(q) for q in ruleset.questions},
        "required": list(ruleset.danger_signs),
    }


class DictionaryFormat(StrEnum):
    """The formats of the data dictionary (``triage questions --format``)."""

    TEXT = "text"
    JSON = "json"
    JSON_SCHEMA = "json-schema"


def dictionary(ruleset: Ruleset, format: DictionaryFormat = DictionaryFormat.TEXT) -> str:
    """The data dictionary as a text table, a JSON list, or a JSON Schema for answers."""
    if format is DictionaryFormat.TEXT:
        return render_dictionary(ruleset)
    document = (dictionary_rows(ruleset) if format is DictionaryFormat.JSON
                else answers_schema(ruleset))
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
