"""JSON Schemas (Draft 2020-12) of the rule set's YAML files, generated from the code.

Field names, required fields and allowed values come from the tables the loader
checks with (triage/language/vocabulary.py, rulefiles.py,
loader.py and triage/clinician/cases.py), the model's enums (urgency levels,
advice kinds, question types, rule statuses) and the condition operators; question
ids and their values come from the rule set's own questionnaire, so an editor can
flag an unknown answer id or value as a clinician types.

The schemas are shipped in ``rules/schemas/``; each YAML file names its schema on its
first line (``# yaml-language-server: $schema=...``). Regenerate them after changing
the questionnaire or the code with::

    python -m triage.schemas rules
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from triage.language.conditions import KEYWORDS, OPERATORS
from triage.language.hazards import HAZARD_KEYS
from triage.language.invariants import ADVICE_KEYS as EXPECT_ADVICE_KEYS
from triage.language.invariants import EXPECT_KEYS as INVARIANT_EXPECT_KEYS
from triage.language.invariants import INVARIANT_KEYS
from triage.language.loader import MANIFEST_KEYS, MANIFEST_REQUIRED, load_ruleset
from triage.language.model import (
    ADVICE_KINDS,
    CONTROL_KINDS,
    INVARIANT_SCOPES,
    LIKELIHOODS,
    PLACEHOLDERS,
    RULE_STATUSES,
    SEVERITIES,
    Ruleset,
    Urgency,
)
from triage.language.questions import QUESTION_TYPES, Question
from triage.language.rulefiles import RULE_KEYS, RULE_REQUIRED, THEN_KEYS
from triage.language.vocabulary import (
    ADVICE_KEYS,
    ADVICE_REQUIRED,
    ADVICE_REQUIRED_BY_KIND,
    CHOICE_KEYS,
    FINDING_KEYS,
    POINT_KEYS,
    QUESTION_ID,
    QUESTION_KEYS,
    QUESTION_REQUIRED,
    QUESTION_REQUIRED_BY_TYPE,
)
from triage.questionnaire.dictionary import answers_schema

from .cases import CASE_KEYS, EXPECT_KEYS

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = "schemas"
REGENERATE = "python -m triage.schemas rules"

TEXT: dict[str, Any] = {"type": ["string", "number"]}
TEXTS: dict[str, Any] = {"anyOf": [{"type": "string"},
                                   {"type": "array", "items": {"type": "string", "minLength": 1}}]}
DATE: dict[str, Any] = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
URGENCIES = [level.value for level in Urgency]
EXTENSION: dict[str, Any] = {"^x-": {}}  # the loader ignores keys starting with x-


def _object(keys: Iterable[str], types: Mapping[str, Any], required: Iterable[str] = (),
            **extra: Any) -> dict[str, Any]:
    """A closed object: exactly ``keys`` (each typed by ``types``) plus x- extensions."""
    return {"type": "object", "properties": {key: types[key] for key in keys},
            "patternProperties": EXTENSION, "additionalProperties": False,
            "required": list(required), **extra}


def _document(title: str, key: str, item: str, defs: dict[str, Any]) -> dict[str, Any]:
    """A file holding one top-level list of ``item`` records under ``key``."""
    return {"$schema": DRAFT, "title": title, "type": "object",
            "properties": {key: {"type": "array", "items": {"$ref": f"#/$defs/{item}"}}},
            "required": [key], "additionalProperties": False, "$defs": defs}


def _value(question: Question) -> dict[str, Any]:
    """One value a condition may compare this question's answer with."""
    if question.type == "yes_no":
        words = ["yes", "no", "true", "false"] + (["not_sure"] if question.takes_not_sure else [])
        return {"anyOf": [{"type": "boolean"}, {"enum": words}]}
    if question.type == "integer":
        return {"type": "integer", "minimum": question.minimum, "maximum": question.maximum}
    return {"enum": list(question.values)}


