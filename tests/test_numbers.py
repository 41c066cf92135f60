"""Numbers are read as a person means them: decimal, in every input.

YAML 1.1 (PyYAML's default) reads ``065`` as octal 53 and ``0x41`` or ``1:05`` as 65;
a 65-year-old after a minor fall is urgent, a 53-year-old is not.
"""

from __future__ import annotations

import json

import pytest
import yaml
from asking import lines, person, script
from conftest import RULES, healthy_adult
from rulesets import make_ruleset, rule
from typer.testing import CliRunner

from triage.cli import app
from triage.errors import ExitStatus

runner = CliRunner()
EXAMPLE = (RULES.parent / "examples" / "self-care.yaml").read_text(encoding="utf-8")


def run_text(tmp_path, text: str, name: str = "answers.yaml", *args: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return runner.invoke(app, ["run", str(path), "--rules", str(RULES), "-f", "json", *args])


def example(**changes: str) -> str:
    """The bundled example answers file, with some lines given as raw YAML text."""
    text = EXAMPLE
    for key, value in changes.items():
        start = text.index(f"\n{key}: ") + 1
        end = text.index("\n", start)
        text = text[:start] + f"{key}: {value}" + text[end:]
    return text


def test_a_leading_zero_in_yaml_is_decimal_not_octal(tmp_path):
    """`age: 065` after a minor fall is the 65-year-old's urgent result, not a 53-year-old's
    self-care (YAML 1.1 read it as octal 53)."""
    written = run_text(tmp_path, example(age="065", recent_trauma="minor"))
    plain = run_text(tmp_path, example(age="65", recent_trauma="minor"), "plain.yaml")
    assert written.exit_code == plain.exit_code == 0
    assert json.loads(written.stdout)["urgency"] == "urgent"
    assert written.stdout == plain.stdout


def test_duration_with_a_leading_zero_is_the_same_number_of_days(tmp_path):
    """`duration_days: 042` is 42 days (octal read it as 34), whatever the rules make of it."""
    written = run_text(tmp_path, example(duration_days="042", trend="same"))
    plain = run_text(tmp_path, example(duration_days="42", trend="same"), "plain.yaml")
    assert written.exit_code == 0 and written.stdout == plain.stdout


@pytest.mark.parametrize("form", ["0x41", "1:05", "0o101", "0b1000001", "6_5", "1:05.0"])
def test_hex_octal_binary_sexagesimal_and_underscores_are_refused_by_name(tmp_path, form):
    """Number forms a person does not write for an age are refused naming the answer and
    what is allowed (YAML 1.1 read each of them as 65)."""
    result = run_text(tmp_path, example(age=form, recent_trauma="minor"))
    assert result.exit_code == ExitStatus.BAD_INPUT
    lines_ = result.stderr.strip().splitlines()
    assert len(lines_) == 1 and f"answers.yaml:4: age: '{form}' is not allowed" in lines_[0]
    assert "whole number from 0 to 120" in lines_[0]


def test_a_leading_zero_in_json_is_refused_with_the_reason(tmp_path):
    """JSON has no leading zeros: the file is refused at its line, saying what to write."""
    text = json.dumps(healthy_adult(), indent=1).replace('"age": 38', '"age": 065')
    result = run_text(tmp_path, text, "answers.json")
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert "answers.json:2:10: invalid JSON: a number with a leading zero (write 65, not 065)" \
        in result.stderr


def test_the_same_answers_in_csv_yaml_and_json_strings_agree(tmp_path):
    """"065" in a CSV cell, a JSON string and bare YAML is one number: 65."""
    header = ",".join(healthy_adult())
    cells = ",".join("065" if key == "age" else "minor" if key == "recent_trauma"
                     else json.dumps(value).strip('"').replace("true", "yes")
                     .replace("false", "no").replace('["', "").replace('"]', "")
                     for key, value in healthy_adult().items())
    (tmp_path / "in.csv").write_text(header + "\n" + cells + "\n", encoding="utf-8")
    from_csv = runner.invoke(app, ["batch", str(tmp_path / "in.csv"), "--rules", str(RULES)])
    as_string = {**healthy_adult(), "age": "065", "recent_trauma": "minor"}
    from_json = run_text(tmp_path, json.dumps(as_string), "answers.json")
    from_yaml = run_text(tmp_path, example(age="065", recent_trauma="minor"))
    urgencies = {json.loads(from_csv.stdout)["urgency"], json.loads(from_json.stdout)["urgency"],
                 json.loads(from_yaml.stdout)["urgency"]}
    assert urgencies == {"urgent"}


@pytest.mark.parametrize(("name", "text"), [
    ("answers.yaml", example(age="1" * 5000)),
    ("answers.json", json.dumps(healthy_adult()).replace('"age": 38', '"age": ' + "1" * 5000)),
])
def test_a_5000_digit_number_is_bad_input_naming_the_answer(tmp_path, name, text):
    """A number too long for any answer is refused by name (YAML crashed with exit 70; JSON
    said only that Python cannot convert it)."""
    result = run_text(tmp_path, text, name)
    assert result.exit_code == ExitStatus.BAD_INPUT
    (line,) = result.stderr.strip().splitlines()
    assert "age: 111111111111... is out of range; expected a whole number from 0 to 120" in line


def test_a_5000_digit_number_in_a_batch_row_is_that_rows_error(tmp_path):
    """In a batch the long number is the row's error, naming the answer; the next row goes on."""
    text = (json.dumps(healthy_adult()).replace('"age": 38', '"age": ' + "9" * 5000) + "\n"
            + json.dumps(healthy_adult()) + "\n")
    (tmp_path / "in.jsonl").write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["batch", str(tmp_path / "in.jsonl"), "--rules", str(RULES)])
    bad, good = (json.loads(line) for line in result.stdout.splitlines())
    assert bad["error"].startswith("row 1: age: 999999999999... is out of range")
    assert good["urgency"] == "self_care"


