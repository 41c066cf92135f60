"""Clinician text is text in every output: markdown shows it, never runs it or hides what
follows; one-line fields with line breaks or control characters are refused at load."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import healthy_adult
from markdown_it import MarkdownIt
from rulesets import make_ruleset, rule
from typer.testing import CliRunner

from triage.cli import app

runner = CliRunner()
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"


def rendered(markdown: str) -> str:
    """The HTML a markdown viewer (CommonMark, tables on, raw HTML allowed) makes of it."""
    return MarkdownIt("commonmark").enable("table").render(markdown)


def hostile_rules(tmp_path):
    """Two rules: the first's reviewer opens an HTML comment, the second's closes it; the
    first's title is a script and its rationale an image with an onerror handler."""
    first = rule("R-FIRST", "{fever: yes}", "{urgency: urgent}").replace(
        "title: R-FIRST title", f'title: "Fever {SCRIPT}"').replace(
        "rationale: test rule", f'rationale: "Because {IMAGE}"').replace(
        "reviewed_by: tester", 'reviewed_by: "Dr A <!--"')
    second = rule("R-SECOND", "{fever: no}", "{urgency: self_care}").replace(
        "title: R-SECOND title", "title: No fever, changed today").replace(
        "reviewed_by: tester", 'reviewed_by: "--> Dr B"')
    return make_ruleset(tmp_path / "rs", first + second)


def test_review_markdown_shows_every_rule_and_runs_nothing(tmp_path):
    """A reviewer field ending in '<!--' and the next rule's '-->' no longer hide the rule
    between them; script and image tags are shown as text (they were passed raw)."""
    folder = hostile_rules(tmp_path)
    result = runner.invoke(app, ["rules", "review", str(folder), "-f", "markdown"])
    assert result.exit_code == 0, result.stderr
    html = rendered(result.stdout)
    assert "<script" not in html and "<img" not in html and "<!--" not in html
    assert "R-SECOND: No fever, changed today" in html
    assert "Dr A &lt;!--" in html and "--&gt; Dr B" in html
    assert "Fever &lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_markdown_plan_and_handout_show_rule_titles_as_text(tmp_path):
    """`run -f markdown` and `ask --output plan.md` print a script title as text."""
    folder = hostile_rules(tmp_path)
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump({**healthy_adult(), "fever": True}), "utf-8")
    plan = runner.invoke(app, ["run", str(answers), "--rules", str(folder), "-f", "markdown"])
    assert "Fever &lt;script&gt;" in rendered(plan.stdout)
    assert "<script" not in rendered(plan.stdout)
    handout = tmp_path / "plan.md"
    asked = runner.invoke(app, ["ask", "--plain", "--rules", str(folder), "--output",
                                str(handout), "--resume", str(answers)], input="\n")
    assert asked.exit_code == 0, asked.stderr
    assert "<script" not in rendered(handout.read_text("utf-8"))
    assert "Fever &lt;script&gt;" in rendered(handout.read_text("utf-8"))


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", '"First line\\nsecond line"', "'title' contains a line break (U+000A)"),
    ("reviewed_by", '"Dr \\e[31mRed"', "'reviewed_by' contains a control character (U+001B)"),
    ("title", '"abc\\u202edcba"', "'title' contains a control character (U+202E)"),
])
def test_one_line_fields_with_line_breaks_or_control_characters_are_refused(
        tmp_path, field, value, message):
    """A line break in a title, a terminal escape in a reviewer, a bidi override: refused by
    `rules check` at file:line (they passed, and broke the outputs)."""
    text = rule("R-ODD", "{fever: yes}", "{urgency: urgent}")
    old = "title: R-ODD title" if field == "title" else "reviewed_by: tester"
    folder = make_ruleset(tmp_path / "rs", text.replace(old, f"{field}: {value}"))
    result = runner.invoke(app, ["rules", "check", str(folder)])
    assert result.exit_code == 1
    assert any("/rs/rules.yaml:" in line and f"rule R-ODD: {message}" in line
               for line in result.stdout.splitlines()), result.stdout


def test_prose_may_run_over_lines_and_is_shown_as_one_paragraph(tmp_path):
    """A rationale written as a YAML block over several lines loads, and the review shows
    it as one paragraph: a '# ' on its second line is not a heading."""
    text = rule("R-PROSE", "{fever: yes}", "{urgency: urgent}").replace(
        "rationale: test rule", 'rationale: "First line.\\n\\n# Not a heading"')
    folder = make_ruleset(tmp_path / "rs", text)
    result = runner.invoke(app, ["rules", "review", str(folder), "-f", "markdown"])
    assert result.exit_code == 0, result.stderr
    html = rendered(result.stdout)
    assert "<h1>Not a heading" not in html and "First line. # Not a heading" in html
    assert json.loads(runner.invoke(app, ["rules", "check", str(folder), "-f", "json"]
                                     ).stdout)["errors"] == 0
