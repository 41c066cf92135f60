"""Loading rule files: every problem reported at once, as file:line, never a crash."""

from __future__ import annotations

import re

import pytest
from rulesets import make_ruleset, rule

import triage
from triage.errors import RulesetError
from triage.language import yamlio


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Run from the temporary folder: places are shown relative to the working folder."""
    monkeypatch.chdir(tmp_path)


def problems_of(tmp_path, rules_text: str, **kwargs) -> list[str]:
    folder = make_ruleset(tmp_path / "rs", rules_text, **kwargs)
    with pytest.raises(RulesetError) as info:
        triage.load_ruleset(folder)
    return [str(problem) for problem in info.value.problems]


def test_the_shipped_rule_set_loads(ruleset):
    """The shipped rules load with no problem, and name their version and digest."""
    assert ruleset.name == "backtriage-core"
    assert len(ruleset.sha256) == 64 and len(ruleset.active_rules) >= 50


def test_unknown_question_id_names_file_line_and_suggests(tmp_path):
    """A typo in a question id is reported with file:line and a did-you-mean."""
    problems = problems_of(tmp_path, rule("R1", "{saddle_numbnes: true}", "{urgency: urgent}"))
    assert problems == ["rs/rules.yaml:5: unknown question id 'saddle_numbnes' "
                        "(did you mean 'saddle_numbness'?)"]


def test_unknown_value_is_reported_with_the_allowed_values(tmp_path):
    """A value the question does not allow is an error naming what is allowed."""
    (problem,) = problems_of(tmp_path, rule("R1", "{leg_weakness: worse}", "{urgency: urgent}"))
    assert problem.startswith("rs/rules.yaml:5: leg_weakness: 'worse' is not allowed")
    assert "none, stable, worsening or not_sure" in problem
    assert "did you mean 'worsening'" in problem


def test_unknown_advice_and_unasserted_finding_and_bad_urgency_all_reported(tmp_path):
    """Several mistakes in one file come back together, each with its line."""
    text = (rule("R1", "{fever: true}", "{recommend: [stretch.cat_cowz]}")
            + rule("R2", "{finding: nowhere}", "{urgency: urgnt}"))
    problems = problems_of(tmp_path, text)
    assert any("rules.yaml:6: rule R1: recommends unknown advice id 'stretch.cat_cowz' "
               "(did you mean 'stretch.cat_cow'?)" in p for p in problems)
    assert any("rule R2: urgency 'urgnt' is not one of" in p and "did you mean 'urgent'" in p
               for p in problems)
    assert any("rule R2: finding 'nowhere' is never asserted" in p for p in problems)


def test_duplicate_rule_ids_are_an_error(tmp_path):
    """Two rules with one id: the second is reported, pointing at the first."""
    text = rule("R1", "{fever: true}", "{urgency: urgent}") * 2
    (problem,) = problems_of(tmp_path, text)
    assert "duplicate rule id 'R1' (first at rs/rules.yaml:3)" in problem


def test_missing_review_metadata_and_evidence_are_errors(tmp_path):
    """A rule without evidence, status or review date cannot load."""
    text = "  - id: R1\n    title: t\n    when: {fever: true}\n    then: {urgency: urgent}\n" \
           "    rationale: r\n"
    problems = problems_of(tmp_path, text)
    for key in ("evidence", "status", "reviewed_by", "reviewed_on"):
        assert any(f"missing {key!r}" in p for p in problems), key


def test_exclude_pattern_must_match_some_advice(tmp_path):
    """An exclusion that matches nothing would silently protect nobody: an error."""
    (problem,) = problems_of(tmp_path, rule("R1", "{fever: true}", "{exclude: ['otcc.*']}"))
    assert "excludes 'otcc.*', which matches no advice id" in problem


@pytest.mark.parametrize(("text", "message"), [
    ("rules:\n\t- id: x\n", "rules.yaml:2:1: a tab character"),
    ("rules: []\nrules: []\n", "rules.yaml:2:1: duplicate key 'rules' (first on line 1)"),
    ("rules: !!python/object/apply:os.system [echo hacked]\n", "rules.yaml:1:8: tag not allowed"),
    ("rules: " + "[" * 100 + "]" * 100 + "\n", "nested more than 40 levels deep"),
    ("rules: [unclosed\n", "rules.yaml:1:8: an unclosed '['"),
    ("a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
     "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e]\n",
     "too many values"),
])
def test_hostile_or_malformed_yaml_gives_one_clear_error(tmp_path, text, message):
    """Tabs, duplicate keys, Python tags, deep nesting, alias bombs: a message, not a crash."""
    folder = make_ruleset(tmp_path / "rs", "")
    (folder / "rules.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        triage.load_ruleset(folder)
    assert message in str(info.value)


def test_a_huge_file_is_refused_without_reading_it(tmp_path):
    """A 50 MB file is refused by size."""
    folder = make_ruleset(tmp_path / "rs", "")
    with open(folder / "rules.yaml", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(RulesetError, match="larger than 2 MB"):
        triage.load_ruleset(folder)


def test_a_finding_misspelt_where_it_is_asserted_is_reported_there(tmp_path):
    """The typo is on the asserting side, so the message points at that rule."""
    text = (rule("ASSERT", "{fever: true}", "{finding: infection_sign}")
            + rule("USE", "{finding: infection_signs}", "{urgency: urgent}"))
    assert problems_of(tmp_path, text) == [
        "rs/rules.yaml:3: rule ASSERT: asserts finding 'infection_sign', which no rule uses "
        "(did you mean 'infection_signs', used by USE?)"]


def test_a_broken_file_is_reported_once_without_follow_on_errors(tmp_path):
    """A YAML syntax error is one problem, not also 'expected a rules list' and the like."""
    folder = make_ruleset(tmp_path / "rs", "")
    (folder / "rules.yaml").write_text("rules:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        triage.load_ruleset(folder)
    (problem,) = info.value.problems
    assert str(problem).startswith("rs/rules.yaml:")


def test_places_outside_the_working_folder_are_absolute(tmp_path, monkeypatch):
    """Run from elsewhere, the file is named by a path that can be opened from there."""
    folder = make_ruleset(tmp_path / "rs", rule("R1", "{fevr: true}", "{urgency: urgent}"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with pytest.raises(RulesetError) as info:
        triage.load_ruleset(folder)
    assert str(info.value.problems[0]).startswith(f"{folder / 'rules.yaml'}:5: ")


def test_a_folder_without_manifest_is_not_a_rule_set(tmp_path):
    """Pointing --rules at the wrong folder says so."""
    with pytest.raises(RulesetError, match="not a rule set directory"):
        triage.load_ruleset(tmp_path)


def test_yaml_keeps_line_numbers_of_keys_and_items():
    """The loader's mappings and lists remember where each key and item was."""
    data = yamlio.loads("a: 1\nb:\n  - x\n  - {c: 2}\n")
    assert data.line_of("b") == 2 and data["b"].line_of(1) == 4 and data["b"][1].line == 4


