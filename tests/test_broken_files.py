"""Broken rule and answers files: a plain hint at file:line:column, the line and a caret,
one error per cause (checks that depend on an unreadable file are skipped with a note)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from triage.cli import app
from triage.language.questions import NOT_SURE
from triage.language.values import ValueProblem
from triage.questionnaire import keyboard

runner = CliRunner()


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def insert_after(path, number: int, text: str) -> None:
    """Insert ``text`` as a new line after line ``number`` of ``path``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(number, text)
    path.write_text("\n".join(lines), encoding="utf-8")


def check_errors(folder: str = "rs") -> list[str]:
    """The error lines of `rules check` (warnings, notes and the summary left out)."""
    result = runner.invoke(app, ["rules", "check", folder])
    assert result.exit_code == 1
    return [line for line in result.stdout.splitlines()
            if not (": warning: " in line or ": note: " in line or line.endswith("warnings"))]


def after_a_title(path) -> int:
    """The line number of the first rule's title line in ``path``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines, 1) if line.startswith("  - id: ")) + 1
    assert lines[number - 1].startswith("    title: ")
    return number


BROKEN_YAML = {  # name: (line inserted after the first rule's title, message, line, caret)
    "indentation": (
        "  bad: 1",
        "rs/pathways.yaml:{n}:3: error: indentation: this line is not lined up with the lines "
        "above it (the keys of a mapping, and the '-' of each list item, start in the same "
        "column; indent with spaces) (YAML parser: while parsing a block collection: did not "
        "find expected '-' indicator)",
        "  {n} |   bad: 1", "     |   ^"),
    "a colon where none can be": (
        "    status: Cauda equina: suspected",
        "rs/pathways.yaml:{n}:25: error: a colon where none can be: check this line's "
        "indentation against the line above, or put text that contains ': ' in quotes (YAML "
        "parser: mapping values are not allowed in this context)",
        "  {n} |     status: Cauda equina: suspected", "     |                         ^"),
    "a missing colon": (
        "    status active",
        "rs/pathways.yaml:{n}:5: error: a missing colon: write a key as 'key: value', with a "
        "colon and a space (YAML parser: while scanning a simple key: could not find expected "
        "':')",
        "  {n} |     status active", "     |     ^"),
    "a tab": (
        "\tstatus: active",
        "rs/pathways.yaml:{n}:1: error: a tab character: YAML is indented with spaces only "
        "(replace the tab with spaces) (YAML parser: while scanning a plain scalar: found a tab "
        "character that violates indentation)",
        "  {n} | \u2192status: active", "     | ^"),
}


def test_unclosed_quote_at_the_end_is_shown_where_it_opens(copy):
    """A quote never closed: at the quote, with a caret under it."""
    path = copy / "findings.yaml"
    path.write_text(path.read_text(encoding="utf-8") + '    x-note: "It is\n', encoding="utf-8")
    number = len(path.read_text().splitlines())
    assert check_errors() == [
        f"rs/findings.yaml:{number}:13: error: an unclosed quote: the quote that starts here "
        "has no closing quote (YAML parser: while scanning a quoted scalar: found unexpected "
        "end of stream)", f"  {number} |     x-note: \"It is", "      |             ^"]


def test_unclosed_quote_in_the_middle_is_named_as_a_likely_cause(copy):
    """A quote left open mid-file makes the parser complain lines later: the hint names
    the line where the quote was opened."""
    title = after_a_title(copy / "pathways.yaml")
    insert_after(copy / "pathways.yaml", title, '    x-note: "It is')
    (error, *_) = check_errors()
    assert error.endswith(f"; or the quote opened on line {title + 1} is not closed (YAML "
                          "parser: while parsing a block mapping: did not find expected key)")


@pytest.mark.parametrize("name", sorted(BROKEN_YAML))
def test_yaml_syntax_error_is_a_plain_hint_with_a_caret(copy, name):
    """A YAML syntax error is one error: a hint, the parser's words, the line, a caret."""
    text, *expected = BROKEN_YAML[name]
    title = after_a_title(copy / "pathways.yaml")
    insert_after(copy / "pathways.yaml", title, text)
    assert title + 1 >= 10 and title + 1 < 100  # the gutter below is as wide as this
    assert check_errors() == [line.format(n=title + 1) for line in expected]


def test_duplicate_key_is_shown_at_the_second_key(copy):
    """A key given twice: the second one's line and column, and where the first is."""
    title = after_a_title(copy / "pathways.yaml")
    insert_after(copy / "pathways.yaml", title, "    title: again")
    assert check_errors() == [
        f"rs/pathways.yaml:{title + 1}:5: error: duplicate key 'title' (first on line {title})",
        f"  {title + 1} |     title: again", "     |     ^"]


def test_broken_rule_file_skips_the_hazard_controls_with_one_note(copy):
    """danger_signs.yaml unreadable: one error and one note, not an error per control."""
    insert_after(copy / "danger_signs.yaml", 30, "  bad: 1")
    result = runner.invoke(app, ["rules", "check", "rs"])
    lines = [line for line in result.stdout.splitlines() if ": warning: " not in line]
    assert lines[0].startswith("rs/danger_signs.yaml:31:3: error: indentation: ")
    assert lines[3] == ("rs/hazards.yaml: note: hazard-log rule controls not checked: "
                        "rs/danger_signs.yaml could not be read")
    assert lines[4] == "1 error, 0 warnings"


