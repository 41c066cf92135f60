"""`triage rules review`: the document a clinician reads and signs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from conftest import RULES, healthy_adult
from rulesets import make_ruleset, rule
from typer.testing import CliRunner

import triage
from triage.cli import app
from triage.clinician.review import case_coverage, document, render_html, render_markdown
from triage.errors import ExitStatus

VOID = {"meta", "br", "hr", "img", "link", "input"}


@pytest.fixture(scope="module")
def shipped_markdown():
    engine = triage.engine(RULES)
    return render_markdown(document(engine.ruleset, case_coverage(engine), None))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Two rules, one case: R-COVERED is fired by the case, R-UNCOVERED by none."""
    rules = (rule("R-COVERED", "{fever: true}", "{urgency: urgent}")
             + rule("R-UNCOVERED", '{age: {">=": 65}}', "{urgency: routine}")
             + rule("R-ESCAPE", "{night_pain: true}", "{urgency: urgent}")
             .replace("R-ESCAPE title", "'<b>night</b> & pain'"))
    cases = """cases:
  - id: CASE-FEVER
    missing: conservative
    answers: {fever: true, age: 30}
    expect: {urgency: urgent}
"""
    folder = make_ruleset(tmp_path_factory.mktemp("review") / "rs", rules,
                          files={"cases.yaml": cases})
    manifest = folder / "ruleset.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "cases: []", "cases: [cases.yaml]"), encoding="utf-8")
    return triage.engine(folder)


def test_every_active_rule_appears_in_plain_language(shipped_markdown, ruleset):
    """Each active rule has its heading and an 'If ..., then ...' sentence."""
    for item in ruleset.active_rules:
        assert f"#### {item.id}: {item.title}" in shipped_markdown
    assert "If saddle numbness: yes, then urgency EMERGENCY" in shipped_markdown
    assert "If recent trauma: minor and age: 65 years or more, then" in shipped_markdown


def test_the_whole_advice_catalogue_is_listed(shipped_markdown, ruleset):
    """Every advice item appears with its steps, hold time and evidence."""
    for item in ruleset.advice.values():
        assert f"### {item.id}: {item.title}" in shipped_markdown
    stretch = ruleset.advice["stretch.knee_to_chest"]
    assert f"1. {stretch.steps[0]}" in shipped_markdown
    assert f"- **Hold:** {stretch.hold}" in shipped_markdown


def test_an_uncovered_rule_is_flagged(tiny):
    """A rule that no case fires is named in the summary and marked NOT COVERED."""
    text = render_markdown(document(tiny.ruleset, case_coverage(tiny), None))
    assert "1 of 3 active rules are fired by a case; not reached by any case (2): " \
        "R-UNCOVERED, R-ESCAPE." in text
    section = text.split("#### R-UNCOVERED", 1)[1].split("####", 1)[0]
    assert "NOT COVERED:" in section
    covered = text.split("#### R-COVERED", 1)[1].split("####", 1)[0]
    assert "**Tested by:** 1 case" in covered
    assert "1 cases" not in text


def test_html_is_well_formed_self_contained_and_escaped(tiny):
    """Tags balance, nothing is loaded from elsewhere, and rule text is escaped."""
    page = render_html(document(tiny.ruleset, case_coverage(tiny), None))
    stack: list[str] = []

    class Checker(HTMLParser):
        def handle_starttag(self, tag, attrs):
            assert not any(name in ("src", "href") for name, _ in attrs), tag
            if tag not in VOID:
                stack.append(tag)

        def handle_endtag(self, tag):
            assert stack and stack.pop() == tag, tag

    Checker().feed(page)
    assert stack == []
    lowered = page.lower()
    for outside in ("<script", "http://", "https://", "@import", "url("):
        assert outside not in lowered
    assert "&lt;b&gt;night&lt;/b&gt; &amp; pain" in page
    assert "@media print" in page


def test_the_document_is_deterministic_and_dated_only_on_request(tiny):
    """Same rules, same bytes; a date appears only when given."""
    first = render_markdown(document(tiny.ruleset, case_coverage(tiny), None))
    again = render_markdown(document(tiny.ruleset, case_coverage(tiny), None))
    dated = render_markdown(document(tiny.ruleset, case_coverage(tiny), None, "2026-12-01"))
    assert first == again
    assert "2026-12-01" not in first and "- **Date:** 2026-12-01" in dated


