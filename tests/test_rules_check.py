"""`triage rules check`: every problem of a rule set at once, as file:line, never a crash."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, RULES
from rulesets import make_ruleset, rule
from typer.testing import CliRunner

from triage.cli import app
from triage.clinician.ruleset_check import check

TODAY = "2026-11-30"
runner = CliRunner()


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Run from the temporary folder: places are shown relative to the working folder."""
    monkeypatch.chdir(tmp_path)


def check_cli(folder, *extra: str):
    return runner.invoke(app, ["rules", "check", str(folder), "--today", TODAY, *extra])


def rules_check(tmp_path, rules_text: str, *extra: str, **kwargs):
    return check_cli(make_ruleset(tmp_path / "rs", rules_text, **kwargs), *extra)


URGENT = rule("R1", "{fever: true}", "{urgency: urgent, recommend: [doctor.same_day]}")


# Hazards whose controls lie outside the rule set (question wording and the readability
# check, the answers parser, the locale table): warned about, honestly, until they get a
# case or an invariant.
KNOWN_HAZARD_GAPS = {("HAZ-21", "invariant"), ("HAZ-25", "case"), ("HAZ-25", "invariant"),
                     ("HAZ-26", "invariant"), ("HAZ-28", "case"),
                     ("HAZ-28", "invariant"), ("HAZ-39", "invariant"), ("HAZ-40", "case")}


def test_shipped_rules_check_clean():
    """The shipped rule set has no errors, and no warnings but the known hazard-log gaps."""
    result = check_cli(RULES)
    assert result.exit_code == 0, result.stdout
    *warnings, summary = result.stdout.splitlines()
    assert summary.endswith(f": 0 errors, {len(KNOWN_HAZARD_GAPS)} warnings")
    gaps = {(line.split("hazard ")[1].split(":")[0], line.split(" no ")[1].split()[0])
            for line in warnings}
    assert gaps == KNOWN_HAZARD_GAPS


def test_unknown_question_is_an_error_with_file_line_and_suggestion(tmp_path):
    """A misspelt question id fails the check with file:line and a did-you-mean."""
    result = rules_check(tmp_path, rule("R1", "{fevr: true}", "{urgency: urgent}"))
    assert result.exit_code == 1
    assert ("rs/rules.yaml:5: error: unknown question id 'fevr' (did you mean 'fever'?)"
            in result.stdout)


def test_unknown_value_is_an_error(tmp_path):
    """A value the question does not allow fails the check."""
    result = rules_check(tmp_path, rule("R1", "{leg_weakness: worse}", "{urgency: urgent}"))
    assert result.exit_code == 1
    assert "rs/rules.yaml:5: error: leg_weakness: 'worse' is not allowed" in result.stdout


def test_unknown_advice_id_is_an_error_with_suggestion(tmp_path):
    """Recommending advice that is not in the catalogue fails, suggesting the near id."""
    result = rules_check(tmp_path, rule("R1", "{fever: true}", "{recommend: [doctor.same_dy]}"))
    assert result.exit_code == 1
    assert "error: rule R1: recommends unknown advice id 'doctor.same_dy' (did you mean " \
        "'doctor.same_day'?)" in result.stdout


def test_duplicate_rule_ids_are_an_error(tmp_path):
    """A second rule with the same id is reported where it stands."""
    result = rules_check(tmp_path, URGENT * 2)
    assert result.exit_code == 1
    assert "rs/rules.yaml:14: error: duplicate rule id 'R1'" in result.stdout


def test_finding_no_rule_asserts_is_an_error(tmp_path):
    """A rule testing a finding nobody asserts fails the check."""
    result = rules_check(tmp_path, rule("R1", "{finding: nowhere}", "{urgency: urgent}"))
    assert result.exit_code == 1
    assert "error: rule R1: finding 'nowhere' is never asserted by any rule" in result.stdout


