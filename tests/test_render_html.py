"""The printable HTML plan: self-contained, escaped, well-formed, with every section."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser

import pytest
from asking import person
from conftest import RULES
from typer.testing import CliRunner

from triage.cli import app
from triage.documents.render import render_html, render_markdown

VOID = {"meta", "br", "hr", "img", "link", "input"}


class Checker(HTMLParser):
    """Collects text, tags and attributes; fails on a tag closed out of order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack[-1:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parsed(page: str) -> Checker:
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == [], f"unclosed: {checker.stack}"
    return checker


@pytest.fixture(scope="module")
def self_care(shipped):
    return shipped.evaluate(person(previous_episodes=True))


def test_the_page_is_well_formed(self_care):
    """Every element is closed, in order; it starts with a doctype and one html element."""
    page = render_html(self_care, date="2026-11-24")
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert parsed(page).tags.count("html") == 1


def test_the_page_has_no_script_and_no_external_resources(self_care):
    """No script, no link, no remote URL, no @import or url(): it works offline, as printed."""
    page = render_html(self_care)
    checker = parsed(page)
    assert not {"script", "link", "img", "iframe", "object"} & set(checker.tags)
    assert not [value for name, value in checker.attrs if name in ("src", "href")]
    assert not re.search(r"https?:|@import|url\(", page)


def test_the_page_has_print_css_for_a4_and_letter(self_care):
    """An @page rule with an automatic size, margins, page numbers and a running header,
    and print-only adjustments."""
    page = render_html(self_care, date="2026-11-24")
    assert "@page { size: auto; margin:" in page and "@media print" in page
    assert 'content: "Page " counter(page) " of " counter(pages)' in page
    assert '@top-left { content: "Back pain plan \u00b7 2026-11-24 \u00b7 rule set ' in page
    assert "break-inside: avoid" in page


def test_all_text_is_escaped(self_care):
    """Markup in rule or advice text is shown as text, never interpreted."""
    sneaky = replace(self_care.advice[0], title='<script>alert("x")</script> & co')
    page = render_html(replace(self_care, advice=(sneaky, *self_care.advice[1:])))
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co" in page


REQUIRED = [
    "SELF-CARE: look after it at home",  # urgency
    "What to do now",
    "Stretches and exercises", "Child's pose", "Kneel on a mat", "Hold: 20 to 30 seconds",
    "Repeat: 3 to 5 times",
    "Heat and cold", "Medicines from a pharmacy", "Cautions",
    "When to get help",
    "Your answers", "Age: 38 years",
    "Date: 2026-11-24.", "Rule set backtriage-core 0.2.3 (sha256",
    "This is not a diagnosis.",
]
APPENDIX = ["For your doctor: the rules behind this plan", "SC-ACUTE-PLAN", "NG59 1.2"]


@pytest.mark.parametrize("renderer", [render_html, render_markdown])
@pytest.mark.parametrize("needed", REQUIRED)
def test_the_handout_has_every_section(self_care, renderer, needed):
    """The printed plan has the urgency, what to do, the answers, the plan, the date and
    the notice."""
    page = renderer(self_care, date="2026-11-24")
    text = " ".join(parsed(page).text) if renderer is render_html else page
    assert needed in " ".join(text.replace("*", "").split()).replace("Age 38", "Age: 38")


@pytest.mark.parametrize("needed", APPENDIX)
def test_the_rules_and_evidence_are_in_the_markdown_and_optional_in_the_page(
        self_care, needed):
    """The appendix for clinicians is in the markdown; in the patient's page only when
    asked for."""
    from triage.documents.render import renderer

    assert needed in render_markdown(self_care)
    assert needed not in render_html(self_care)
    assert needed in renderer("html", appendix=True)(self_care)
    assert needed not in renderer("markdown", appendix=False)(self_care)


def test_an_emergency_page_puts_the_emergency_first(shipped):
    """The body opens with the emergency and what to do now, before anything else."""
    result = shipped.evaluate(person(saddle_numbness=True))
    body = render_html(result).split("<body>", 1)[1]
    words = re.sub(r"<[^>]+>", " ", body).split()
    assert " ".join(words[:11]) == "EMERGENCY What to do now: Get emergency help now: call 999."


def test_triage_run_format_html_is_deterministic():
    """`triage run --format html` prints the same page twice, with no date."""
    args = ["run", str(RULES.parent / "examples" / "self-care.yaml"), "--rules", str(RULES),
            "--format", "html"]
    first, second = CliRunner().invoke(app, args), CliRunner().invoke(app, args)
    assert first.exit_code == 0 and first.stdout == second.stdout
    assert "Date:" not in first.stdout and "<!DOCTYPE html>" in first.stdout


@pytest.mark.parametrize("renderer", ["text", "markdown", "html"])
def test_the_get_help_list_comes_before_the_home_plan(self_care, renderer):
    """On a self-care plan the safety net ("When to get help") is read before the stretches,
    heat, medicines and background, not after them."""
    from triage.documents.render import RENDERERS

    page = RENDERERS[renderer](self_care)
    positions = [page.index(heading) for heading in
                 ("When to get help", "Stretches and exercises", "Medicines from a pharmacy",
                  "Good to know")]
    assert positions == sorted(positions)
