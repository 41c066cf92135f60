"""`triage ask` end to end: the installed command in a real pseudo-terminal (pexpect)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pexpect
import pytest
import yaml
from asking import person, script
from conftest import RULES

ENTRY = shutil.which("triage")
INSTALLED = os.environ.get("BACKTRIAGE_EXPECT_INSTALLED") == "1"  # set by .ci/run
pytestmark = [pytest.mark.installed,
              pytest.mark.skipif(ENTRY is None and not INSTALLED,
                                 reason="the triage command is not installed")]
PROMPT = "to go back"


def spawn(*args: str, plain: bool = False) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "100", "LINES": "40"}
    command = [ENTRY or "triage", "ask", "--rules", str(RULES), *(["--plain"] if plain else []),
               *args]
    child = pexpect.spawn(command[0], command[1:], env=env, encoding="utf-8", timeout=30,
                          dimensions=(40, 100))
    child.delaybeforesend = None  # each answer waits for its prompt instead
    return child


def answer(child: pexpect.spawn, text: str) -> None:
    child.expect_exact(PROMPT)
    child.sendline(text)


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def test_an_emergency_answer_stops_and_shows_the_emergency_advice():
    """'yes' to saddle numbness: the emergency advice at once, and no further question."""
    child = spawn()
    answer(child, "yes")
    child.expect_exact("EMERGENCY")
    child.expect_exact("call 999")
    rest = finish(child)
    assert child.exitstatus == 0
    assert "Question 2" not in rest and "Traceback" not in rest


def test_a_full_self_care_run_with_a_typo_and_a_go_back(shipped):
    """A person mistypes one answer and goes back once; the plan is self-care."""
    child = spawn(plain=True)
    steps = script(shipped, person())
    answer(child, steps[0][1])
    answer(child, "<")
    child.expect_exact("Question 1 (danger signs)")
    for qid, text in steps:
        if qid == "daily_life_impact":
            answer(child, "smoe")
            child.expect_exact("(did you mean 'some'?)")
        answer(child, text)
    child.expect_exact("Press Enter to see your plan")
    child.sendline("")
    child.expect_exact("SELF-CARE: look after it at home")
    child.expect_exact("Stretches and exercises")
    finish(child)
    assert child.exitstatus == 0


def test_ctrl_c_with_save_then_resume(shipped, tmp_path: Path):
    """Ctrl-C part-way: exit 130, answers saved; --resume carries on to the plan."""
    path = tmp_path / "answers.yaml"
    source = person()
    steps = script(shipped, source)
    child = spawn("--save", str(path))
    for _, text in steps[:3]:
        answer(child, text)
    child.expect_exact(PROMPT)
    child.sendintr()
    output = finish(child)
    assert child.exitstatus == 130
    assert "stopped before the end" in output and "Traceback" not in output
    kept = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert kept == {qid: source[qid] for qid, _ in steps[:3]}

    child = spawn("--resume", str(path))
    child.expect_exact("Carrying on from 3 saved answers")
    child.expect_exact("Question 4")
    for _, text in script(shipped, source, start=kept):
        answer(child, text)
    child.expect_exact("Press Enter to see your plan")
    child.sendline("")
    child.expect_exact("SELF-CARE")
    finish(child)
    assert child.exitstatus == 0
    assert len(yaml.safe_load(path.read_text(encoding="utf-8"))) == len(steps)
