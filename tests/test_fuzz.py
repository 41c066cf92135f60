"""Untrusted input never crashes: any answers text or rule content gives a result or one
clear TriageError (hypothesis, bounded for CI)."""

from __future__ import annotations

import json

import yaml
from conftest import RULES, healthy_adult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rulesets import make_ruleset

import triage
from triage.errors import TriageError
from triage.intake.files import parse_answers

FUZZ = settings(max_examples=200, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.floats(allow_nan=True), st.text(max_size=20))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=12)
ENGINE = triage.engine(RULES)


def triage_text(text: str) -> None:
    checked = triage.check_answers(ENGINE.ruleset, parse_answers(text, "fuzz.yaml"),
                                   source="fuzz.yaml", missing="conservative")
    ENGINE.evaluate(checked.values)


@FUZZ
@given(st.text(max_size=300))
def test_any_answers_text_gives_a_result_or_a_clear_error(text):
    """Arbitrary text as an answers file: a plan or a TriageError, nothing else."""
    try:
        triage_text(text)
    except TriageError as exc:
        assert str(exc)


@FUZZ
@given(st.sampled_from(sorted(healthy_adult())), VALUES)
def test_any_value_for_any_answer_gives_a_result_or_names_the_answer(key, value):
    """A wrong value of any type for any answer id is refused by name, never crashes."""
    text = json.dumps({**healthy_adult(), key: value}, default=str)
    try:
        triage_text(text)
    except TriageError as exc:
        assert key in str(exc)


@FUZZ
@given(st.sampled_from(["when", "then", "evidence", "status", "reviewed_on", "id", "title"]),
       VALUES)
def test_any_content_in_a_rule_field_gives_a_clear_error(tmp_path_factory, field, value):
    """Garbage in any field of a rule: the rule set loads or says what is wrong, with a place."""
    rule = {"id": "R1", "title": "t", "when": {"fever": True}, "then": {"urgency": "urgent"},
            "rationale": "r", "evidence": ["E"], "status": "active", "reviewed_by": "me",
            "reviewed_on": "2026-11-24", field: value}
    folder = make_ruleset(tmp_path_factory.mktemp("rs"), "")
    (folder / "rules.yaml").write_text(yaml.safe_dump({"rules": [rule]}), encoding="utf-8")
    try:
        triage.load_ruleset(folder)
    except TriageError as exc:
        assert "rules.yaml" in str(exc)
