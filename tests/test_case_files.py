"""Broken case files: each problem once, at its own line, with a did-you-mean."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from triage.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_defaults_typo_is_one_check_error_at_its_line(copy):
    """A misspelt id in a case file's defaults is one `rules check` error at its line."""
    cases = copy / "cases" / "danger_signs.yaml"
    edit(cases, "    saddle_numbness: false", "    sadle_numbness: false")
    result = runner.invoke(app, ["rules", "check", "rs"])
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert errors == [f"rs/cases/danger_signs.yaml:{line_of(cases, 'sadle_numbness')}: error: "
                      "defaults: unknown answer id 'sadle_numbness' (did you mean "
                      "'saddle_numbness'?)"]
    assert result.exit_code == 1


def test_defaults_typo_is_bad_input_for_rules_test(copy):
    """`rules test` refuses the same file once, with exit 2, and runs no case."""
    cases = copy / "cases" / "danger_signs.yaml"
    edit(cases, "    saddle_numbness: false", "    sadle_numbness: false")
    result = runner.invoke(app, ["rules", "test", "rs"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "triage: error: rule set has 1 problem:\n"
        f"triage: error: rs/cases/danger_signs.yaml:{line_of(cases, 'sadle_numbness')}: "
        "defaults: unknown answer id 'sadle_numbness' (did you mean 'saddle_numbness'?)\n")


def test_defaults_value_that_does_not_fit_is_reported_once(copy):
    """A default answer of the wrong kind is one error at its line, not one per case."""
    cases = copy / "cases" / "danger_signs.yaml"
    edit(cases, "    leg_weakness: none", "    leg_weakness: worse")
    result = runner.invoke(app, ["rules", "test", "rs"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"triage: error: rs/cases/danger_signs.yaml:"
                               f"{line_of(cases, 'leg_weakness: worse')}: defaults: "
                               "leg_weakness: ")


def test_unknown_key_in_defaults_has_a_suggestion(copy):
    """`defaults: {answer: ...}` is refused at its line with did-you-mean 'answers'."""
    cases = copy / "cases" / "medicines.yaml"
    edit(cases, "  answers:", "  answer:")
    result = runner.invoke(app, ["rules", "test", "rs"])
    assert result.exit_code == 2
    assert (f"rs/cases/medicines.yaml:{line_of(cases, '  answer:')}: unknown key 'answer' in "
            "defaults (did you mean 'answers'?)") in result.stderr


def test_unknown_advice_id_in_a_case_is_at_its_own_line(copy):
    """An unknown advice id in a case's expectation is reported at the id's own line."""
    cases = copy / "cases" / "self_care.yaml"
    edit(cases, "otc.topical_rub,", "otc.topical_rubb,")
    result = runner.invoke(app, ["rules", "check", "rs"])
    assert (f"rs/cases/self_care.yaml:{line_of(cases, 'otc.topical_rubb')}: error: case "
            "CASE-SC-ACUTE-PLAN: unknown advice id 'otc.topical_rubb' (did you mean "
            "'otc.topical_rub'?)") in result.stdout
    assert result.exit_code == 1


def test_unknown_rule_id_in_a_block_list_is_at_its_own_line(copy):
    """An unknown rule id written one per line is reported at that line."""
    cases = copy / "cases" / "boundaries.yaml"
    text = cases.read_text()
    cases.write_text(text.replace("cases:\n", "cases:\n  - id: EXTRA\n    answers: {}\n"
                                  "    expect:\n      urgency: routine\n      fired:\n"
                                  "        - RF-CES-SADDLE\n        - RF-CES-SADLE\n", 1))
    result = runner.invoke(app, ["rules", "test", "rs"])
    assert result.exit_code == 2
    assert (f"rs/cases/boundaries.yaml:{line_of(cases, 'RF-CES-SADLE')}: case EXTRA: unknown "
            "rule id 'RF-CES-SADLE' (did you mean 'RF-CES-SADDLE'?)") in result.stderr


def test_refused_answer_in_a_case_is_reported_at_its_own_line(copy):
    """An answer the questionnaire refuses fails its case (exit 1), at the answer's line."""
    cases = copy / "cases" / "danger_signs.yaml"
    edit(cases, "    answers: {fever: true}", "    answers: {fever: true, age: 300}")
    result = runner.invoke(app, ["rules", "test", "rs"])
    assert result.exit_code == 1
    assert (f"  answers rejected: rs/cases/danger_signs.yaml:{line_of(cases, 'age: 300')}: "
            "age: 300 is out of range; expected a whole number from 0 to 120") in result.stdout
