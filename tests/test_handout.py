"""The person's plan as a GP reads it: the urgency and what to do now first, then "Your
answers" (the worrying ones first), then the plan, then the rules in an appendix; and
`triage run -o FILE` choosing the format by the file's extension."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import ROOT, RULES, healthy_adult
from typer.testing import CliRunner

import triage
from triage.cli import app
from triage.documents.plan import plan_document, your_answers
from triage.documents.render import Format, format_of, render_text, renderer
from triage.documents.style import css_string
from triage.language.model import Answer

EXAMPLES = ROOT / "examples"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["run", *args, "--rules", str(RULES)])
    return result.exit_code, result.stdout, result.stderr


def text_of(answers: dict[str, object], **options: object) -> str:
    result = triage.triage(answers, rules=RULES, **options)  # type: ignore[arg-type]
    return render_text(result)


# ---------------------------------------------------------------- reading order

def test_the_plan_opens_with_the_urgency_then_your_answers_then_the_plan():
    """Urgency, what to do now, the answers, then the safety net and the home plan."""
    page = text_of(healthy_adult())
    order = [page.index(words) for words in
             ("SELF-CARE", "You can look after this at home", "Your answers",
              "When to get help", "Stretches and exercises")]
    assert order == sorted(order)


def test_an_urgent_plan_says_what_to_do_now_before_your_answers():
    """With a same-day sign, "See a professional" comes before the answers."""
    page = text_of({**healthy_adult(), "fever": True})
    assert page.index("See a professional") < page.index("Your answers\n---")


def test_the_danger_signs_answered_yes_or_not_sure_come_first():
    """A danger sign answered yes or not sure leads the answers, before age."""
    block = your_answers((Answer("age", 38), Answer("fever", True, danger_sign=True),
                          Answer("night_pain", "not_sure", danger_sign=True),
                          Answer("osteoporosis", False, danger_sign=True)))
    assert block.concerns == (("Fever", "yes"), ("Night pain", "not sure"))
    assert block.answers == (("Age", "38"),)
    assert block.no_signs == ("osteoporosis",)


def test_a_danger_sign_left_blank_is_shown_as_not_answered_among_the_first():
    """A blank danger sign is a concern, never folded into the "no" list."""
    block = your_answers((Answer("fever", None, danger_sign=True),))
    assert block.concerns == (("Fever", "not answered"),) and block.no_signs == ()


def test_answers_are_in_a_doctors_order_with_units():
    """Age, sex, duration, severity, where, onset, triggers, then the rest; units shown."""
    block = your_answers((Answer("trend", "worse"), Answer("triggers", ["lifting_or_bending"]),
                          Answer("pain_severity", 6, unit="out of 10"),
                          Answer("duration_days", 3, unit="days"), Answer("age", 70, unit="years"),
                          Answer("muscle_spasms", False)))
    assert block.answers == (("Age", "70 years"), ("Pain for", "3 days"),
                             ("Pain score", "6 out of 10"), ("Triggers", "lifting or bending"),
                             ("Trend", "worse"))
    assert block.said_no == ("muscle spasms",)


def test_one_of_a_unit_is_written_singular():
    """A one-year-old, one day of pain, one minute of stiffness: "1 year", not "1 years"
    (and the same words at the keyboard's summary as on the plan)."""
    from triage.questionnaire.flow import show_value

    block = your_answers((Answer("age", 1, unit="years"), Answer("duration_days", 1, unit="days"),
                          Answer("morning_stiffness_minutes", 1, unit="minutes"),
                          Answer("pain_severity", 1, unit="out of 10")))
    assert dict(block.answers) == {"Age": "1 year", "Pain for": "1 day",
                                   "Morning stiffness": "1 minute", "Pain score": "1 out of 10"}
    age = triage.engine(RULES).ruleset.question_map["age"]
    assert (show_value(age, 1), show_value(age, 2)) == ("1 year", "2 years")


def test_the_safety_net_heading_is_not_said_twice():
    """One heading, "When to get help", not "Get help if" over "When to get help"."""
    page = text_of(healthy_adult())
    assert "When to get help" in page and "Get help if\n" not in page


def test_the_text_ends_with_one_line_naming_the_urgency():
    """The last line of the printout is the urgency, where it is seen after scrolling."""
    assert text_of(healthy_adult()).splitlines()[-1] == (
        "Your result: SELF-CARE: look after it at home")


def test_an_emergency_stop_shows_no_unscreened_rule_and_no_rule_ids():
    """After an emergency sign, with the rest blank, the person's plan shows neither
    "not answered (RT-UNSCREENED)" nor rule ids nor the JSON's intermediate rules."""
    result = triage.triage({"saddle_numbness": True}, rules=RULES, missing="conservative")
    for fmt in ("text", "html"):
        page = renderer(fmt)(result)
        assert "RT-UNSCREENED" not in page and "intermediate" not in page
        assert "RF-CES-SADDLE" not in page
    markdown = renderer("markdown")(result)
    assert "RF-CES-SADDLE" in markdown and "RT-UNSCREENED" not in markdown


def test_the_json_output_is_unchanged_by_the_answers_on_the_plan():
    """The answers shown on the plan are not a key of the JSON contract."""
    result = triage.triage(healthy_adult(), rules=RULES)
    assert result.answers and "answers" not in result.to_dict()


def test_the_plan_is_built_once_for_every_format():
    """Text, markdown and HTML are the same document: the same answers in each."""
    result = triage.triage({**healthy_adult(), "fever": True}, rules=RULES)
    blocks = plan_document(result).blocks
    assert sum(type(block).__name__ == "YourAnswers" for block in blocks) == 1
    for fmt in ("text", "markdown", "html"):
        assert "Fever: yes" in renderer(fmt)(result)


def test_the_running_header_cannot_close_the_style_element():
    """A rule set name is written as a CSS string with <, quotes and backslashes escaped."""
    assert css_string('a"b\\c</style>') == '"a\\22 b\\5c c\\3c /style\\3e "'


# ---------------------------------------------------------------- triage run -o

@pytest.mark.parametrize(("name", "start"), [("plan.html", "<!DOCTYPE html>"),
                                             ("plan.md", "# SELF-CARE"),
                                             ("plan.txt", "====="),
                                             ("plan.json", "{")])
def test_run_output_takes_the_format_from_the_extension(tmp_path: Path, name, start):
    """`-o plan.html` writes HTML, `.md` markdown, `.txt` text, `.json` JSON."""
    code, out, err = run(str(EXAMPLES / "self-care.yaml"), "-o", str(tmp_path / name))
    assert code == 0 and out == ""
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(start)
    assert err == f"SELF-CARE: look after it at home. The full plan is in {tmp_path / name}.\n"


def test_run_refuses_a_format_that_disagrees_with_the_extension(tmp_path: Path):
    """`-o plan.html --format md` is bad usage: exit 2, one line, no file."""
    code, _, err = run(str(EXAMPLES / "self-care.yaml"), "-o", str(tmp_path / "plan.html"),
                       "--format", "md")
    assert code == 2 and not (tmp_path / "plan.html").exists()
    assert err == (f"triage: error: --output {tmp_path / 'plan.html'}: the extension .html "
                   "means html, not --format md\n")


def test_run_refuses_an_extension_it_cannot_write(tmp_path: Path):
    """`-o plan.pdf` names the extensions it can write."""
    code, _, err = run(str(EXAMPLES / "self-care.yaml"), "-o", str(tmp_path / "plan.pdf"))
    assert code == 2 and ".txt, .md, .html, .json" in err


def test_run_accepts_a_format_that_agrees_with_the_extension(tmp_path: Path):
    """`-o plan.md --format markdown` (or md) is fine."""
    for fmt in ("markdown", "md"):
        code, _, _ = run(str(EXAMPLES / "self-care.yaml"), "-o", str(tmp_path / "p.md"),
                         "-f", fmt)
        assert code == 0


def test_format_md_is_markdown():
    """`--format md` prints the same as `--format markdown`."""
    short = run(str(EXAMPLES / "self-care.yaml"), "-f", "md")
    long = run(str(EXAMPLES / "self-care.yaml"), "-f", "markdown")
    assert short == long and short[0] == 0


def test_run_appendix_option_adds_or_removes_the_rules():
    """`--appendix` adds the rules to the text; `--no-appendix` leaves them out of markdown."""
    example = str(EXAMPLES / "self-care.yaml")
    assert "SC-ACUTE-PLAN" not in run(example)[1]
    assert "SC-ACUTE-PLAN" in run(example, "--appendix")[1]
    assert "SC-ACUTE-PLAN" not in run(example, "-f", "md", "--no-appendix")[1]


def test_run_date_is_printed_in_the_header_and_footer():
    """`--date` puts the date on the page; without it the output has no date."""
    code, out, _ = run(str(EXAMPLES / "self-care.yaml"), "-f", "html", "--date", "2026-11-24")
    assert code == 0 and "2026-11-24" in out and out.count("2026-11-24") == 2
    assert run(str(EXAMPLES / "self-care.yaml"), "--date", "24/11")[0] == 2


def test_format_of_is_the_one_rule_for_both_commands():
    """The extension decides; .htm and .markdown are accepted too."""
    assert format_of(Path("a.htm")) is Format.HTML
    assert format_of(Path("a.MARKDOWN"), Format.MD) is Format.MARKDOWN
    with pytest.raises(ValueError):
        format_of(Path("a.json"), allowed=(Format.MARKDOWN, Format.HTML))


@pytest.mark.parametrize(("example", "urgency"), [("self-care", "self_care"),
                                                  ("urgent", "urgent"),
                                                  ("emergency", "emergency")])
def test_the_bundled_examples_give_their_urgency(example, urgency):
    """examples/self-care.yaml, urgent.yaml and emergency.yaml are what they say."""
    code, out, _ = run(str(EXAMPLES / f"{example}.yaml"), "-f", "json")
    assert code == 0 and json.loads(out)["urgency"] == urgency


def test_after_an_emergency_sign_the_blank_answers_are_named_in_one_line():
    """The questions stop at an emergency sign: the blanks are one line, not 20 concerns."""
    block = your_answers((Answer("saddle_numbness", True, danger_sign=True),
                          Answer("fever", None, danger_sign=True), Answer("age", None)),
                         emergency=True)
    assert block.concerns == (("Saddle numbness", "yes"),)
    assert block.not_answered == ("fever", "age") and block.answers == ()
    result = triage.triage({"saddle_numbness": True}, rules=RULES, missing="conservative")
    assert "- Not answered: sex, bladder or bowel change," in render_text(result)
