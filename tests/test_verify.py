"""`triage rules verify`: the declared safety invariants, checked over the answer space."""

from __future__ import annotations

import dataclasses
import itertools
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import RULES
from typer.testing import CliRunner

import triage
from triage.cli import app
from triage.clinician.answer_space import (
    default_baseline,
    not_sure_pairs,
    pairwise,
    thresholds,
)
from triage.clinician.cases import load_cases, run_case
from triage.clinician.verify import VerifyReport, verify, violation
from triage.clinician.verify_report import case_yaml, deciding, render_report
from triage.errors import ExitStatus, RulesetError

QUICK = {"samples_count": 50, "background": "baseline"}


def broken_copy(tmp_path: Path, filename: str, old: str, new: str) -> Path:
    """A copy of the shipped rules with one deliberate edit."""
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    text = (folder / filename).read_text(encoding="utf-8")
    assert old in text, "the edit no longer applies to the shipped rules"
    (folder / filename).write_text(text.replace(old, new, 1), encoding="utf-8")
    manifest = folder / "ruleset.yaml"  # the hazard log names the rules as they ship
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("hazards: hazards.yaml\n",
                                                                     ""), encoding="utf-8")
    return folder


LOWER_MAJOR_TRAUMA = ("danger_signs.yaml", "      recent_trauma: major\n    then:\n"
                      "      urgency: emergency", "      recent_trauma: major\n    then:\n"
                      "      urgency: urgent")
DROP_ULCER_EXCLUSION = ("medicines.yaml", "      stomach_ulcer_or_bleed: true\n    then:\n"
                        "      exclude: [\"otc.oral_nsaid*\", \"otc.topical_*\"]\n",
                        "      stomach_ulcer_or_bleed: true\n    then:\n")
SEVERITY_BLANK_READ_AS_NO = ("pathways.yaml", "      not: {pain_severity: {\"<=\": 7}}\n"
                             "    then:\n      urgency: routine",
                             "      pain_severity: {\">=\": 8}\n    then:\n      urgency: routine")
NO_AMBULANCE_FOR_CHEST_PAIN = ("danger_signs.yaml", "findings: [cardiac_or_chest_emergency, "
                               "red_flag_emergency]\n      recommend: [emergency.ambulance]",
                               "findings: [cardiac_or_chest_emergency, red_flag_emergency]")
UPPER_BACK_NOT_URGENT = ("danger_signs.yaml", "      location: {in: [upper, whole]}\n    then:\n"
                         "      urgency: urgent\n      findings: [thoracic_pain, red_flag_urgent]",
                         "      location: {in: [upper, whole]}\n    then:\n"
                         "      findings: [thoracic_pain]")


def delete_rule(tmp_path: Path, filename: str, rule_id: str) -> Path:
    """A copy of the shipped rules with one rule deleted (up to the next rule)."""
    text = (RULES / filename).read_text(encoding="utf-8")
    start = text.index(f"  - id: {rule_id}\n")
    end = text.index("\n  - id: ", start + 1) + 1
    return broken_copy(tmp_path, filename, text[start:end], "")


def failed(report: VerifyReport) -> dict[str, object]:
    return {item.invariant.id: item.failure for item in report.invariants if not item.holds}


def test_shipped_invariants_hold(shipped):
    """Every invariant declared for the shipped rules holds (quick design, a few samples)."""
    report = verify(shipped, **QUICK)
    assert report.holds, failed(report)
    assert report.designed > len(shipped.ruleset.invariants)


def test_shipped_rules_declare_every_kind_of_invariant(ruleset):
    """Emergency, urgent, contraindication, plan and unscreened invariants are all declared."""
    expects = [inv.expect for inv in ruleset.invariants]
    assert any(e.urgency is triage.Urgency.EMERGENCY for e in expects)
    assert any(e.urgency_at_least is triage.Urgency.URGENT for e in expects)
    assert any(e.excludes for e in expects)
    assert any(e.plan for e in expects)
    assert any(inv.scope == "unscreened" for inv in ruleset.invariants)