def test_every_problem_is_reported_at_once(tmp_path):
    """Several mistakes give several lines and an error count in the summary."""
    text = (rule("R1", "{fevr: true}", "{urgency: urgent}")
            + rule("R2", "{fever: true}", "{urgency: urgnt}"))
    result = rules_check(tmp_path, text)
    assert result.stdout.count(": error: ") == 2
    assert result.stdout.splitlines()[-1] == "2 errors, 0 warnings"


def test_finding_no_rule_uses_is_a_warning(tmp_path):
    """A finding asserted but never tested is a warning; warnings alone exit 0."""
    result = rules_check(tmp_path, rule("R1", "{fever: true}",
                                        "{finding: spare, recommend: [doctor.same_day]}"))
    assert result.exit_code == 0
    assert ("rs/rules.yaml:3: warning: finding 'spare' (asserted by R1) is used by no active "
            "rule" in result.stdout)


GLOSSARY = """findings:
  - id: spare
    meaning: A label for the result that no rule builds on.
"""


def with_glossary(rules_text: str, glossary: str = GLOSSARY) -> dict:
    """make_ruleset arguments for a rule set with a findings glossary."""
    return {"rules_text": rules_text, "files": {"findings.yaml": glossary}}


def rules_check_with_glossary(tmp_path, rules_text: str, glossary: str = GLOSSARY):
    folder = make_ruleset(tmp_path / "rs", **with_glossary(rules_text, glossary))
    manifest = folder / "ruleset.yaml"
    manifest.write_text(manifest.read_text() + "findings: findings.yaml\n")
    return check_cli(folder)


def test_finding_declared_in_the_glossary_may_only_label_the_result(tmp_path):
    """A glossary finding that no rule tests is a documented label, not a warning."""
    result = rules_check_with_glossary(tmp_path, rule(
        "R1", "{fever: true}", "{finding: spare, recommend: [doctor.same_day]}"))
    assert result.exit_code == 0
    assert "finding 'spare'" not in result.stdout, result.stdout


def test_misspelt_finding_outside_the_glossary_is_an_error_where_asserted(tmp_path):
    """Asserting a finding the glossary does not declare fails at that rule, with a hint."""
    result = rules_check_with_glossary(tmp_path, rule(
        "R1", "{fever: true}", "{finding: spar, recommend: [doctor.same_day]}"))
    assert result.exit_code == 1
    assert ("rs/rules.yaml:3: error: rule R1: asserts finding 'spar', which is not in the "
            "findings glossary (did you mean 'spare'?)") in result.stdout
    assert result.stdout.count(": error: ") == 1


def test_glossary_finding_no_rule_asserts_is_a_warning(tmp_path):
    """A glossary entry that no active rule asserts is listed where it is declared."""
    result = rules_check_with_glossary(tmp_path, URGENT)
    assert result.exit_code == 0
    assert ("rs/findings.yaml:2: warning: finding 'spare' is in the glossary but no active "
            "rule asserts it") in result.stdout


def test_glossary_entry_without_meaning_is_an_error(tmp_path):
    """Every glossary entry says what the finding means."""
    result = rules_check_with_glossary(tmp_path, URGENT, "findings:\n  - id: spare\n")
    assert result.exit_code == 1
    assert "rs/findings.yaml:2: error:" in result.stdout and "meaning" in result.stdout


def test_advice_never_recommended_is_a_warning(tmp_path):
    """Catalogue advice that no active rule recommends is listed for review."""
    result = rules_check(tmp_path, URGENT)
    assert result.exit_code == 0
    assert "warning: advice 'stretch.cat_cow' is never recommended by an active rule" \
        in result.stdout
    assert "advice 'doctor.same_day' is never" not in result.stdout


def test_retired_rule_recommendation_does_not_count(tmp_path):
    """Advice recommended only by a retired rule is still 'never recommended'."""
    text = URGENT + rule("R2", "{fever: true}", "{recommend: [stretch.cat_cow]}", "retired")
    result = rules_check(tmp_path, text)
    assert "advice 'stretch.cat_cow' is never recommended" in result.stdout


