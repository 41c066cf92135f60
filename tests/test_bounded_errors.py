"""Error output is bounded and one line per problem: values cut, lines counted, paths
escaped, suggestions that help; and answers files may be pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import pytest
import yaml
from conftest import RULES, healthy_adult
from typer.testing import CliRunner

from triage.cli import app
from triage.errors import ExitStatus

runner = CliRunner()


def run_file(path, *args: str):
    return runner.invoke(app, ["run", str(path), "--rules", str(RULES), *args])


def test_a_huge_value_is_echoed_cut_to_a_few_dozen_characters(tmp_path):
    """A 1.9 MB answer is named and cut, with its length: one short line (it was echoed
    whole, a 1.9 MB line)."""
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump({**healthy_adult(), "onset": "x" * 1_900_000}), "utf-8")
    result = run_file(path)
    assert result.exit_code == ExitStatus.BAD_INPUT
    (line,) = result.stderr.splitlines()
    assert len(line) < 300 and "onset: 'xxxxxxxx" in line and "(1,900,000 characters)" in line


def test_many_unknown_answer_ids_give_a_bounded_list_and_a_count(tmp_path):
    """150,000 unknown ids: the first ones named, then how many more (it was 150,000
    lines)."""
    path = tmp_path / "a.json"
    path.write_text(json.dumps({**healthy_adult(), **{f"k{i}": 1 for i in range(150_000)}}),
                    "utf-8")
    result = run_file(path)
    assert result.exit_code == ExitStatus.BAD_INPUT
    lines = result.stderr.splitlines()
    assert len(lines) <= 20
    assert "unknown answer id 'k0'" in lines[0]
    assert any("and 149,982 more problems like these" in line for line in lines)


def test_a_newline_in_a_path_stays_on_one_line(tmp_path):
    """A file name with a newline in it is shown escaped: the error is one line."""
    result = run_file(tmp_path / "no\nsuch.yaml")
    assert result.exit_code == ExitStatus.BAD_INPUT
    (line,) = result.stderr.splitlines()
    assert line.endswith("no\\nsuch.yaml: no such answers file")


def test_a_look_alike_name_is_told_apart_from_the_one_suggested(tmp_path):
    """'аge' with a Cyrillic а looks exactly like 'age': the message names the odd
    character instead of suggesting what seems to be the same word."""
    answers = healthy_adult()
    answers["\u0430ge"] = answers.pop("age")
    path = tmp_path / "a.json"
    path.write_text(json.dumps(answers, ensure_ascii=False), "utf-8")
    result = run_file(path)
    assert "(did you mean 'age'? what was given has U+0430 CYRILLIC SMALL LETTER A)" \
        in result.stderr


def test_a_fifo_is_read_as_an_answers_file(tmp_path):
    """A named pipe (what `<(...)` gives) is read, not called missing."""
    fifo = tmp_path / "answers.fifo"
    os.mkfifo(fifo)
    text = json.dumps(healthy_adult())

    def feed() -> None:
        with open(fifo, "w", encoding="utf-8") as writer:
            writer.write(text)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    result = run_file(fifo, "-f", "json")
    writer.join(timeout=10)
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["urgency"] == "self_care"


@pytest.mark.parametrize("path", ["/dev/stdin", "<(cat {file})"])
def test_dev_stdin_and_process_substitution_are_answers_files(tmp_path, path):
    """`... | triage run /dev/stdin` and `triage run <(...)` read the answers (they were
    'no such answers file')."""
    file = tmp_path / "a.json"
    file.write_text(json.dumps(healthy_adult()), "utf-8")
    command = (f"cat {file} | {sys.executable} -m triage run {path.format(file=file)} "
               f"-f json --rules {RULES}")
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["urgency"] == "self_care"