def test_the_document_does_not_depend_on_where_the_rules_are(tmp_path, monkeypatch):
    """A copy of the rules elsewhere, reviewed from another folder, gives the same document:
    sources read rules/danger_signs.yaml:15, not an install path."""
    import shutil

    copy = tmp_path / "elsewhere" / "rules"
    shutil.copytree(RULES, copy)
    monkeypatch.chdir(tmp_path)
    here = triage.engine(copy)
    there = triage.engine(RULES)
    documents = [render_markdown(document(engine.ruleset, case_coverage(engine), None))
                 for engine in (here, there)]
    assert documents[0] == documents[1]
    assert "**Source:** rules/danger_signs.yaml:" in documents[0]


def test_cli_review_writes_html_with_invariants_and_sign_off(tmp_path):
    """`triage rules review --format html -o FILE` writes the page, invariants verified."""
    out = tmp_path / "review.html"
    result = CliRunner().invoke(app, ["rules", "review", str(RULES), "--format", "html",
                                      "-o", str(out)])
    assert result.exit_code == ExitStatus.OK, result.output
    page = out.read_text(encoding="utf-8")
    assert "INV-EM-SADDLE" in page and "HOLDS" in page
    assert '<h2 id="sign-off">Sign-off</h2>' in page


def test_the_cover_says_what_it_is_and_has_a_sign_off_table(shipped_markdown, ruleset):
    """The cover names the rule set, version, sha256, reader and purpose, then a sign-off
    table with a decision column, and how many sign-off items of the changelog are open;
    the items themselves come right after the contents, before section 1 (a long list on
    the cover pushed it onto a second, nearly empty page)."""
    cover, rest = shipped_markdown.split("## Contents", 1)
    assert f"- **sha256:** {ruleset.sha256}" in cover
    assert "- **For:** clinical reviewers of the rule set" in cover
    assert "not advice for a patient" in cover
    assert "| Name | Role | Decision | Date | Signature |" in cover
    front = rest.split("## 1\\. Questionnaire", 1)[0]
    count = len(re.findall(r"^\d+\. \\\[", front, re.M))  # "12. \[0.2.1\] ..."
    assert count > 0
    assert f"after reading the {count} open sign-off items from CHANGELOG.md" in cover
    assert f"## Open sign-off items ({count}, from CHANGELOG.md)" in front
    assert "\\[0.2.1\\] Not sure is urgent, not emergency" in front


def test_the_contents_list_the_numbered_sections(shipped_markdown):
    """The contents list every numbered section, in order."""
    from triage.clinician.review import SECTIONS

    for number, title in enumerate(SECTIONS, 1):
        assert f"## {number}\\. {title}" in shipped_markdown


def test_the_questionnaire_is_in_full_with_danger_sign_urgencies(ruleset):
    """Every question's wording, help and answers; a danger sign with the urgency its
    answers give on their own; other questions with when they are asked and required."""
    from triage.clinician.review_front import danger_urgencies

    engine = triage.engine(RULES)
    text = render_markdown(document(ruleset, case_coverage(engine), None,
                                    urgencies=danger_urgencies(engine)))
    section = text.split("## 1\\. Questionnaire", 1)[1].split("## 2\\.", 1)[0]
    for question in ruleset.questions:
        assert f"**{question.id}:**" in section
    saddle = section.split("**saddle_numbness:**", 1)[1].split("**bladder", 1)[0]
    assert "**Danger sign:** yes → EMERGENCY; not sure → URGENT" in saddle
    weeks = section.split("**pregnancy_weeks:**", 1)[1].split("**pregnancy_warning", 1)[0]
    assert "**Asked:** when pregnant is yes" in weeks


def test_asked_says_what_triage_ask_does_for_questions_it_may_skip(ruleset):
    """A clinician reading "Asked: always" for a question a whole session never asked
    was misled (a new user's trial): yes/no questions are asked only when their answer
    could change the plan, medicines only when pharmacy medicines would be offered; and
    the wording follows the flow's own decision on a healthy adult's session."""
    from triage.clinician.review_front import _asked
    from triage.questionnaire.relevance import relevant

    questions = ruleset.question_map
    assert _asked(questions["age"]) == "always"
    assert _asked(questions["muscle_spasms"]) == "only when its answer could change the plan"
    assert _asked(questions["takes_anticoagulant"]).endswith(
        "only when pharmacy medicines would be offered")
    engine = triage.engine(RULES)
    answers = {**healthy_adult(), "muscle_spasms": None}
    # the flow did skip it here, which "always" would have hidden
    assert not relevant(engine, questions["muscle_spasms"], answers)


def test_every_invariant_kind_is_read_aloud(ruleset):
    """No invariant is described by an empty 'checked as' (not_sure_answers included)."""
    from triage.clinician.review import expectation_text

    for invariant in ruleset.invariants:
        assert expectation_text(invariant), invariant.id
    not_sure = next(i for i in ruleset.invariants if i.expect.not_sure_not_below_blank)
    assert "not sure" in expectation_text(not_sure)