@pytest.mark.parametrize(("break_rules", "invariant"), [
    (lambda tmp: delete_rule(tmp, "danger_signs.yaml", "RF-CES-SADDLE"), "INV-EM-SADDLE"),
    (lambda tmp: broken_copy(tmp, *LOWER_MAJOR_TRAUMA), "INV-EM-MAJOR-TRAUMA"),
    (lambda tmp: broken_copy(tmp, *DROP_ULCER_EXCLUSION), "INV-CI-ULCER"),
    (lambda tmp: broken_copy(tmp, *NO_AMBULANCE_FOR_CHEST_PAIN), "INV-EM-CHEST"),
    (lambda tmp: broken_copy(tmp, *UPPER_BACK_NOT_URGENT), "INV-SAFETY-NET-CONSISTENT"),
], ids=["deleted-emergency-rule", "lowered-urgency", "missing-exclusion",
        "missing-emergency-wording", "plan-contradicts-safety-net"])
def test_a_broken_rule_set_is_caught_with_a_minimal_counterexample(tmp_path, break_rules,
                                                                   invariant):
    """The counterexample really breaks the invariant, and resetting any answer fixes it."""
    folder = break_rules(tmp_path)
    engine = triage.engine(folder)
    report = verify(engine, **QUICK)
    failure = failed(report).get(invariant)
    assert failure is not None
    assert violation(engine, failure.invariant, failure.answers)
    baseline = default_baseline(engine.ruleset)
    for qid, value in failure.answers.items():
        if value != baseline[qid]:
            assert not violation(engine, failure.invariant, {**failure.answers,
                                                               qid: baseline[qid]}), qid


def test_the_counterexample_is_a_case_that_fails_on_the_broken_rules(tmp_path):
    """Pasted into a case file, the counterexample fails there and passes on the shipped rules."""
    folder = broken_copy(tmp_path, *DROP_ULCER_EXCLUSION)
    engine = triage.engine(folder)
    failure = failed(verify(engine, **QUICK))["INV-CI-ULCER"]
    case_file = tmp_path / "counterexample.yaml"
    case_file.write_text(case_yaml(failure, engine.ruleset), encoding="utf-8")
    (case,) = load_cases(engine.ruleset, [case_file])
    assert not run_case(engine, case).passed
    shipped = triage.engine(RULES)
    assert run_case(shipped, load_cases(shipped.ruleset, [case_file])[0]).passed


def test_counterexample_answers_follow_the_questionnaire_order(tmp_path):
    """The printed answers read in the order the questions are asked."""
    folder = broken_copy(tmp_path, *LOWER_MAJOR_TRAUMA)
    engine = triage.engine(folder)
    failure = failed(verify(engine, **QUICK))["INV-EM-MAJOR-TRAUMA"]
    case = yaml.safe_load(case_yaml(failure, engine.ruleset))["cases"][0]
    assert list(case["answers"]) == [q.id for q in engine.ruleset.questions]
    assert case["answers"]["recent_trauma"] == "major"
    assert case["expect"] == {"urgency": "emergency", "includes": ["emergency.serious_injury"]}


def test_a_rule_that_reads_a_blank_as_no_is_caught(tmp_path):
    """RT-SEVERE-PAIN rewritten to test "8 or more" (a blank severity then switches it
    off): the blank-answers invariant fails, naming pain_severity, and its counterexample
    case leaves that answer blank and expects the urgency of the answered one."""
    engine = triage.engine(broken_copy(tmp_path, *SEVERITY_BLANK_READ_AS_NO))
    failure = failed(verify(engine, **QUICK))["INV-BLANK-NEVER-LOWERS"]
    assert failure.blank == "pain_severity"
    assert "leaving pain_severity blank gives self_care" in "; ".join(failure.problems)
    case = yaml.safe_load(case_yaml(failure, engine.ruleset))["cases"][0]
    assert case["answers"]["pain_severity"] is None
    assert case["expect"]["urgency"] == "routine"
    assert "INV-BLANK-NEVER-LOWERS" not in failed(verify(triage.engine(RULES), **QUICK))


def test_a_plan_contradicting_its_safety_net_names_the_line(tmp_path):
    """Upper-back pain lowered to "no urgency": the safety-net invariant names the "between
    your shoulder blades" line the answers meet, and its place."""
    engine = triage.engine(broken_copy(tmp_path, *UPPER_BACK_NOT_URGENT))
    failure = failed(verify(engine, **QUICK))["INV-SAFETY-NET-CONSISTENT"]
    problems = "; ".join(failure.problems)
    assert "between your shoulder blades" in problems and "advice.yaml:" in problems
    assert failure.answers["location"] in ("upper", "whole")