def test_draft_rules_are_listed(tmp_path):
    """A draft rule is a warning saying it does not run yet."""
    text = URGENT + rule("R2", "{fever: true}", "{urgency: routine}", "draft")
    result = rules_check(tmp_path, text)
    assert result.exit_code == 0
    assert "rs/rules.yaml:14: warning: rule R2 is a draft" in result.stdout


def test_finding_asserted_only_by_a_draft_rule_is_an_error(tmp_path):
    """An active rule relying on a finding only a draft rule asserts can never fire."""
    text = (rule("R1", "{fever: true}", "{finding: hot}", "draft")
            + rule("R2", "{finding: hot}", "{urgency: urgent}"))
    result = rules_check(tmp_path, text)
    assert result.exit_code == 1
    assert ("rs/rules.yaml:14: error: rule R2: finding 'hot' is asserted only by rules that "
            "do not run: R1 (draft)") in result.stdout


def test_old_review_is_a_warning(tmp_path):
    """A rule last reviewed more than --max-review-age days ago is a warning."""
    folder = make_ruleset(tmp_path / "rs", URGENT.replace("2026-11-24", "2025-01-01"))
    result = check_cli(folder, "--max-review-age", "365")
    assert result.exit_code == 0
    assert "warning: rule R1: last reviewed 2025-01-01, 698 days ago (more than 365)" \
        in result.stdout


def test_review_within_the_allowed_age_is_fine(tmp_path):
    """A longer --max-review-age accepts the same review."""
    folder = make_ruleset(tmp_path / "rs", URGENT.replace("2026-11-24", "2025-01-01"))
    assert "last reviewed" not in check_cli(folder, "--max-review-age", "700").stdout


def test_rule_without_evidence_is_an_error(tmp_path):
    """Evidence is required: a rule without it fails the check."""
    result = rules_check(tmp_path, URGENT.replace('    evidence: ["TEST 1"]\n', ""))
    assert result.exit_code == 1
    assert "error: rule R1: missing 'evidence'" in result.stdout


def test_rule_without_reviewer_is_an_error(tmp_path):
    """Review metadata is required: a rule without reviewed_by fails the check."""
    result = rules_check(tmp_path, URGENT.replace("    reviewed_by: tester\n", ""))
    assert result.exit_code == 1
    assert "error: rule R1: missing 'reviewed_by'" in result.stdout


def test_broken_case_file_is_an_error(tmp_path):
    """A case expecting an unknown advice id fails the check at the id's own line."""
    folder = make_ruleset(tmp_path / "rs", URGENT, files={"cases.yaml": (
        "cases:\n  - id: C1\n    answers: {fever: true}\n"
        "    expect: {urgency: urgent, includes: [doctor.same_dy]}\n")})
    manifest = folder / "ruleset.yaml"
    manifest.write_text(manifest.read_text().replace("cases: []", "cases: [cases.yaml]"))
    result = check_cli(folder)
    assert result.exit_code == 1
    assert "cases.yaml:4: error: case C1: unknown advice id 'doctor.same_dy'" in result.stdout


def test_json_format_lists_problems(tmp_path):
    """--format json gives every problem with file, line, severity and message."""
    result = rules_check(tmp_path, rule("R1", "{fevr: true}", "{urgency: urgent}"),
                         "--format", "json")
    document = json.loads(result.stdout)
    assert document["errors"] == 1
    assert document["problems"][0] == {
        "file": "rs/rules.yaml", "line": 5, "severity": "error",
        "message": "unknown question id 'fevr' (did you mean 'fever'?)"}


def test_stale_schema_is_a_warning(tmp_path):
    """A schema that no longer matches the rule set is flagged with the command to fix it."""
    folder = make_ruleset(tmp_path / "rs", URGENT)
    (folder / "schemas").mkdir()
    (folder / "schemas" / "rule.schema.json").write_text("{}\n")
    result = check_cli(folder)
    assert result.exit_code == 0
    assert ("rs/schemas/rule.schema.json: warning: schema is out of date: run "
            "python -m triage.schemas rs") in result.stdout