def _test(question: Question) -> dict[str, Any]:
    """``question: value`` or ``question: {operator: operand}``."""
    value = _value(question)
    operands: dict[str, Any] = {"is": value, "in": {"type": "array", "items": value,
                                                    "minItems": 1}}
    if question.type == "integer":
        operands.update({">=": value, "<=": value, "between": {
            "type": "array", "items": value, "minItems": 2, "maxItems": 2}})
    assert set(operands) <= set(OPERATORS)
    return {"anyOf": [value, {"type": "object", "properties": operands,
                              "additionalProperties": False, "minProperties": 1,
                              "maxProperties": 1}]}


def _condition_defs(ruleset: Ruleset) -> dict[str, Any]:
    """The condition language: answer tests and all / any / not / finding / unanswered."""
    keywords: dict[str, Any] = {
        "all": {"type": "array", "items": {"$ref": "#/$defs/condition"}},
        "any": {"type": "array", "items": {"$ref": "#/$defs/condition"}, "minItems": 1},
        "not": {"$ref": "#/$defs/condition"},
        "finding": {"type": "string", "minLength": 1},
        "unanswered": {"enum": [question.id for question in ruleset.questions]},
        "unscreened": {"const": True},
    }
    assert list(keywords) == list(KEYWORDS)
    tests = {question.id: _test(question) for question in ruleset.questions}
    return {"condition": {"type": "object", "properties": {**keywords, **tests},
                          "additionalProperties": False, "minProperties": 1}}


def rule_schema(ruleset: Ruleset) -> dict[str, Any]:
    """A rule file: ``rules:`` a list of rules."""
    then = _object(THEN_KEYS, {"urgency": {"enum": URGENCIES}, "finding": TEXTS,
                               "findings": TEXTS, "recommend": TEXTS, "exclude": TEXTS},
                   minProperties=1)
    types = {"id": TEXT, "title": TEXT, "category": TEXT, "when": {"$ref": "#/$defs/condition"},
             "then": then, "rationale": TEXT, "evidence": {**TEXTS, "minItems": 1},
             "status": {"enum": list(RULE_STATUSES)}, "reviewed_by": TEXT, "reviewed_on": DATE,
             "reason": TEXT}
    rule = _object(RULE_KEYS, types, RULE_REQUIRED)
    return _document("backtriage rule file", "rules", "rule",
                     {"rule": rule, **_condition_defs(ruleset)})


def questionnaire_schema(ruleset: Ruleset) -> dict[str, Any]:
    """The questionnaire: ``questions:`` a list of questions."""
    choice = _object(CHOICE_KEYS, {"value": {"type": "string"}, "label": TEXT,
                                   "exclusive": {"type": "boolean"}}, ["value", "label"])
    types = {"id": {"type": "string", "pattern": f"^{QUESTION_ID.pattern}$"}, "section": TEXT,
             "type": {"enum": list(QUESTION_TYPES)}, "text": TEXT, "help": TEXT,
             "choices": {"type": "array", "items": choice, "minItems": 1},
             "min": {"type": "integer"}, "max": {"type": "integer"}, "unit": TEXT,
             "danger_sign": {"type": "boolean"}, "ask_when": {"$ref": "#/$defs/condition"},
             "required": {"anyOf": [{"type": "boolean"}, {"$ref": "#/$defs/condition"}]},
             "screen": {"type": "string", "pattern": f"^{QUESTION_ID.pattern}$"}}
    by_type = [{"if": {"properties": {"type": {"const": kind}}, "required": ["type"]},
                "then": {"required": list(keys)}}
               for kind, keys in QUESTION_REQUIRED_BY_TYPE.items()]
    question = _object(QUESTION_KEYS, types, QUESTION_REQUIRED, allOf=by_type)
    return _document("backtriage questionnaire", "questions", "question",
                     {"question": question, **_condition_defs(ruleset)})


