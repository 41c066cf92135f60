"""`triage rules diff`: what a proposed rule change changes, on cases and sampled answers."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
import yaml
from conftest import RULES
from rulesets import make_ruleset, rule
from typer.testing import CliRunner

import triage
from triage.cli import app
from triage.clinician.changes import definition_changes
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
    assert "Rules: 1 changed, 0 added, 0 removed\n  changed RT-NOT-IMPROVING\n" \
        "    urgency: routine -> urgent\n" in out
    assert out.startswith("Safety-relevant changes: none\n")
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
    assert result.exit_code == 0 and "changed R-A\n    urgency: routine -> urgent" in result.stdout


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


@pytest.fixture(scope="module")
def lowered(tmp_path_factory):
    """A copy of the shipped rules where saddle numbness is only urgent."""
    folder = tmp_path_factory.mktemp("lowered") / "rules"
    shutil.copytree(RULES, folder)
    path = folder / "danger_signs.yaml"
    head, tail = path.read_text(encoding="utf-8").split("  - id: RF-CES-SADDLE\n", 1)
    tail = tail.replace("urgency: emergency", "urgency: urgent", 1)
    path.write_text(head + "  - id: RF-CES-SADDLE\n" + tail, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def lowered_report(lowered):
    return diff_rulesets(triage.engine(RULES), triage.engine(lowered), samples=300)


def test_a_lowered_danger_sign_is_flagged_first_with_old_and_new(lowered_report):
    """Lowering a cauda equina rule to urgent is the first thing the report says, with the
    old and new urgency, and the cases and samples it lowers are flagged too."""
    text = lowered_report.render()
    lines = text.splitlines()
    assert lines[0] == "Safety-relevant changes: 3 (read these first)"
    assert lines[1] == "  ! rule RF-CES-SADDLE: urgency: emergency -> urgent  [urgency lowered]"
    assert lines[2].startswith("  ! 4 case(s) get a lower urgency: CASE-DS-SADDLE-ALONE "
                               "(emergency -> urgent)")
    assert "sampled answer sets get a lower urgency: emergency -> urgent:" in lines[3]
    assert "  changed RF-CES-SADDLE\n    urgency: emergency -> urgent\n" in text


def test_diff_examples_are_shrunk_to_the_baseline(lowered_report, ruleset):
    """Each example keeps only the answers the change needs; the rest are the baseline."""
    example = lowered_report.examples[0]
    assert example.deciding == "saddle_numbness: yes"
    baseline = {k: v for k, v in ruleset.benign.items() if v is not None}
    assert dict(example.answers) == {**baseline, "saddle_numbness": True}


def _edited(ruleset, **fields):
    return dataclasses.replace(ruleset, **fields)


def _without(items, wanted, change):
    return tuple(change(item) if item.id == wanted else item for item in items)


@pytest.mark.parametrize("edit, expected", [
    (lambda r: _edited(r, rules=tuple(x for x in r.rules if x.id != "RF-NIGHT-PAIN")),
     "rule RF-NIGHT-PAIN removed  [danger-sign rule removed (red_flag.malignancy)]"),
    (lambda r: _edited(r, rules=_without(r.rules, "GATE-URGENT", lambda x: dataclasses.replace(
        x, then=dataclasses.replace(x.then, exclude=x.then.exclude[1:])))),
     "rule GATE-URGENT: exclusions: "),
    (lambda r: _edited(r, invariants=r.invariants[1:]), "invariant removed]"),
    (lambda r: _edited(r, invariants=_without(r.invariants, "INV-EM-SADDLE",
                                             lambda x: dataclasses.replace(x, when=None))),
     "[invariant when changed: check it is not weaker]"),
    (lambda r: _edited(r, hazards=_without(r.hazards, "HAZ-01", lambda h: dataclasses.replace(
        h, controls={**h.controls, "rules": h.controls["rules"][:-1]}))),
     "[control removed: GATE-EMERGENCY]"),
    (lambda r: _edited(r, questions=_without(r.questions, "leg_weakness",
                                            lambda q: dataclasses.replace(
                                                q, choices=q.choices[:-1]))),
     "[choice removed: worsening]"),
    (lambda r: _edited(r, questions=_without(r.questions, "fever", lambda q: dataclasses.replace(
        q, danger_sign=False))), "question fever: danger sign: yes -> no  [no longer a danger"),
])
def test_each_weakening_is_flagged_as_safety_relevant(ruleset, edit, expected):
    """A removed danger-sign rule, exclusion, invariant or hazard control, a weakened
    invariant, a removed question choice or danger sign: each is a safety-relevant change."""
    changes = definition_changes(ruleset, edit(ruleset))
    flagged = [f"{c.line()}  [{c.safety}]" for c in changes if c.safety]
    assert any(expected in line for line in flagged), flagged


def test_diff_as_html_and_review_since_show_the_change(lowered):
    """`rules diff --format html` and `rules review --since OLD` give the review of the
    change: the safety flag first, then old -> new per field."""
    page = diff(RULES, lowered, "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>")
    assert page.index("urgency lowered") < page.index("What changed, old")
    since = runner.invoke(app, ["rules", "review", str(lowered), "--since", str(RULES),
                                "-f", "markdown"])
    assert since.exit_code == 0, since.output
    text = since.stdout
    assert text.startswith("# Review of a change: backtriage-core")
    assert "| RF-CES-SADDLE | urgency | emergency | urgent | urgency lowered |" in text
    assert "DIFF-1: emergency -\\> urgent: saddle_numbness: yes" in text
