"""Nothing is lost to a write: outputs are replaced only when complete, never over the
input, never over a read-only file; symlinks are written through."""

from __future__ import annotations

import json
import stat

import pytest
import yaml
from conftest import RULES, healthy_adult
from typer.testing import CliRunner

from triage.cli import app
from triage.errors import ExitStatus

runner = CliRunner()


def invoke(*args: str, input: str | None = None):
    return runner.invoke(app, [*args, "--rules", str(RULES)], input=input)


def responses(tmp_path, name: str = "x.jsonl", rows: int = 2):
    path = tmp_path / name
    path.write_text((json.dumps(healthy_adult()) + "\n") * rows, "utf-8")
    return path


def test_batch_refuses_to_write_over_its_input(tmp_path):
    """`batch x.jsonl -o x.jsonl` is refused before reading, and the responses are kept
    (the input was truncated first: exit 0, '0 rows', responses gone)."""
    source = responses(tmp_path)
    before = source.read_bytes()
    result = invoke("batch", str(source), "-o", str(source))
    assert result.exit_code == ExitStatus.BAD_INPUT
    (line,) = result.stderr.splitlines()
    assert "x.jsonl: is the input" in line
    assert source.read_bytes() == before


def test_the_input_is_recognised_through_a_symlink(tmp_path):
    """Another name for the same file is still the input."""
    source = responses(tmp_path)
    (tmp_path / "link.jsonl").symlink_to(source)
    result = invoke("batch", str(source), "-o", str(tmp_path / "link.jsonl"))
    assert result.exit_code == ExitStatus.BAD_INPUT and "is the input" in result.stderr


def test_a_fatal_header_error_leaves_the_results_file_as_it_was(tmp_path):
    """A CSV refused at its header writes nothing: yesterday's results are intact (they
    were truncated)."""
    results = tmp_path / "results.jsonl"
    results.write_text("yesterday's results\n", "utf-8")
    (tmp_path / "in.csv").write_text("nosuch,age\n1,2\n", "utf-8")
    result = invoke("batch", str(tmp_path / "in.csv"), "-o", str(results))
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert results.read_text("utf-8") == "yesterday's results\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.csv", "results.jsonl"]


def test_run_refuses_to_write_the_plan_over_the_answers(tmp_path):
    """`run a.yaml -o a.yaml` keeps the answers (they were replaced by the plan)."""
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump(healthy_adult()), "utf-8")
    before = answers.read_bytes()
    result = invoke("run", str(answers), "-o", str(answers))
    assert result.exit_code == ExitStatus.BAD_INPUT and "a.yaml: is the input" in result.stderr
    assert answers.read_bytes() == before


def test_a_batch_output_file_keeps_its_permissions(tmp_path):
    """Replacing a 0640 results file leaves it 0640 (a temporary file's 0600 is not
    left behind)."""
    results = tmp_path / "out.jsonl"
    results.write_text("old\n", "utf-8")
    results.chmod(0o640)
    result = invoke("batch", str(responses(tmp_path)), "-o", str(results))
    assert result.exit_code == 0
    assert stat.S_IMODE(results.stat().st_mode) == 0o640
    assert json.loads(results.read_text("utf-8").splitlines()[0])["urgency"] == "self_care"


def test_ask_save_refuses_a_read_only_file_before_the_first_question(tmp_path):
    """A read-only --save file is refused at once and left as it was (it was replaced, and
    left 0600)."""
    saved = tmp_path / "answers.yaml"
    saved.write_text("# mine\n", "utf-8")
    saved.chmod(0o444)
    result = invoke("ask", "--plain", "--save", str(saved), "--force", input="no\n")
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert "--save" in result.stderr and "read-only" in result.stderr
    assert "Step 1" not in result.stderr
    assert saved.read_text("utf-8") == "# mine\n"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o444


def test_ask_save_writes_through_a_symlink(tmp_path):
    """--save on a symlink replaces the file it points to; the link stays a link (it was
    replaced by a plain file)."""
    real = tmp_path / "real.yaml"
    real.write_text("# before\n", "utf-8")
    real.chmod(0o644)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    result = invoke("ask", "--plain", "--save", str(link), "--force", input="n n n n\n")
    assert result.exit_code == ExitStatus.BAD_INPUT  # the input ended part-way
    assert link.is_symlink() and link.resolve() == real
    assert yaml.safe_load(real.read_text("utf-8")) == {
        "saddle_numbness": False, "bladder_or_bowel_change": False,
        "sexual_function_change": False, "both_legs_affected": False}
    assert stat.S_IMODE(real.stat().st_mode) == 0o644


def test_ask_output_refuses_to_write_the_handout_over_the_saved_answers(tmp_path):
    """A --output that is the --save file under another name (here a link plan.md) would
    lose the answers: refused before any question."""
    saved = tmp_path / "answers.yaml"
    saved.write_text("saddle_numbness: no\n", "utf-8")
    (tmp_path / "plan.md").symlink_to(saved)
    result = invoke("ask", "--plain", "--resume", str(saved), "--output",
                    str(tmp_path / "plan.md"), input="")
    assert result.exit_code == ExitStatus.BAD_INPUT and "is the input" in result.stderr
    assert saved.read_text("utf-8") == "saddle_numbness: no\n"


def test_review_refuses_to_write_over_a_rule_file(tmp_path):
    """`rules review -o rules/x.yaml` would replace clinical content: refused."""
    import shutil

    folder = tmp_path / "rs"
    shutil.copytree(RULES, folder)
    target = folder / "pathways.yaml"
    before = target.read_bytes()
    result = runner.invoke(app, ["rules", "review", str(folder), "-o", str(target)])
    assert result.exit_code == ExitStatus.BAD_INPUT and "is the input" in result.stderr
    assert target.read_bytes() == before


@pytest.mark.parametrize("command", [["run", "{answers}"], ["batch", "{responses}"]])
def test_an_output_in_a_missing_folder_is_refused_before_any_work(tmp_path, command):
    """A missing folder is named before anything is read."""
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump(healthy_adult()), "utf-8")
    args = [part.format(answers=answers, responses=responses(tmp_path)) for part in command]
    result = invoke(*args, "-o", str(tmp_path / "nowhere" / "out.txt"))
    assert result.exit_code == ExitStatus.BAD_INPUT and "no such folder" in result.stderr