def test_a_threshold_in_a_rule_file_is_decimal(tmp_path):
    """A clinician's `">=": 042` is 42 days: 40 days does not reach it (octal 34 did)."""
    folder = make_ruleset(tmp_path / "rs", rule("R-LONG", '{duration_days: {">=": 042}}',
                                                "{urgency: routine}")
                          + rule("R-ANY", "{fever: no}", "{urgency: self_care}"))
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump({**healthy_adult(), "duration_days": 40}), "utf-8")
    result = runner.invoke(app, ["run", str(answers), "--rules", str(folder), "-f", "json"])
    assert json.loads(result.stdout)["urgency"] == "self_care"


def test_typed_at_the_prompt_a_leading_zero_is_decimal(shipped):
    """Typing 065 for the age at `triage ask` is 65."""
    steps = script(shipped, person(age=65, recent_trauma="minor"))
    typing = lines([(qid, "065" if qid == "age" else text) for qid, text in steps])
    result = runner.invoke(app, ["ask", "--plain", "--rules", str(RULES)], input=typing + "\n")
    assert result.exit_code == 0, result.stderr
    assert "How old are you? Answer: 65" in result.stderr
    assert "URGENT" in result.stdout


@pytest.mark.parametrize("typed", ["\u00b2", "\u0663", "1" * 5000])
def test_a_menu_number_that_is_not_ascii_digits_is_asked_again(typed):
    """A superscript or Arabic-Indic digit, or 5,000 digits, at a menu is 'not on the list'
    and the question comes again (it crashed with exit 70)."""
    result = runner.invoke(app, ["ask", "--plain", "--rules", str(RULES)],
                           input=f"n n n n\n{typed}\n")  # 2nd screen: leg weakness
    assert result.exit_code == ExitStatus.BAD_INPUT  # input ends; nothing crashed
    assert "is not on the list; type a number from 1 to 4" in result.stderr
    assert "internal error" not in result.stderr
