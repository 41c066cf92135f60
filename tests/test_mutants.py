"""`triage rules verify --mutants`: is every safety rule guarded by an invariant or a case?"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from conftest import RULES
from test_verify import broken_copy
from typer.testing import CliRunner

import triage
from triage.cli import app
from triage.clinician.mutants import (
    Mutant,
    Refiring,
    build_probe,
    mutants,
    mutation_test,
    safety_relevant,
)
from triage.clinician.verify import broken
from triage.engine import Engine
from triage.errors import ExitStatus, RulesetError
from triage.language.model import Expectation, Urgency

SAMPLES = 100  # random answer sets added to the probe (the quick design is always there)


def rule_of(ruleset, rule_id):
    return next(rule for rule in ruleset.rules if rule.id == rule_id)


def test_each_rule_has_a_mutant_per_effect(ruleset):
    """Condition off, then its urgency, each advice id, each exclusion, each finding."""
    rule = rule_of(ruleset, "RF-CHEST")
    kinds = [(m.kind, m.target) for m in mutants(rule)]
    assert kinds[:3] == [("condition", ""), ("urgency", "emergency"),
                         ("recommend", "emergency.ambulance")]
    assert ("exclude", "emergency.spinal_cord_compression") in kinds
    assert ("finding", "red_flag_emergency") in kinds
    assert len(kinds) == 1 + 1 + 1 + 3 + 2


def test_safety_relevant_rules_are_danger_signs_medicines_controls_and_exclusions(ruleset):
    """red_flag.* and medicines.* rules, hazard controls and any rule with an exclude."""
    safety = safety_relevant(ruleset)
    assert {"GATE-EMERGENCY", "MED-UNKNOWN-ORAL", "RT-CHRONIC", "RT-UNDER-16"} <= safety
    assert "SC-TRIGGER-LIFTING" not in safety


def test_the_shortcut_fires_what_a_recompiled_engine_fires(shipped):
    """Re-judging only the rules downstream of a lost finding gives the engine's firing."""
    ruleset = shipped.ruleset
    probe = build_probe(shipped, samples_count=SAMPLES)
    for rule_id, mutant in (("GATE-EMERGENCY", "condition"), ("RF-NEURO-SYMPTOM", "condition"),
                            ("PH-NEW-PAIN", "condition")):
        rule = rule_of(ruleset, rule_id)
        mutation = Mutant(rule_id, mutant)
        mutated = mutation.apply(rule)
        compiled = Engine(replace(ruleset, rules=tuple(mutated if r is rule else r
                                                       for r in ruleset.rules)))
        refire = Refiring(ruleset, rule, mutated, mutation)
        for index in probe.fired_by[rule_id][:60]:
            answers = probe.answers[index]
            fast, slow = refire(probe.firings[index], answers), compiled.run(answers)
            assert [r.id for r in fast.rules] == [r.id for r in slow.rules]
            assert fast.findings == slow.findings


def test_every_mutant_of_a_shipped_safety_rule_is_caught(shipped):
    """The shipped rules reach 100% on safety-relevant rules (with the default samples:
    a survivor can hide outside a smaller probe)."""
    report = mutation_test(shipped)
    assert report.failed == []
    caught, total = report.score(safety_only=True)
    assert caught == total > 250


def test_a_rule_no_invariant_guards_is_reported_as_a_survivor(tmp_path):
    """Break a fresh invariant on purpose (INV-URGENT-SAME-DAY no longer asks for a
    same-day item or excludes home care) and the urgent gate's advice goes unguarded."""
    folder = broken_copy(
        tmp_path, "invariants.yaml",
        "          includes_any: [doctor.same_day, doctor.maternity_now, "
        "doctor.young_child_today,\n"
        "                         doctor.cancer_history_same_day, doctor.unscreened_check,\n"
        "                         doctor.not_sure_check, doctor.not_sure_nerves,\n"
        "                         doctor.not_sure_chest_or_aorta, doctor.not_sure_injury]\n"
        "          excludes: [\"activity.*\", \"stretch.*\", \"heat_cold.*\", \"otc.*\", "
        "\"info.*\",\n"
        "                     doctor.gp_routine, doctor.physiotherapy_exercise, "
        "doctor.midwife]\n",
        "          excludes: [doctor.cancer_history_same_day]\n")
    result = CliRunner().invoke(app, ["rules", "verify", "--mutants", str(folder),
                                      "--rule", "GATE-URGENT", "--samples", str(SAMPLES),
                                      "--format", "json"])
    assert result.exit_code == ExitStatus.CHECK_FAILED, result.output
    report = json.loads(result.stdout)
    survivors = {(m["rule"], m["mutation"], m["target"]) for m in report["mutants"]
                 if m["status"] == "survived"}
    assert ("GATE-URGENT", "exclude", "info.*") in survivors
    assert report["failed"] is True


