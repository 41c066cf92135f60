"""The clinicians' YAML cases (rules/cases/*.yaml) all pass, and they cover every rule."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import ROOT, RULES
from typer.testing import CliRunner

import triage
from triage.cli import app
from triage.clinician.cases import Case, load_cases, run_case

RULESET = triage.ruleset(RULES)
CASES = load_cases(RULESET)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(shipped, case):
    """Each case gives its expected urgency, includes and excludes what it says."""
    outcome = run_case(shipped, case)
    assert outcome.passed, f"{case.place} {case.id}: " + "; ".join(outcome.problems)


def test_there_are_at_least_60_cases():
    """The issue asks for at least 60 clinical cases."""
    assert len(CASES) >= 60


def test_every_active_rule_fires_in_some_case(shipped):
    """Coverage: no rule is left without a case that makes it fire."""
    fired = set()
    for case in CASES:
        outcome = run_case(shipped, case)
        if outcome.result is not None:
            fired |= {rule.id for rule in outcome.result.fired_rules}
    missing = sorted(rule.id for rule in RULESET.active_rules if rule.id not in fired)
    assert not missing, f"rules with no case: {missing}"


def test_each_semigran_back_pain_vignette_is_a_case():
    """Both back-pain vignettes of Semigran 2015 (CLINICAL.md section 2) are included."""
    sources = " ".join(case.source.lower() for case in CASES)
    assert "semigran" in sources and "foot drop" in sources and "lifting boxes" in sources


def test_a_case_checks_the_result_triage_run_prints(shipped):
    """`rules test` compares the result `triage run` prints, "not answered" included: both
    triage through the same recipe."""
    answers = yaml.safe_load((ROOT / "tests" / "golden" / "self-care-held-back.yaml")
                             .read_text(encoding="utf-8"))
    case = Case("CASE-BLANKS", "blank optional answers", answers, {"urgency": "self_care"})
    outcome = run_case(shipped, case)
    printed = CliRunner().invoke(app, ["run", "-", "--rules", str(RULES), "-f", "json"],
                                 input=json.dumps(answers))
    assert outcome.passed and outcome.result is not None
    assert outcome.result.not_answered == ("previous_episodes",)
    assert outcome.result.to_dict() == json.loads(printed.stdout)