def test_broken_invariants_file_note_in_rules_test(copy):
    """The note reaches `rules test` too, as a note, and the heading counts one problem."""
    insert_after(copy / "invariants.yaml", 30, "  bad: 1")
    result = runner.invoke(app, ["rules", "test", "rs"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0] == "triage: error: rule set has 1 problem:"
    assert lines[-1] == ("triage: note: rs/hazards.yaml: hazard-log invariant controls not "
                         "checked: rs/invariants.yaml could not be read")


def test_broken_case_file_skips_the_hazard_case_controls(copy):
    """A broken case file: its error, and one note instead of an error per case control."""
    insert_after(copy / "cases" / "pathways.yaml", 30, "  - bad: 1\n  bad: 1")
    result = runner.invoke(app, ["rules", "check", "rs"])
    errors = [line for line in result.stdout.splitlines() if ": error: " in line]
    assert len(errors) == 1 and errors[0].startswith("rs/cases/pathways.yaml:31:3: error: ")
    assert ("rs/hazards.yaml: note: hazard-log case controls not checked: the case files have "
            "errors (above)") in result.stdout


def run(tmp_path, name: str, content: str):
    (tmp_path / name).write_text(content, encoding="utf-8")
    return runner.invoke(app, ["run", name])


def test_json_error_has_line_column_and_caret(tmp_path):
    """A JSON answers file with a trailing comma: file:line:column, a hint, the line, ^."""
    result = run(tmp_path, "a.json", '{"age": 40,\n "sex": "male",}\n')
    assert result.exit_code == 2
    assert result.stderr == (
        "triage: error: a.json:2:16: invalid JSON: a comma after the last item (remove it) "
        "(JSON parser: Expecting property name enclosed in double quotes)\n"
        "triage: error:   2 |  \"sex\": \"male\",}\n"
        "triage: error:     |                ^\n")


def test_json_missing_comma_is_named(tmp_path):
    """Two JSON items with no comma between them are named as such, at the second."""
    result = run(tmp_path, "a.json", '{"age": 40 "sex": "male"}')
    assert result.stderr.startswith("triage: error: a.json:1:12: invalid JSON: a missing "
                                    "comma between two items")


@pytest.mark.parametrize(("name", "content"), [
    ("empty.yaml", ""), ("comments.yaml", "# nothing yet\n\n   \n"), ("empty.json", " \n"),
])
def test_empty_answers_file_says_so(tmp_path, name, content):
    """An empty answers file (or only comments and blanks) says the file is empty."""
    result = run(tmp_path, name, content)
    assert result.exit_code == 2
    assert result.stderr == f"triage: error: {name}: the file is empty (no answers in it)\n"


def test_empty_standard_input_says_so():
    """Nothing on standard input is said as such."""
    result = runner.invoke(app, ["run", "-"], input="")
    assert result.exit_code == 2
    assert result.stderr == "triage: error: <stdin>: nothing on standard input (no answers)\n"


@pytest.mark.parametrize(("content", "found"), [
    ("- fever\n- age\n", "a list"), ("42\n", "a number"), ("fever\n", "text"),
])
def test_top_level_that_is_not_a_mapping_says_what_it_found(tmp_path, content, found):
    """Answers that are not a mapping: what was found instead."""
    result = run(tmp_path, "a.yaml", content)
    assert result.exit_code == 2
    assert result.stderr == ("triage: error: a.yaml: answers must be a mapping of question id "
                             f"to value (like 'age: 40'), not {found}\n")


def test_missing_danger_signs_message_has_no_python_internals(tmp_path):
    """The refusal for missing danger signs names the option, not the library's parameter."""
    result = run(tmp_path, "a.yaml", "age: 40\n")
    assert result.exit_code == 2
    assert result.stderr.rstrip().endswith("treat them as not screened with --missing "
                                           "conservative)")
    assert "Python" not in result.stderr and "missing=" not in result.stderr


def test_keyboard_refusal_names_answers_as_the_prompt_does(ruleset):
    """At the keyboard, a refused answer to a danger sign says "not sure", not not_sure."""
    question = ruleset.question_map["fever"]
    with pytest.raises(ValueProblem) as refused:
        keyboard.parse(question, "maybe")
    assert refused.value.reason == "'maybe' is not allowed; expected yes, no or not sure"
    assert NOT_SURE not in str(refused.value)
    assert keyboard.typed_allowed(ruleset.question_map["leg_weakness"]) == (
        "none, stable, worsening or not sure")


@pytest.mark.parametrize("content", ["", "\n\n", "\r\n"])
def test_empty_csv_batch_input_says_so(tmp_path, content):
    """A CSV file with not even a header is refused as empty (exit 2), not read as 0 rows."""
    (tmp_path / "in.csv").write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["batch", "in.csv", "-q"])
    assert result.exit_code == 2
    assert result.stderr == ("triage: error: in.csv: the file is empty (a CSV file needs a "
                             "header of answer ids)\n")


def test_csv_with_only_a_header_is_zero_rows(tmp_path):
    """A header and no rows is a batch of nothing, not an error."""
    (tmp_path / "in.csv").write_text("id,age\n", encoding="utf-8")
    result = runner.invoke(app, ["batch", "in.csv", "-q"])
    assert result.exit_code == 0 and result.stdout == ""
