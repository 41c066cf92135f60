"""The README tells the truth: its sample output, commands and exit codes are real."""

from __future__ import annotations

import re

from conftest import ROOT, RULES
from typer.testing import CliRunner

from triage.cli import app
from triage.errors import ExitStatus

README = (ROOT / "README.md").read_text(encoding="utf-8")
DIGEST = re.compile(r"sha256 [0-9a-f]{12}")


def test_readme_sample_output_is_what_the_example_prints():
    """Every line shown in the quick-start sample appears, in order, in the real output."""
    sample = README.split("It prints:", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    result = CliRunner().invoke(app, ["run", str(ROOT / "examples" / "self-care.yaml"),
                                      "--rules", str(RULES)])
    # The digest changes with every rule edit; the sample shows where it goes, not its value.
    actual = [DIGEST.sub("sha256 <digest>", line) for line in result.stdout.splitlines()]
    position = 0
    for line in (DIGEST.sub("sha256 <digest>", line) for line in sample.splitlines()):
        if line.strip() in ("", "...") or line.rstrip().endswith("..."):
            continue
        assert line in actual[position:], f"README line not in output (in order): {line!r}"
        position = actual.index(line, position) + 1


def _command_names(typer_app, prefix):
    """Every command of ``typer_app`` and its sub-apps, as typed: ``triage rules check``."""
    for command in typer_app.registered_commands:
        yield f"{prefix} {command.name or command.callback.__name__.replace('_', '-')}"
    for group in typer_app.registered_groups:
        yield from _command_names(group.typer_instance, f"{prefix} {group.name}")


def test_every_command_is_in_the_readme():
    """Each `triage` command is documented."""
    for name in _command_names(app, "triage"):
        assert name in README, name


def test_every_exit_status_is_in_the_table():
    """The exit-code table lists every code the tool can return."""
    table = README.split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    codes = {int(code) for code in re.findall(r"^\| (\d+) \|", table, flags=re.M)}
    assert {int(status) for status in ExitStatus} <= codes


def test_quick_start_names_the_bundled_example():
    """The quick start's files exist."""
    assert "pip install . && triage run examples/self-care.yaml" in README
    assert "pip install '.[test]' && pytest" in README
    assert (ROOT / "examples" / "self-care.yaml").is_file()


def test_readme_ask_transcript_is_what_triage_ask_prints(tmp_path, monkeypatch):
    """The `triage ask` transcript: the same answers typed give the same lines, in order
    (every step shown is answered as typed there)."""
    transcript = README.split("$ triage ask --plain", 1)[1].split("```", 1)[0].splitlines()[1:]
    prompt = " to go back): "
    typed: dict[int, list[str]] = {}  # step number -> what was typed
    for line in transcript:
        if line.startswith("Step "):
            number = int(line.split()[1])
        elif prompt in line:
            typed.setdefault(number, []).append(line.split(prompt, 1)[1])
    answers = [text for n in range(1, max(typed) + 1) for text in typed.get(n, ["no"])]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["ask", "--plain", "--save", "answers.yaml",
                                      "--rules", str(RULES)],
                                input="".join(f"{text}\n" for text in answers if text != "^C"))
    output, position = result.stderr, 0
    for line in transcript:
        if line.strip() in ("", "...") or line.endswith("..."):
            continue
        line = line.split(prompt, 1)[0] + prompt if prompt in line else line
        assert line in output[position:], f"README line not in output (in order): {line!r}"
        position = output.index(line, position) + len(line)
