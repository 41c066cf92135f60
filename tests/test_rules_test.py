"""`triage rules test`: the clinical cases run, and a failure shows expected vs actual."""

from __future__ import annotations

import pytest
from conftest import RULES
from rulesets import make_ruleset, rule
from typer.testing import CliRunner

from triage.cli import app

runner = CliRunner()

RULES_TEXT = (rule("R-FEVER", "{fever: true}", "{urgency: urgent, recommend: [doctor.same_day]}")
              + rule("R-SPASM", "{muscle_spasms: true}", "{recommend: [heat_cold.heat]}"))

DEFAULTS = """defaults:
  answers: {age: 40, sex: male, location: lower, saddle_numbness: false,
    bladder_or_bowel_change: false, sexual_function_change: false, leg_weakness: none,
    both_legs_affected: false,
    fever: false, unexplained_weight_loss: false, cancer_history: false, night_pain: false,
    recent_trauma: none, osteoporosis: false, long_term_steroids: false,
    immunosuppressed: false, iv_drug_use: false, recent_infection_or_spinal_procedure: false,
    chest_pain_or_breathless: false, abdominal_pulsing_or_faint: false,
    generally_unwell: false, known_aortic_aneurysm: false, spine_lump_or_shape_change: false,
    worse_coughing_sneezing_or_pooing: false}
cases:
"""


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def with_cases(tmp_path, cases_text: str):
    folder = make_ruleset(tmp_path / "rs", RULES_TEXT,
                          files={"cases.yaml": DEFAULTS + cases_text})
    manifest = folder / "ruleset.yaml"
    manifest.write_text(manifest.read_text().replace("cases: []", "cases: [cases.yaml]"))
    return folder


def rules_test(folder, *extra: str):
    return runner.invoke(app, ["rules", "test", str(folder), *extra])


PASSING = """  - id: FEVER
    answers: {fever: true}
    expect: {urgency: urgent, includes: [doctor.same_day], fired: [R-FEVER]}
"""
FAILING = """  - id: SPASM
    title: spasms alone
    answers: {muscle_spasms: true}
    expect:
      urgency: routine
      includes: [doctor.gp_routine]
      excludes: [heat_cold.heat]
      fired: [R-FEVER]
      not_fired: [R-SPASM]
"""


def test_shipped_cases_all_pass():
    """Every shipped clinical case passes; the summary counts them."""
    result = rules_test(RULES)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1].endswith("passed, 0 failed")


def test_passing_cases_print_only_the_summary(tmp_path):
    """Without -v a passing run is one summary line."""
    result = rules_test(with_cases(tmp_path, PASSING))
    assert result.exit_code == 0
    assert result.stdout == "1 case: 1 passed, 0 failed\n"


def test_verbose_lists_passing_cases(tmp_path):
    """With -v each passing case gets a line with its place."""
    result = rules_test(with_cases(tmp_path, PASSING), "-v")
    assert result.stdout.startswith("PASS FEVER  ")
    assert "PASS FEVER  rs/cases.yaml:12\n" in result.stdout


def test_failure_shows_expected_and_actual(tmp_path):
    """A failing case shows its id and place, each difference, and exits 1."""
    result = rules_test(with_cases(tmp_path, PASSING + FAILING))
    assert result.exit_code == 1
    block = result.stdout.split("FAIL SPASM (spasms alone)  ", 1)[1]
    for line in ("  urgency: expected routine, got self_care",
                 "  missing advice: doctor.gp_routine",
                 "  unexpected advice: heat_cold.heat",
                 "  rule did not fire: R-FEVER",
                 "  rule fired unexpectedly: R-SPASM",
                 "  rules fired: R-SPASM"):
        assert line in block
    assert result.stdout.splitlines()[-1] == "2 cases: 1 passed, 1 failed"


def test_rejected_answers_fail_the_case(tmp_path):
    """A case whose answers the questionnaire refuses fails with the reason."""
    result = rules_test(with_cases(tmp_path, """  - id: BAD
    answers: {age: 300}
    expect: {urgency: self_care}
"""))
    assert result.exit_code == 1
    assert "answers rejected:" in result.stdout and "age" in result.stdout


def test_broken_case_file_is_bad_input(tmp_path):
    """A case naming an unknown rule is an error at the id's own line on stderr, exit 2."""
    result = rules_test(with_cases(tmp_path, """  - id: C1
    answers: {fever: true}
    expect: {urgency: urgent, fired: [R-FEVR]}
"""))
    assert result.exit_code == 2
    assert ("triage: error: rs/cases.yaml:14: case C1: unknown rule id 'R-FEVR' "
            "(did you mean 'R-FEVER'?)") in result.stderr


def test_rules_option_is_accepted_too(tmp_path):
    """--rules DIR works like the positional DIR."""
    result = runner.invoke(app, ["rules", "test", "--rules", str(with_cases(tmp_path, PASSING))])
    assert result.stdout == "1 case: 1 passed, 0 failed\n"


def test_two_different_rule_sets_are_refused(tmp_path):
    """DIR and a different --rules at once is a usage error."""
    result = runner.invoke(app, ["rules", "test", str(RULES), "--rules", str(tmp_path)])
    assert result.exit_code == 2
    assert "give the rule set once" in result.stderr
