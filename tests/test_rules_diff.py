"""`triage rules diff`: what a proposed rule change changes, on cases and sampled answers."""

from __future__ import annotations

import shutil

import pytest
import yaml
from conftest import RULES
from rulesets import make_ruleset, rule
from typer.testing import CliRunner

import triage
from triage.cli import app
from triage.clinician.diff import diff_rulesets

runner = CliRunner()


@pytest.fixture(scope="module")
def raised(tmp_path_factory):
    """A copy of the shipped rules where 'not improving' asks for a same-day doctor."""
    folder = tmp_path_factory.mktemp("new") / "rules"
    shutil.copytree(RULES, folder)
    path = folder / "pathways.yaml"
    text = path.read_text(encoding="utf-8")
    head, tail = text.split("  - id: RT-NOT-IMPROVING\n", 1)
    tail = tail.replace("urgency: routine", "urgency: urgent", 1)
    path.write_text(head + "  - id: RT-NOT-IMPROVING\n" + tail, encoding="utf-8")
    return folder


def diff(old, new, *extra: str):
    return runner.invoke(app, ["rules", "diff", str(old), str(new), "--samples", "150", *extra])


@pytest.fixture(scope="module")
def raised_diff(raised):
    """The report of the raised copy against the shipped rules (run once: it takes a second)."""
    return diff(RULES, raised, "--exit-code")


@pytest.fixture
def tiny(tmp_path):
    """Two tiny rule sets whose only rule differs in urgency."""
    return (make_ruleset(tmp_path / "old", rule("R-A", "{fever: true}", "{urgency: routine}")),
            make_ruleset(tmp_path / "new", rule("R-A", "{fever: true}", "{urgency: urgent}")))


def test_shipped_rules_against_themselves_change_nothing(shipped):
    """Comparing a rule set with itself reports no change at all."""
    report = diff_rulesets(shipped, shipped, samples=50)
    assert not report.changed and report.cases_compared >= 140 and not report.cases_skipped


def test_a_raised_urgency_shows_in_rules_cases_and_samples(raised_diff):
    """One rule's urgency raised: the rule, the cases and the samples it touches are listed."""
    out = raised_diff.stdout
    assert "Rules: 1 changed, 0 added, 0 removed\n  changed RT-NOT-IMPROVING (then)" in out
    assert "  CASE-PW-NOT-IMPROVING-SUBACUTE  " in out
    assert "    urgency: routine -> urgent" in out
    assert "  routine -> urgent: " in out


def test_examples_are_cases_ready_to_paste(raised_diff, raised):
    """The printed examples are YAML case entries expecting the new urgency."""
    text = raised_diff.stdout.split("case file):\n", 1)[1]
    cases = yaml.safe_load(text)
    assert cases[0]["expect"] == {"urgency": "urgent"}
    assert triage.triage(cases[0]["answers"], rules=raised).urgency == "urgent"


def test_exit_code_option_fails_on_a_change(raised_diff):
    """--exit-code makes any change exit 1, for scripts."""
    assert raised_diff.exit_code == 1


def test_a_change_exits_0_by_default(tiny):
    """Without --exit-code the diff is a report: exit 0 even when something changed."""
    result = diff(*tiny)
    assert result.exit_code == 0 and "changed R-A (then)" in result.stdout


def test_exit_code_option_passes_without_change(tiny):
    """--exit-code exits 0 when nothing changes."""
    assert diff(tiny[0], tiny[0], "--exit-code").exit_code == 0


def test_added_and_removed_rules_are_listed(tmp_path):
    """Rules only in one set are named as added or removed, with the advice they change."""
    old = make_ruleset(tmp_path / "old", rule("R-A", "{fever: true}", "{urgency: urgent}"))
    new = make_ruleset(tmp_path / "new", rule("R-B", "{fever: true}",
                                              "{urgency: urgent, recommend: [doctor.same_day]}"))
    report = diff_rulesets(triage.engine(old), triage.engine(new), samples=50)
    assert (report.rules_added, report.rules_removed) == (["R-B"], ["R-A"])
    assert {change.added for change in report.sample_changes} == {("doctor.same_day",)}
    assert "urgent (advice only): " in report.render()


def test_answers_the_old_questionnaire_refuses_are_counted(tmp_path):
    """Samples from a NEW questionnaire value the OLD one lacks are skipped and counted."""
    old = make_ruleset(tmp_path / "old", rule("R-A", "{fever: true}", "{urgency: urgent}"))
    questionnaire = old / "questionnaire.yaml"
    text = questionnaire.read_text(encoding="utf-8")
    questionnaire.write_text(text.replace('value: "whole"', 'value: "entire"', 1), encoding="utf-8")
    new = make_ruleset(tmp_path / "new", rule("R-A", "{fever: true}", "{urgency: urgent}"))
    report = diff_rulesets(triage.engine(old), triage.engine(new), samples=60)
    assert 0 < report.samples_skipped < 60
    assert "skipped (refused by the old questionnaire)" in report.render()