def test_yes_and_no_are_booleans_in_rules(tmp_path):
    """PyYAML reads YAML 1.1: bare yes/no are booleans, and a yes/no question accepts them."""
    folder = make_ruleset(tmp_path / "rs", rule("R1", "{fever: yes}", "{urgency: urgent}"))
    engine = triage.engine(folder)
    assert engine.evaluate({"fever": True}).urgency.value == "urgent"


# ------------------------------------------------------------ rule set 0.2.0 features

def edited(tmp_path, filename: str, old: str, new: str) -> list[str]:
    """Problems of a small rule set whose shipped ``filename`` has one edit."""
    folder = make_ruleset(tmp_path / "rs", rule("R1", "{fever: true}", "{urgency: urgent}"))
    text = (folder / filename).read_text(encoding="utf-8")
    assert old in text, "the edit no longer applies"
    (folder / filename).write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RulesetError) as info:
        triage.load_ruleset(folder)
    return [str(problem) for problem in info.value.problems]


def test_a_safety_net_line_with_a_misspelt_answer_is_reported_at_its_line(tmp_path):
    """A "get help if" line's condition is checked like a rule's, with file:line."""
    problems = edited(tmp_path, "advice.yaml", "when: {location: upper}",
                      "when: {locaton: upper}")
    assert len(problems) == 1
    assert "rs/advice.yaml:" in problems[0]
    assert "unknown question id 'locaton' (did you mean 'location'?)" in problems[0]


def test_a_safety_net_line_needs_both_when_and_urgency(tmp_path):
    """A line that names the answers it describes must say what urgency they need."""
    problems = edited(tmp_path, "advice.yaml", "        when: {location: upper}\n"
                      "        urgency: urgent\n", "        when: {location: upper}\n")
    assert any("a point gives 'when' and 'urgency' together" in p for p in problems)


def test_an_unknown_placeholder_suggests_the_service_names(tmp_path):
    """Text may name a service only through the locale table's placeholders."""
    problems = edited(tmp_path, "advice.yaml", "title: Contact {maternity} now",
                      "title: Contact {midwife_unit} now")
    assert any("unknown placeholder {midwife_unit}" in p and "{maternity}" in p
               for p in problems)


def test_a_locale_missing_a_service_name_is_an_error(tmp_path):
    """Every locale names every service: a locale without its urgent-help service fails."""
    problems = edited(tmp_path, "ruleset.yaml",
                      '    urgent_help: "healthdirect (1800 022 222)"\n', "")
    assert any("locale au: missing 'urgent_help'" in p for p in problems)


def test_required_on_a_danger_sign_is_refused(tmp_path):
    """A danger sign is always required; saying so again is a mistake worth naming."""
    problems = edited(tmp_path, "questionnaire.yaml", "    danger_sign: true\n",
                      "    danger_sign: true\n    required: true\n")
    assert any("a danger sign is always required" in p for p in problems)


def test_a_required_condition_is_checked_like_a_rule(tmp_path):
    """`required: {condition}` names answers that exist, with the line."""
    problems = edited(tmp_path, "questionnaire.yaml", "    required:\n      cancer_history: true",
                      "    required:\n      cancer_histry: true")
    assert any("unknown question id 'cancer_histry'" in p for p in problems)


def test_the_locale_table_fills_every_service_name(shipped, adult):
    """UK: 999, NHS 111, A&E; US: 911, an urgent care center, the emergency room."""
    urgent = {**adult, "fever": True}
    uk = shipped.evaluate(urgent).to_dict()
    us = shipped.evaluate(urgent, locale="us").to_dict()
    def same_day(result):
        return next(item["text"] for item in result["advice"] if item["id"] == "doctor.same_day")

    assert "NHS 111" in same_day(uk) and "your GP" in same_day(uk)
    assert "urgent care center" in same_day(us) and "NHS 111" not in str(us)
    assert "primary care doctor" in same_day(us)
    assert (uk["emergency_number"], us["emergency_number"]) == ("999", "911")
    placeholder = re.compile(r"\{[a-z_]+\}")
    assert not placeholder.search(str(us)) and not placeholder.search(str(uk))
