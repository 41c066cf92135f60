"""`triage ask` end to end: the installed command in a real pseudo-terminal (pexpect)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pexpect
import pytest
import yaml
from asking import asked, person, script
from conftest import RULES

ENTRY = shutil.which("triage")
INSTALLED = os.environ.get("BACKTRIAGE_EXPECT_INSTALLED") == "1"  # set by .ci/run
pytestmark = [pytest.mark.installed,
              pytest.mark.skipif(ENTRY is None and not INSTALLED,
                                 reason="the triage command is not installed")]
PROMPT = "to go back"


class Log:
    """What the child showed, kept whole (pexpect's ``before`` is only since the last match)."""

    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def spawn(*args: str, plain: bool = False) -> pexpect.spawn:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "100", "LINES": "40"}
    command = [ENTRY or "triage", "ask", "--rules", str(RULES), *(["--plain"] if plain else []),
               *args]
    child = pexpect.spawn(command[0], command[1:], env=env, encoding="utf-8", timeout=30,
                          dimensions=(40, 100))
    child.delaybeforesend = None  # each answer waits for its prompt instead
    child.logfile_read = Log()
    return child


def answer(child: pexpect.spawn, text: str) -> None:
    child.expect_exact(PROMPT)
    child.sendline(text)


def finish(child: pexpect.spawn) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def screens_shown(output: str) -> list[int]:
    """The step numbers shown ("Step 5 of about 18"), in order."""
    return [int(number) for number in re.findall(r"Step (\d+) of about \d+", output)]


@pytest.mark.parametrize(("changes", "urgency"), [
    ({}, "SELF-CARE: look after it at home"),
    ({"fever": True}, "URGENT"),
    ({"night_pain": "not_sure"}, "URGENT"),
], ids=["self-care", "urgent", "not-sure"])
def test_a_path_to_the_plan_counts_its_screens_and_saves_what_was_typed(
        shipped, tmp_path: Path, changes, urgency):
    """A person types one line per screen: each screen is shown once, numbered in order,
    the plan has the urgency, and the saved answers are what was typed."""
    path = tmp_path / "answers.yaml"
    source = person(**changes)
    steps = script(shipped, source)
    child = spawn("--save", str(path), plain=True)
    for _, text in steps:
        answer(child, text)
    child.expect_exact("Press Enter to see your plan")
    child.sendline("")
    child.expect_exact(urgency)
    finish(child)
    assert child.exitstatus == 0
    assert screens_shown(child.logfile_read.text) == list(range(1, len(steps) + 1))
    kept = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert kept == {qid: list(source[qid]) if isinstance(source[qid], tuple) else source[qid]
                    for qid in asked(steps)}
    assert len(steps) <= 20 and len(asked(steps)) > len(steps)


def test_an_emergency_answer_stops_and_shows_the_emergency_advice():
    """'yes' to a bladder change on the first screen: the emergency advice right after that
    screen, and no further screen."""
    child = spawn(plain=True)
    log = child.logfile_read
    answer(child, "n y n n")
    child.expect_exact("EMERGENCY")
    child.expect_exact("call 999")
    finish(child)
    assert child.exitstatus == 0
    assert screens_shown(log.text) == [1]
    assert "Traceback" not in log.text


def test_a_full_self_care_run_with_a_typo_and_a_go_back(shipped):
    """A person mistypes one answer and goes back once; the plan is self-care."""
    child = spawn(plain=True)
    steps = script(shipped, person())
    answer(child, steps[0][1])
    answer(child, "<")
    child.expect_exact("Step 1 of about")
    for ids, text in steps:
        if ids == ("daily_life_impact",):
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
    assert kept == {qid: source[qid] for qid in asked(steps[:3])}

    child = spawn("--resume", str(path))
    child.expect_exact(f"Carrying on from {len(kept)} saved answers")
    child.expect_exact("Step 4 of about")
    for _, text in script(shipped, source, start=kept):
        answer(child, text)
    child.expect_exact("Press Enter to see your plan")
    child.sendline("")
    child.expect_exact("SELF-CARE")
    finish(child)
    assert child.exitstatus == 0
    assert len(yaml.safe_load(path.read_text(encoding="utf-8"))) == len(asked(steps))