def test_a_folder_without_manifest_is_bad_input(tmp_path):
    """Pointing at a folder that is not a rule set is a usage error (exit 2), not a finding."""
    result = check_cli(tmp_path)
    assert result.exit_code == 2
    assert "not a rule set directory (no ruleset.yaml)" in result.stderr


def test_bad_today_is_bad_input(tmp_path):
    """--today must be a date: a clear one-line error and exit 2."""
    result = runner.invoke(app, ["rules", "check", str(RULES), "--today", "24/11/2026"])
    assert result.exit_code == 2
    assert "triage: error: --today: '24/11/2026' is not a date" in result.stderr


def test_problems_are_sorted_by_place():
    """The library returns problems in file and line order."""
    report = check(RULES)
    assert report.problems == sorted(report.problems)


def test_a_loader_problem_keeps_its_place_and_suggestion_as_data(tmp_path):
    """What the loader refuses reaches the report with its file, line and suggestion as
    data, not parsed back out of a message."""
    folder = make_ruleset(tmp_path / "rs",
                          rule("R1", "{saddle_numbnes: true}", "{urgency: urgent}"))
    (issue,) = check(folder).problems
    assert (issue.file, issue.line, issue.severity) == ("rs/rules.yaml", 5, "error")
    assert issue.problem.suggestion == "saddle_numbness"
    assert str(issue) == ("rs/rules.yaml:5: error: unknown question id 'saddle_numbnes' "
                          "(did you mean 'saddle_numbness'?)")


def _alias_bomb() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\nrules: *a9\n"