def advice_schema(ruleset: Ruleset) -> dict[str, Any]:
    """The advice catalogue: ``advice:`` a list of advice items."""
    types = {key: TEXTS if key in ("evidence", "steps", "skip_if", "cautions")
             else TEXT for key in ADVICE_KEYS}
    types.update(kind={"enum": list(ADVICE_KINDS)}, status={"enum": list(RULE_STATUSES)},
                 reviewed_on=DATE)
    types["evidence"] = {**TEXTS, "minItems": 1}
    point = _object(POINT_KEYS, {"text": TEXT, "when": {"$ref": "#/$defs/condition"},
                                 "urgency": {"enum": URGENCIES}}, ["text"])
    types["points"] = {"type": "array", "items": {"anyOf": [{"type": "string"}, point]}}
    by_kind = [{"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"required": list(keys)}}
               for kind, keys in ADVICE_REQUIRED_BY_KIND.items()]
    item = _object(ADVICE_KEYS, types, ADVICE_REQUIRED, allOf=by_kind)
    return _document("backtriage advice catalogue", "advice", "advice",
                     {"advice": item, **_condition_defs(ruleset)})


def manifest_schema(ruleset: Ruleset) -> dict[str, Any]:
    """The manifest, ruleset.yaml: the files of the rule set and its wording."""
    types = {key: TEXT for key in MANIFEST_KEYS}
    for key in ("questionnaire", "advice", "rules", "cases", "invariants", "findings",
                "hazards"):
        types[key] = TEXTS
    types["headlines"] = {"type": "object", "properties": {level: TEXT for level in URGENCIES},
                          "required": URGENCIES, "additionalProperties": False}
    services = {"type": "object", "properties": {name: TEXT for name in PLACEHOLDERS},
                "required": list(PLACEHOLDERS), "additionalProperties": False}
    types["locales"] = {"type": "object", "minProperties": 1, "additionalProperties": services}
    schema = _object(MANIFEST_KEYS, types, MANIFEST_REQUIRED)
    return {"$schema": DRAFT, "title": "backtriage rule set manifest", **schema}


def _case_answers(ruleset: Ruleset) -> dict[str, Any]:
    """Answers in a case: as in an answers file, and ``null`` to leave one unanswered."""
    properties = answers_schema(ruleset)["properties"]
    return {"type": "object", "additionalProperties": False,
            "properties": {qid: {"anyOf": [schema, {"type": "null"}]}
                           for qid, schema in properties.items()}}


def case_schema(ruleset: Ruleset) -> dict[str, Any]:
    """A clinical case file: optional ``defaults: {answers: ...}`` and ``cases:``."""
    ids = {"type": "array", "items": {"type": "string", "minLength": 1}}
    questions = {"type": "array", "items": {"enum": [q.id for q in ruleset.questions]},
                 "minItems": 1}
    expect = _object(EXPECT_KEYS, {"urgency": {"enum": URGENCIES}, "includes": ids,
                                   "excludes": ids, "fired": ids, "not_fired": ids,
                                   "findings": ids, "refused": questions},
                     oneOf=[{"required": ["urgency"]}, {"required": ["refused"]}])
    case = _object(CASE_KEYS, {"id": TEXT, "title": TEXT, "source": TEXT,
                               "answers": {"$ref": "#/$defs/answers"},
                               "missing": {"enum": ["refuse", "conservative"]},
                               "expect": expect}, ["id", "expect"])
    schema = _document("backtriage clinical case file", "cases", "case",
                       {"case": case, "answers": _case_answers(ruleset)})
    schema["properties"]["defaults"] = {
        "type": "object", "properties": {"answers": {"$ref": "#/$defs/answers"}},
        "additionalProperties": False}
    return schema


def hazards_schema(ruleset: Ruleset) -> dict[str, Any]:
    """The hazard log: ``hazards:`` a list of hazards and the controls that mitigate them."""
    ids = {"type": "array", "items": {"type": "string", "minLength": 1}}
    controls = _object(CONTROL_KINDS, {kind: ids for kind in CONTROL_KINDS}, minProperties=1)
    types = {key: TEXT for key in HAZARD_KEYS}
    types.update(severity={"enum": list(SEVERITIES)}, likelihood={"enum": list(LIKELIHOODS)},
                 residual_likelihood={"enum": list(LIKELIHOODS)}, controls=controls)
    item = _object(HAZARD_KEYS, types, HAZARD_KEYS)
    return _document("backtriage hazard log", "hazards", "hazard", {"hazard": item})


def findings_schema(ruleset: Ruleset) -> dict[str, Any]:
    """The findings glossary: ``findings:`` a list of ids and their meanings."""
    item = _object(FINDING_KEYS, {"id": {"type": "string", "minLength": 1},
                                  "meaning": TEXT}, FINDING_KEYS)
    return _document("backtriage findings glossary", "findings", "finding", {"finding": item})


def invariants_schema(ruleset: Ruleset) -> dict[str, Any]:
    """The safety invariants: ``invariants:`` a list, and the ``baseline`` answers."""
    level = {"enum": URGENCIES}
    advice = {"excludes": TEXTS, "includes": TEXTS, "includes_any": TEXTS}
    by_urgency = {"type": "object", "minProperties": 1, "additionalProperties": False,
                  "properties": {name: _object(EXPECT_ADVICE_KEYS, advice, minProperties=1)
                                 for name in URGENCIES}}
    expect = _object(INVARIANT_EXPECT_KEYS, {
        "urgency": level, "urgency_at_least": level,
        "not_urgency": {"anyOf": [level, {"type": "array", "items": level, "minItems": 1}]},
        **advice, "if_urgency": by_urgency, "plan": {"const": "non_empty"},
        "blank_answers": {"const": "never_lower_urgency"},
        "safety_net": {"const": "consistent"},
        "not_sure_answers": {"const": "never_below_blank"}}, minProperties=1)
    types = {"id": TEXT, "title": TEXT, "statement": TEXT, "evidence": {**TEXTS, "minItems": 1},
             "for": {"enum": list(INVARIANT_SCOPES)}, "when": {"$ref": "#/$defs/condition"},
             "expect": expect}
    item = _object(INVARIANT_KEYS, types, ["id", "title", "statement", "evidence", "expect"])
    schema = _document("backtriage safety invariants", "invariants", "invariant",
                       {"invariant": item, **_condition_defs(ruleset)})
    schema["properties"]["baseline"] = answers_schema(ruleset)
    return schema


BUILDERS: dict[str, Callable[[Ruleset], dict[str, Any]]] = {
    "manifest": manifest_schema,
    "questionnaire": questionnaire_schema,
    "advice": advice_schema,
    "rule": rule_schema,
    "case": case_schema,
    "invariants": invariants_schema,
    "findings": findings_schema,
    "hazards": hazards_schema,
    "answers": answers_schema,
}


def schemas(ruleset: Ruleset) -> dict[str, str]:
    """File name -> schema text (stable: sorted keys, two-space indent, final newline)."""
    return {f"{name}.schema.json": json.dumps(build(ruleset), indent=2, sort_keys=True,
                                              ensure_ascii=False) + "\n"
            for name, build in BUILDERS.items()}


def write_schemas(rules_dir: str | Path) -> list[Path]:
    """(Re)write ``rules_dir/schemas/*.schema.json`` for the rule set in ``rules_dir``."""
    folder = Path(rules_dir) / SCHEMA_DIR
    folder.mkdir(exist_ok=True)
    written = []
    for name, text in schemas(load_ruleset(rules_dir)).items():
        (folder / name).write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written


def main(argv: list[str]) -> int:
    """``python -m triage.schemas RULES_DIR``: regenerate the rule set's schemas."""
    if len(argv) != 1:
        print("usage: python -m triage.schemas RULES_DIR", file=sys.stderr)
        return 2
    for path in write_schemas(argv[0]):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