def test_thresholds_include_both_sides_of_each_cut_off(ruleset):
    """Age 64/65/66 and 6 weeks (41/42/43 days) are in the design."""
    bounds = thresholds(ruleset)
    assert {64, 65, 66} <= set(bounds["age"])
    assert {41, 42, 43} <= set(bounds["duration_days"])
    assert {30, 31, 32} <= set(bounds["morning_stiffness_minutes"])


def test_pairwise_design_covers_every_pair_of_values():
    """Every value of any factor meets every value of any other factor in some row."""
    factors = [("a", (0, 1, 2)), ("b", (True, False)), ("c", ("x", "y", "z", "w")),
               ("d", (1, 2))]
    rows = pairwise(factors, seed=1)
    for (f, fv), (g, gv) in itertools.combinations(factors, 2):
        for x, y in itertools.product(fv, gv):
            assert any(row[f] == x and row[g] == y for row in rows), (f, x, g, y)
    assert len(rows) < 3 * 2 * 4 * 2  # smaller than the full product


# RF-CANCER-NEURO-UNSCREENED as rule set 0.2.1 shipped it: blank nerve signs only, so
# cancer_history yes with leg_weakness not sure gave urgent where the blank gave emergency.
# The full verify of 0.2.1 passed: the all-pairs core met that pair only beside other
# answers, chosen by the order of the questions.
_LAST_BLANK = "            - unanswered: sexual_function_change\n"
NOT_SURE_BELOW_BLANK_0_2_1 = ("danger_signs.yaml", _LAST_BLANK + "".join(
    f"            - {qid}: not_sure\n" for qid in ("leg_weakness", "both_legs_affected",
                                                  "saddle_numbness", "bladder_or_bowel_change",
                                                  "sexual_function_change")), _LAST_BLANK)


def test_the_quick_verify_finds_not_sure_below_blank_in_rule_set_0_2_1(tmp_path):
    """Each danger sign answered not sure is tried beside every raising answer of every
    other danger sign, over the baseline answers, so the 0.2.1 bug is found at any depth
    and whatever the order of the questions."""
    folder = broken_copy(tmp_path, *NOT_SURE_BELOW_BLANK_0_2_1)
    engine = triage.engine(folder)
    report = verify(engine, **QUICK)
    failure = failed(report).get("INV-NOT-SURE-NOT-BELOW-BLANK")
    assert failure is not None, "the 0.2.1 form of RF-CANCER-NEURO-UNSCREENED went unnoticed"
    assert "cancer_history: yes" in deciding(failure, engine.ruleset)
    assert any("not sure gives urgent, but leaving it blank gives emergency" in problem
               for problem in failure.problems)


def sorted_items(answers: dict[str, object]) -> list[tuple[str, str]]:
    return sorted((qid, repr(value)) for qid, value in answers.items())


def test_not_sure_pairs_cover_every_sign_beside_every_raising_answer(shipped):
    """21 signs that take not sure, each alone and beside the 23 raising answers of the
    others (yes; leg_weakness stable or worsening; recent_trauma each kind); the same
    pairs however the questionnaire is ordered."""
    ruleset = shipped.ruleset
    invariant = next(i for i in ruleset.invariants if i.id == "INV-NOT-SURE-NOT-BELOW-BLANK")
    baseline = default_baseline(ruleset)
    pairs = not_sure_pairs(invariant, ruleset, baseline)
    assert {"cancer_history": True, "leg_weakness": "not_sure"} in pairs
    assert {"leg_weakness": "worsening", "recent_trauma": "not_sure"} in pairs
    signs = [q for q in ruleset.questions if q.takes_not_sure]
    raising = sum(len(q.plain_values) - 1 for q in signs)
    assert len(pairs) == sum(1 + raising - (len(q.plain_values) - 1) for q in signs)
    reordered = dataclasses.replace(ruleset, questions=ruleset.questions[::-1])
    again = not_sure_pairs(invariant, reordered, baseline)
    assert sorted(map(sorted_items, again)) == sorted(map(sorted_items, pairs))
    report = verify(shipped, **QUICK)
    item = next(r for r in report.invariants
                if r.invariant.id == "INV-NOT-SURE-NOT-BELOW-BLANK")
    assert item.holds and item.not_sure_pairs == len(pairs)