HOSTILE = {
    "tabs": ("rules:\n\t- id: x\n", "rs/rules.yaml:2:1: error: a tab character"),
    "duplicate keys": ("rules: []\nrules: []\n", "rs/rules.yaml:2:1: error: duplicate key 'rules'"),
    "python tag": ("rules: !!python/object/apply:os.system [echo hacked]\n",
                   "rs/rules.yaml:1:8: error: tag not allowed"),
    "deep nesting": ("rules: " + "[" * 100 + "]" * 100 + "\n",
                     "rs/rules.yaml:1: error: nested more than 40 levels deep"),
    "very deep nesting": ("rules: " + "[" * 50_000 + "]" * 50_000 + "\n",
                          "rs/rules.yaml:1:1007: error: exceeded maximum nesting depth"),
    "alias bomb": (_alias_bomb(), "rs/rules.yaml:1: error: too many values (more than 200,000, "
                   "after expanding aliases)"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_yaml_is_a_clear_error(tmp_path, name):
    """A malformed or hostile rule file is one file:line error and exit 1, never a crash."""
    text, message = HOSTILE[name]
    folder = make_ruleset(tmp_path / "rs", "")
    (folder / "rules.yaml").write_text(text, encoding="utf-8")
    result = check_cli(folder)
    assert result.exit_code == 1, result.output
    assert message in result.stdout
    assert "Traceback" not in result.output and isinstance(result.exception, SystemExit)


def test_huge_file_is_refused_without_reading_it(tmp_path):
    """A 50 MB rule file is refused by its size, naming the file."""
    folder = make_ruleset(tmp_path / "rs", "")
    with open(folder / "rules.yaml", "wb") as handle:  # sparse: written in no time
        handle.truncate(50_000_000)
    result = check_cli(folder)
    assert result.exit_code == 1
    assert "rs/rules.yaml: error: file is larger than 2 MB" in result.stdout


@pytest.mark.parametrize("name", ["advice.yaml", "questionnaire.yaml"])
def test_unreadable_vocabulary_file_is_one_error_not_a_flood(tmp_path, name):
    """When the advice or questions cannot be read, the rules that name them are not
    reported as wrong one by one: the one real problem stands alone."""
    folder = make_ruleset(tmp_path / "rs", URGENT)
    with open(folder / name, "wb") as handle:
        handle.truncate(50_000_000)
    result = check_cli(folder)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"rs/{name}: error: file is larger than 2 MB",
                                          "1 error, 0 warnings"]


def _readme_block(command: str) -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split(f"```text\n$ {command}\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip() != "..."]


@pytest.mark.parametrize("command", ["triage rules check", "triage rules test"])
def test_readme_shows_the_real_output(monkeypatch, command):
    """The README's sample output of rules check / rules test is what they print today."""
    monkeypatch.chdir(ROOT)
    result = runner.invoke(app, command.split()[1:] + ["--rules", "rules"])
    for line in _readme_block(command):
        assert line in result.stdout.splitlines(), line


def test_without_dir_the_working_copy_here_is_checked(tmp_path):
    """In a folder with rules/, `triage rules check` checks that working copy, not the
    installed rules, and says which rule set it used."""
    make_ruleset(tmp_path / "rules", rule("R1", "{fevr: true}", "{urgency: urgent}"))
    result = runner.invoke(app, ["rules", "check", "--today", TODAY])
    assert result.exit_code == 1
    assert "rules/rules.yaml:5: error: unknown question id 'fevr'" in result.stdout
    assert "using the rule set in ./rules" in result.stderr


def test_without_dir_or_working_copy_the_shipped_rules_are_checked_and_named():
    """Elsewhere the shipped rules are checked, and stderr says so."""
    result = runner.invoke(app, ["rules", "check", "--today", TODAY])
    assert result.exit_code == 0
    assert "using the shipped rule set" in result.stderr


def test_misspelt_tested_finding_is_blamed_where_it_is_tested(tmp_path):
    """With a glossary, a typo in the finding a rule tests is reported at that rule with
    the right spelling, not at the rule that asserts the right spelling."""
    text = (rule("R1", "{fever: true}", "{finding: spare}")
            + rule("R2", "{finding: spar}", "{urgency: urgent, recommend: [doctor.same_day]}"))
    result = rules_check_with_glossary(tmp_path, text)
    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert errors == ["rs/rules.yaml:16: error: rule R2: tests finding 'spar', which no rule "
                      "asserts (did you mean 'spare'?)"]


# ------------------------------------------------------------- hazard log, readability

def hazard_ruleset(tmp_path, hazards: str, cases: str = ""):
    """A small rule set with a hazard log (and optionally one case file)."""
    folder = make_ruleset(tmp_path / "rs", URGENT, files={"hazards.yaml": hazards,
                                                        "cases.yaml": cases})
    manifest = folder / "ruleset.yaml"
    text = manifest.read_text().replace("questionnaire: questionnaire.yaml\n",
                                        "questionnaire: questionnaire.yaml\n"
                                        "hazards: hazards.yaml\n")
    if cases:
        text = text.replace("cases: []", "cases: [cases.yaml]")
    manifest.write_text(text)
    return folder


HAZARD = """hazards:
  - id: HAZ-1
    title: Fever missed
    cause: not asked
    effect: home care
    harm: sepsis
    severity: catastrophic
    likelihood: medium
    residual_likelihood: low
    controls:
      questions: [fever]
      rules: [{rule}]
      invariants: []
      cases: [{case}]
"""


def test_a_hazard_control_that_does_not_exist_is_an_error_at_its_line(tmp_path):
    """A misspelt rule id among a hazard's controls fails the check, at the line, with a
    did-you-mean; so does a case id that no case file defines."""
    result = check_cli(hazard_ruleset(tmp_path / "a", HAZARD.replace("{rule}", "R11")
                                      .replace("{case}", "CASE-1")))
    assert result.exit_code == 1
    assert ("rs/hazards.yaml:12: error: hazard HAZ-1: control 'R11' is not one of the "
            "rule set's rules (did you mean 'R1'?)") in result.stdout
    cases = "cases:\n  - id: CASE-1\n    answers: {}\n    expect: {refused: [fever]}\n"
    result = check_cli(hazard_ruleset(tmp_path / "b", HAZARD.replace("{rule}", "R1")
                                      .replace("{case}", "CASE-2"), cases=cases))
    assert result.exit_code == 1
    assert ("rs/hazards.yaml:14: error: hazard HAZ-1: control 'CASE-2' is not one of the "
            "rule set's cases (did you mean 'CASE-1'?)") in result.stdout


def test_a_hazard_without_invariant_or_case_is_a_warning(tmp_path):
    """A hazard no invariant or case controls is flagged for the reviewer."""
    folder = hazard_ruleset(tmp_path, HAZARD.replace("{rule}", "R1")
                            .replace("cases: [{case}]", "cases: []"))
    result = check_cli(folder)
    assert result.exit_code == 0, result.stdout
    assert "rs/hazards.yaml:2: warning: hazard HAZ-1: no invariant among its controls" \
        in result.stdout
    assert "rs/hazards.yaml:2: warning: hazard HAZ-1: no case among its controls" \
        in result.stdout


def test_a_danger_sign_rule_no_hazard_names_is_a_warning(tmp_path):
    """A red_flag rule missing from the hazard log is flagged, at the rule."""
    text = URGENT + rule("RF-X", "{night_pain: true}", "{urgency: urgent}").replace(
        "    when:", "    category: red_flag.malignancy\n    when:")
    folder = hazard_ruleset(tmp_path, HAZARD.replace("{rule}", "R1")
                            .replace("cases: [{case}]", "cases: []"))
    (folder / "rules.yaml").write_text("rules:\n" + text)
    result = check_cli(folder)
    assert "warning: danger-sign rule RF-X is not a control of any hazard" in result.stdout


def test_a_hard_danger_sign_question_is_a_readability_warning(tmp_path):
    """A danger-sign question with a 30-word sentence and long words gets two warnings."""
    folder = make_ruleset(tmp_path / "rs", URGENT)
    questionnaire = folder / "questionnaire.yaml"
    long = ("Have you noticed any unexplained, progressive diminution of perineal "
            "sensibility, particularly involving the perianal and genital integument, "
            "subsequently accompanied by alterations in sphincteric continence or "
            "micturition?")
    text = questionnaire.read_text().replace(
        'text: "Is there new numbness or tingling around your bottom or genitals? Or does it '
        'feel different when you wipe?"', f'text: "{long}"')
    questionnaire.write_text(text)
    out = check_cli(folder).stdout
    assert "warning: question saddle_numbness: reading grade" in out
    words = len(long.split())
    assert f"warning: question saddle_numbness: a sentence of {words} words" in out


# ------------------------------------------------------------------ what run would refuse

PAIR = "{any: [{fever: yes}, {night_pain: yes}]}"


def pairs(count: int) -> str:
    """A condition of ``count`` two-way choices: 2**count alternatives."""
    return "{all: [" + ", ".join([PAIR] * count) + "]}"


def answers_file(tmp_path):
    import yaml
    from conftest import healthy_adult

    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump(healthy_adult()), encoding="utf-8")
    return str(path)


def test_a_condition_too_complex_for_the_engine_fails_check_at_its_line(tmp_path):
    """512 alternatives: check fails at the rule's file:line, as run refuses it (check
    passed it; run said 'too complex' with no place)."""
    result = rules_check(tmp_path, rule("R-BIG", pairs(9), "{urgency: urgent}"))
    assert result.exit_code == 1
    assert ("rs/rules.yaml:3: error: rule R-BIG: its condition is too complex (more than "
            "256 alternatives") in result.stdout
    ran = runner.invoke(app, ["run", answers_file(tmp_path), "--rules", str(tmp_path / "rs")])
    assert ran.exit_code == 2 and "rs/rules.yaml:3: rule R-BIG: its condition is too complex" \
        in ran.stderr


def test_the_size_is_checked_before_anything_is_expanded(tmp_path):
    """'any' of 600 conditions of 256 alternatives each (153,600) is refused at its line,
    without building them (they were built, and the rule set accepted)."""
    wide = "{any: [" + ", ".join([pairs(8)] * 600) + "]}"
    folder = make_ruleset(tmp_path / "rs", rule("R-WIDE", wide, "{urgency: urgent}"))
    ran = runner.invoke(app, ["run", answers_file(tmp_path), "--rules", str(folder)])
    assert ran.exit_code == 2 and "rule R-WIDE: its condition is too complex" in ran.stderr


def test_rules_that_need_each_others_finding_are_warned_about(tmp_path):
    """Two rules each waiting for the other's finding can never fire: a warning names each
    and the finding it waits for (check said nothing)."""
    text = (rule("R-A", "{finding: b_found}", "{findings: [a_found]}")
            + rule("R-B", "{finding: a_found}", "{findings: [b_found], urgency: urgent}")
            + URGENT)
    result = rules_check(tmp_path, text)
    assert result.exit_code == 0
    assert ("warning: rule R-A can never fire: it needs finding 'b_found', which only rules "
            "that can never fire assert (R-B)") in result.stdout
    assert "warning: rule R-B can never fire: it needs finding 'a_found'" in result.stdout
    assert "rule R1 can never fire" not in result.stdout


def test_ordering_a_long_chain_of_not_finding_rules_takes_linear_time():
    """20,000 rules, each waiting for the absence of the next one's finding, listed in the
    worst order: their order is worked out in well under the limit (it took one pass over
    all rules per link: quadratic, 89 s for `rules check` at 5,000 rules)."""
    import time

    from triage.language.conditions import Compare, HasFinding, Not
    from triage.language.model import Outcome, Rule
    from triage.language.stratify import strata
    from triage.problems import Place

    def chained(index: int, when) -> Rule:
        return Rule(id=f"C{index}", title="t", category="c", when=when,
                    then=Outcome(findings=(f"f{index}",)), rationale="r", evidence=("E",),
                    status="active", reviewed_by="me", reviewed_on=TODAY,
                    place=Place("r.yaml", index))

    count = 20_000
    rules = [chained(index, Not(HasFinding(f"f{index - 1}"))) for index in
             range(count - 1, 0, -1)] + [chained(0, Compare("fever", "is", True))]
    started = time.perf_counter()
    levels = strata(rules)
    assert time.perf_counter() - started < 10
    assert levels["C0"] == 0 and levels[f"C{count - 1}"] == count - 1


def test_a_danger_sign_rule_lowered_without_its_finding_is_one_error_at_the_rule(tmp_path):
    """RF-CES-SADDLE lowered to urgent but still asserting red_flag_emergency and
    recommending emergency advice: the plan would read URGENT over "call 999" (a new
    user's trial found `rules check` silent). One error naming both, at the rule."""
    text = rule("R1", "{saddle_numbness: true}",
                "{urgency: urgent, findings: [red_flag_emergency], "
                "recommend: [emergency.cauda_equina_info]}")
    result = rules_check(tmp_path, text)
    assert result.exit_code == 1
    assert result.stdout.count(": error: ") == 1
    assert ("rs/rules.yaml:3: error: rule R1: urgency urgent is lower than the finding "
            "red_flag_emergency and the advice emergency.cauda_equina_info say (emergency); "
            "raise the urgency to emergency") in result.stdout


@pytest.mark.parametrize(("then", "flagged"), [
    ("{urgency: routine, findings: [red_flag_urgent]}", True),
    ("{urgency: urgent, findings: [red_flag_urgent]}", False),
    ("{urgency: emergency, findings: [red_flag_urgent]}", False),
    ("{urgency: urgent, recommend: [emergency.call_now]}", True),
    ("{recommend: [emergency.call_now]}", False),  # a gate sets no urgency of its own
])
def test_an_urgency_below_what_the_rules_own_finding_or_advice_says_is_an_error(
        tmp_path, then, flagged):
    result = rules_check(tmp_path, rule("R1", "{fever: true}", then))
    assert ("is lower than" in result.stdout) is flagged, result.stdout
