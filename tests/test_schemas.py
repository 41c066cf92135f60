"""JSON Schemas: generated from the code, shipped up to date, named by every YAML file."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, RULES
from rulesets import make_ruleset, rule

import triage
from triage.clinician.schemas import REGENERATE, SCHEMA_DIR, schemas
from triage.errors import RulesetError
from triage.language import yamlio
from triage.language.rulefiles import RULE_REQUIRED
from triage.language.vocabulary import ADVICE_REQUIRED_BY_KIND

SCHEMAS = RULES / SCHEMA_DIR
MARK = "# yaml-language-server: $schema="


def expected_schema(path: Path) -> str:
    """Which schema a shipped YAML file should name."""
    if path.parent.name == "cases":
        return "case"
    if path.parent == ROOT / "examples":
        return "answers"
    return {"ruleset.yaml": "manifest", "questionnaire.yaml": "questionnaire",
            "advice.yaml": "advice", "invariants.yaml": "invariants",
            "findings.yaml": "findings", "hazards.yaml": "hazards"}.get(path.name, "rule")


SHIPPED_YAML = sorted([*RULES.glob("*.yaml"), *(RULES / "cases").glob("*.yaml"),
                       *(ROOT / "examples").glob("*.yaml")])


def plain(data):
    """The data as an editor's YAML 1.2 parser sees it: dates are text."""
    if isinstance(data, dict):
        return {str(key): plain(value) for key, value in data.items()}
    if isinstance(data, list):
        return [plain(item) for item in data]
    return data.isoformat() if isinstance(data, dt.date) else data


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def errors(name: str, data) -> list[str]:
    return [error.message for error in validator(name).iter_errors(plain(data))]


def test_shipped_schemas_are_up_to_date(ruleset):
    """The shipped schema files are exactly what the code generates now."""
    generated = schemas(ruleset)
    shipped = {path.name: path.read_text(encoding="utf-8")
               for path in SCHEMAS.glob("*.schema.json")}
    for name in sorted(set(generated) | set(shipped)):
        assert shipped.get(name) == generated.get(name), (
            f"rules/schemas/{name} is out of date: run `{REGENERATE}`")


def test_installed_rules_ship_the_schemas(ruleset):
    """The schemas travel with the rules, also inside an installed wheel."""
    folder = triage.default_rules_dir() / SCHEMA_DIR
    for name, text in schemas(ruleset).items():
        assert (folder / name).read_text(encoding="utf-8") == text


@pytest.mark.parametrize("name", sorted(p.name for p in SCHEMAS.glob("*.schema.json")))
def test_each_schema_is_a_valid_2020_12_schema(name):
    """Editors can load every schema: each is valid Draft 2020-12."""
    jsonschema.Draft202012Validator.check_schema(
        json.loads((SCHEMAS / name).read_text(encoding="utf-8")))