def test_the_shipped_gates_are_guarded_by_the_new_invariants():
    """`--rule` limits the run; every mutant of the gates is caught, among others by the
    invariants written for them; exit 0."""
    result = CliRunner().invoke(app, ["rules", "verify", "--mutants", str(RULES),
                                      "--rule", "GATE-EMERGENCY", "--rule", "GATE-URGENT",
                                      "--samples", str(SAMPLES), "--jobs", "2",
                                      "--format", "json"])
    assert result.exit_code == ExitStatus.OK, result.output
    report = json.loads(result.stdout)
    assert {m["rule"] for m in report["mutants"]} == {"GATE-EMERGENCY", "GATE-URGENT"}
    assert report["safety_score"]["caught"] == report["safety_score"]["mutants"] == 20
    catchers = {name for m in report["mutants"] for name in m["caught_by"]}
    assert {"INV-EMERGENCY-CALL-NOW", "INV-URGENT-SAME-DAY"} <= catchers


def test_the_text_report_has_a_table_and_a_score():
    """One line per rule with who guards it, then the score."""
    result = CliRunner().invoke(app, ["rules", "verify", "--mutants", str(RULES),
                                      "--rule", "RT-INFLAMMATORY", "--samples", str(SAMPLES)])
    assert result.exit_code == ExitStatus.OK, result.output
    assert "guarded      RT-INFLAMMATORY" in result.stdout
    assert "without urgency routine: equivalent: subsumed by RT-CHRONIC" in result.stdout
    assert "Score: 3/3 (100.0%) of the mutants caught (3 equivalent left out)" in result.stdout


def test_an_unknown_rule_is_bad_input_with_a_suggestion():
    """`--rule GATE-URGNT` names the rule it probably meant; exit 2."""
    result = CliRunner().invoke(app, ["rules", "verify", "--mutants", str(RULES),
                                      "--rule", "GATE-URGNT"])
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert "did you mean 'GATE-URGENT'" in result.stderr


def test_a_subsumed_rule_is_equivalent_and_names_what_subsumes_it(shipped):
    """RT-INFLAMMATORY's urgency changes nothing: RT-CHRONIC fires whenever it does."""
    report = mutation_test(shipped, samples_count=SAMPLES, only=["RT-INFLAMMATORY"])
    outcome = next(o for o in report.outcomes if o.mutant.kind == "urgency")
    assert outcome.status == "equivalent"
    assert outcome.subsumed_by == ("RT-CHRONIC",)


# ---------------------------------------------------------------- the invariant language

def test_if_urgency_applies_only_to_results_of_that_urgency(shipped):
    """`if_urgency: {emergency: {includes: [...]}}` says nothing about an urgent result."""
    result = triage.triage({**_healthy(), "fever": True}, rules=RULES)
    assert result.urgency is Urgency.URGENT
    inner = Expectation(includes=("emergency.call_now",))
    invariant = replace(shipped.ruleset.invariants[0],
                        expect=Expectation(by_urgency=((Urgency.EMERGENCY, inner),)))
    assert broken(invariant, result, ruleset=shipped.ruleset) == []
    urgent = replace(invariant, expect=Expectation(by_urgency=((Urgency.URGENT, inner),)))
    assert broken(urgent, result, ruleset=shipped.ruleset) == [
        "does not advise emergency.call_now (an urgent result)"]


def test_includes_any_needs_one_of_its_items(shipped):
    """`includes_any` holds when at least one of the ids is advised."""
    result = triage.triage({**_healthy(), "fever": True}, rules=RULES)
    invariant = replace(shipped.ruleset.invariants[0], expect=Expectation(
        includes_any=("doctor.maternity_now", "doctor.same_day")))
    assert broken(invariant, result, ruleset=shipped.ruleset) == []
    invariant = replace(invariant, expect=Expectation(includes_any=("doctor.maternity_now",)))
    assert broken(invariant, result, ruleset=shipped.ruleset) == [
        "advises none of doctor.maternity_now"]


def test_a_misspelt_urgency_under_if_urgency_is_reported_with_its_line(tmp_path):
    """`if_urgency: {emergancy: ...}` is a load error at its file:line, with a suggestion."""
    folder = broken_copy(tmp_path, "invariants.yaml", "      if_urgency:\n        emergency:",
                         "      if_urgency:\n        emergancy:")
    with pytest.raises(RulesetError, match=r"invariants\.yaml:\d+: .*emergancy.*did you mean "
                                           "'emergency'"):
        triage.load_ruleset(folder)


def _healthy():
    from conftest import healthy_adult
    return healthy_adult()


def test_the_review_shows_each_rules_mutation_status(shipped):
    """`rules review --mutants`: "Mutation status: guarded by: INV-..., CASE-..." per rule."""
    from triage.clinician.review import case_coverage, document, render_markdown

    report = mutation_test(shipped, samples_count=SAMPLES, only=["GATE-URGENT",
                                                                 "RT-INFLAMMATORY"])
    status = report.status_by_rule()
    assert status["GATE-URGENT"].startswith("guarded by: INV-")
    assert "changes nothing: without urgency routine" in status["RT-INFLAMMATORY"]
    text = render_markdown(document(shipped.ruleset, case_coverage(shipped), None, None,
                                    status))
    assert "**Mutation status:** guarded by: INV-" in text