def test_an_unknown_answer_id_in_an_invariant_is_reported_with_file_and_line(tmp_path):
    """A typo in an invariant's condition names the file and line, with a suggestion."""
    folder = broken_copy(tmp_path, "invariants.yaml", "when: {saddle_numbness: true}",
                         "when: {saddle_numbnes: true}")
    with pytest.raises(RulesetError) as caught:
        triage.load_ruleset(folder)
    message = str(caught.value)
    assert "invariants.yaml:" in message and "saddle_numbnes" in message
    assert "did you mean 'saddle_numbness'" in message


def test_an_unknown_advice_id_in_an_invariant_is_reported(tmp_path):
    """An excludes pattern that matches no advice is an error, like in a rule."""
    folder = broken_copy(tmp_path, "invariants.yaml", 'excludes: ["otc.oral_nsaid*"]',
                         'excludes: ["otc.oral_nsiad*"]')
    with pytest.raises(RulesetError, match=r"invariants\.yaml:\d+: .*otc\.oral_nsiad"):
        triage.load_ruleset(folder)


def test_the_invariants_file_is_part_of_the_ruleset_digest(tmp_path, ruleset):
    """Changing an invariant changes the rule set's sha256."""
    folder = broken_copy(tmp_path, "invariants.yaml", "Saddle numbness always means emergency",
                         "Saddle numbness always means an emergency")
    assert triage.load_ruleset(folder).sha256 != ruleset.sha256


def test_cli_verify_passes_on_the_shipped_rules():
    """`triage rules verify --quick` prints PASS lines and exits 0."""
    result = CliRunner().invoke(app, ["rules", "verify", str(RULES), "--quick",
                                      "--samples", "20"])
    assert result.exit_code == ExitStatus.OK, result.output
    assert "PASS  INV-EM-SADDLE" in result.stdout
    assert "invariants hold." in result.stdout


def test_cli_verify_exits_1_and_prints_the_counterexample(tmp_path):
    """A broken rule set gives FAIL, a pasteable case and exit status 1."""
    folder = broken_copy(tmp_path, *LOWER_MAJOR_TRAUMA)
    result = CliRunner().invoke(app, ["rules", "verify", str(folder), "--quick",
                                      "--samples", "20"])
    assert result.exit_code == ExitStatus.CHECK_FAILED
    assert "FAIL  INV-EM-MAJOR-TRAUMA" in result.stdout
    assert "- id: CASE-INV-EM-MAJOR-TRAUMA-COUNTEREXAMPLE" in result.stdout


def test_cli_verify_exits_2_for_a_bad_invariants_file(tmp_path):
    """A bad invariants file is bad input: one error line per problem, exit 2."""
    folder = broken_copy(tmp_path, "invariants.yaml", "expect: {urgency: emergency}",
                         "expect: {urgency: emergancy}")
    result = CliRunner().invoke(app, ["rules", "verify", str(folder), "--quick"])
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert "invariants.yaml:" in result.stderr and "emergancy" in result.stderr


def test_a_counterexample_names_the_rule_that_gave_the_result(tmp_path):
    """A lowered rule: the report names it as the rule behind the result, and says no rule
    reading those answers would satisfy the invariant any more."""
    folder = broken_copy(tmp_path, *LOWER_MAJOR_TRAUMA)
    engine = triage.engine(folder)
    report = verify(engine, **QUICK)
    item = next(i for i in report.invariants if i.invariant.id == "INV-EM-MAJOR-TRAUMA")
    assert item.failure is not None
    assert item.failure.rules[0] == "the result comes from: RF-TRAUMA-MAJOR"
    assert item.failure.rules[1].startswith("the rules that would satisfy it: none")
    text = render_report(report, engine.ruleset)
    assert "      the result comes from: RF-TRAUMA-MAJOR\n" in text


def test_a_counterexample_names_the_rule_that_should_have_fired(tmp_path):
    """A danger-sign rule narrowed so that it no longer fires on its own: the report names
    it as the rule that would satisfy the invariant, and says it did not fire."""
    folder = broken_copy(tmp_path, "danger_signs.yaml",
                         "    when:\n      saddle_numbness: true\n",
                         "    when:\n      all:\n        - saddle_numbness: true\n"
                         "        - fever: true\n")
    report = verify(triage.engine(folder), **QUICK)
    item = next(i for i in report.invariants if i.invariant.id == "INV-EM-SADDLE")
    assert item.failure is not None
    assert "RF-CES-SADDLE (did not fire)" in item.failure.rules[1]