@pytest.mark.parametrize("path", SHIPPED_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_yaml_file_names_its_schema_on_the_first_line(path):
    """The first line points editors at the right schema, by a path that resolves."""
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith(MARK), f"{path}: first line should be {MARK}..."
    target = (path.parent / first[len(MARK):]).resolve()
    assert target == (SCHEMAS / f"{expected_schema(path)}.schema.json").resolve()


@pytest.mark.parametrize("path", SHIPPED_YAML, ids=lambda p: str(p.relative_to(ROOT)))
def test_each_yaml_file_validates_against_its_schema(path):
    """Every shipped file passes its own schema."""
    assert errors(expected_schema(path), yamlio.load_file(path)) == []


GOOD_RULE = {"id": "R1", "title": "t", "when": {"fever": True}, "then": {"urgency": "urgent"},
             "rationale": "r", "evidence": ["E"], "status": "active", "reviewed_by": "me",
             "reviewed_on": "2026-11-24"}


def test_a_good_rule_validates():
    """The wrong-rule tests below start from a rule the schema accepts."""
    assert errors("rule", {"rules": [GOOD_RULE]}) == []


@pytest.mark.parametrize(("change", "why"), [
    ({"status": "actve"}, "'actve' is not one of"),
    ({"when": {"fevr": True}}, "'fevr' was unexpected"),
    ({"when": {"leg_weakness": "worse"}}, "'worse'"),
    ({"when": {"fever": {">=": 3}}}, "is not valid under any"),
    ({"then": {"urgency": "urgnt"}}, "'urgnt' is not one of"),
    ({"reviewed_on": "24/11/2026"}, "does not match"),
    ({"colour": "red"}, "'colour' does not match"),
])
def test_a_wrong_rule_fails_validation(change, why):
    """Misspelt statuses, question ids, values, urgencies and keys are flagged."""
    problems = errors("rule", {"rules": [{**GOOD_RULE, **change}]})
    assert problems and any(why in problem for problem in problems), problems


def test_a_rule_without_evidence_fails_validation():
    """Required fields are required by the schema too."""
    bare = {key: value for key, value in GOOD_RULE.items() if key != "evidence"}
    assert errors("rule", {"rules": [bare]}) == ["'evidence' is a required property"]


def test_a_case_with_an_unknown_answer_id_fails_validation():
    """A misspelt answer id in a case file is flagged by the editor."""
    case = {"id": "C", "answers": {"fevr": True}, "expect": {"urgency": "urgent"}}
    assert errors("case", {"cases": [case]})


def test_a_stretch_without_steps_fails_validation():
    """Requirements that depend on the advice kind are in the schema."""
    item = {"id": "stretch.x", "kind": "stretch", "title": "t", "text": "t", "evidence": ["E"],
            "hold": "5 s", "repetitions": "5", "frequency": "daily", "skip_if": ["pain"]}
    assert errors("advice", {"advice": [item]}) == ["'steps' is a required property"]


@pytest.mark.parametrize("key", RULE_REQUIRED)
def test_schema_required_rule_keys_are_what_the_loader_requires(tmp_path, key):
    """Each key the schema requires of a rule is one the loader refuses to go without."""
    lines = rule("R1", "{fever: true}", "{urgency: urgent}").splitlines(keepends=True)
    text = "".join(line for line in lines if not line.lstrip(" -").startswith(f"{key}:"))
    if key == "id":
        text = text.replace("    title:", "  - title:")
    with pytest.raises(RulesetError) as info:
        triage.load_ruleset(make_ruleset(tmp_path / "rs", text))
    assert any(f"'{key}'" in str(problem) for problem in info.value.problems), str(info.value)


@pytest.mark.parametrize("key", ADVICE_REQUIRED_BY_KIND["stretch"])
def test_schema_required_stretch_keys_are_what_the_loader_requires(tmp_path, key):
    """Each key the schema requires of a stretch is one the loader refuses to go without."""
    item = {"id": "stretch.new", "kind": "stretch", "title": "t", "text": "t",
            "evidence": ["E"], "hold": "5 s", "repetitions": "5", "frequency": "daily",
            "steps": ["s"], "skip_if": ["pain"]}
    del item[key]
    folder = make_ruleset(tmp_path / "rs", rule("R1", "{fever: true}", "{urgency: urgent}"))
    advice = folder / "advice.yaml"
    advice.write_text(advice.read_text(encoding="utf-8") + "  - " + json.dumps(item) + "\n",
                      encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        triage.load_ruleset(folder)
    assert any(f"missing '{key}'" in str(problem) for problem in info.value.problems)


def test_regenerating_writes_the_shipped_files(tmp_path, capsys):
    """`python -m triage.schemas DIR` rewrites DIR/schemas/ and names each file it wrote."""
    from triage.clinician.schemas import main

    copy = tmp_path / "rules"
    shutil.copytree(RULES, copy, ignore=shutil.ignore_patterns("schemas"))
    assert main([str(copy)]) == 0
    for path in SCHEMAS.glob("*.schema.json"):
        assert (copy / SCHEMA_DIR / path.name).read_bytes() == path.read_bytes()
    assert "rule.schema.json" in capsys.readouterr().out


def test_regenerating_without_a_folder_shows_usage(capsys):
    """Without a rule set folder the module prints its usage and exits 2."""
    from triage.clinician.schemas import main

    assert main([]) == 2 and "usage:" in capsys.readouterr().err
