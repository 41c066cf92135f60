"""`triage ask` through typer's CliRunner: prompts, re-prompts, back, summary, saving, handouts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from asking import lines, person, script
from conftest import RULES
from typer.testing import CliRunner

from triage import questionnaire as flow
from triage.cli import app
from triage.cli.ask import Terminal

RUNNER = CliRunner()


def ask(*args: str, input: str = ""):
    return RUNNER.invoke(app, ["ask", "--rules", str(RULES), *args], input=input)


def saved(tmp_path: Path, answers: dict) -> Path:
    path = tmp_path / "saved.yaml"
    path.write_text(yaml.safe_dump({k: list(v) if isinstance(v, tuple) else v
                                    for k, v in answers.items()}), encoding="utf-8")
    return path


def all_but(shipped, source: dict, last: int) -> tuple[dict, list[tuple[str, str]]]:
    """The answers to every asked question but the last ``last``, and the rest of the script."""
    steps = script(shipped, source)
    done = {qid: source[qid] for qid, _ in steps[:-last]}
    return done, steps[-last:]


def test_a_full_run_with_a_typo_re_prompts_and_gives_the_plan(shipped):
    """A misspelt choice gets a did-you-mean and the question again; the plan follows."""
    steps = script(shipped, person())
    typing = "".join(("smoe\n" if qid == "daily_life_impact" else "") + text + "\n"
                     for qid, text in steps)
    result = ask("--plain", input=typing + "\n")
    assert result.exit_code == 0, result.stderr
    assert "'smoe' is not allowed; expected none, some or severe (did you mean 'some'?)" \
        in result.stderr
    assert "SELF-CARE" in result.stdout


def test_a_question_mark_shows_the_help_text(shipped, ruleset):
    """'?' prints the question's help and asks again."""
    result = ask("--plain", input="?\nyes\n")
    assert ruleset.question_map["saddle_numbness"].help[:60] in result.stderr
    assert result.exit_code == 0 and "EMERGENCY" in result.stdout


def test_going_back_changes_the_previous_answer():
    """'<' goes back one question; the new answer replaces the old one."""
    result = ask("--plain", input="no\n<\nyes\n")
    assert result.stderr.count("Question 1 (danger signs)") == 2
    assert result.exit_code == 0 and "EMERGENCY" in result.stdout


def test_enter_keeps_the_previous_answer_after_going_back():
    """After going back, an empty answer keeps what was given before."""
    result = ask("--plain", input="no\nno\n<\n\n")
    assert "Enter keeps: no" in result.stderr
    assert result.stderr.count("Question 2 (danger signs)") == 2
    assert "Question 3 (danger signs)" in result.stderr


def test_going_back_at_the_first_question_says_so():
    """There is nothing before the first question."""
    result = ask("--plain", input="<\n")
    assert "This is the first question." in result.stderr


def test_an_invalid_menu_number_is_re_asked(ruleset, tmp_path):
    """A number that is not on the menu gets a clear message and the question again."""
    signs = ruleset.danger_signs
    path = saved(tmp_path, dict.fromkeys(signs[:signs.index("leg_weakness")], False))
    result = ask("--plain", "--resume", str(path), input="9\nnone\n")
    assert "9 is not on the list; type a number from 1 to 3" in result.stderr
    assert yaml.safe_load(path.read_text())["leg_weakness"] == "none"


def test_the_summary_lets_a_person_change_an_answer(shipped, ruleset, tmp_path):
    """At the summary, a row number re-asks that question; the plan uses the new answer."""
    source = person()
    done, rest = all_but(shipped, source, 1)
    path = saved(tmp_path, done)
    answers = {**done, rest[0][0]: source[rest[0][0]]}
    number = next(n for n, qid, _, _ in flow.summary_rows(ruleset, answers) if qid == "fever")
    result = ask("--plain", "--resume", str(path), input=lines(rest) + f"{number}\nyes\n\n")
    assert result.exit_code == 0, result.stderr
    assert "Your answers" in result.stderr and "URGENT" in result.stdout
    assert yaml.safe_load(path.read_text())["fever"] is True


def test_eof_part_way_saves_the_answers_and_exits_2(tmp_path):
    """End of input before the end: answers so far saved, one message, no traceback."""
    path = tmp_path / "answers.yaml"
    result = ask("--plain", "--save", str(path), input="no\nno\n")
    assert result.exit_code == 2
    assert f"your answers are saved in {path}" in result.stderr
    assert "Traceback" not in result.stderr
    assert yaml.safe_load(path.read_text()) == {"saddle_numbness": False,
                                                "bladder_or_bowel_change": False}


def test_ctrl_c_saves_the_answers_and_exits_130(tmp_path, monkeypatch):
    """Ctrl-C at the third question: exit 130, the first two answers kept."""
    typed = iter(["no", "no"])

    def read(self, prompt):
        try:
            return next(typed)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(Terminal, "read", read)
    path = tmp_path / "answers.yaml"
    result = ask("--save", str(path))
    assert result.exit_code == 130 and "stopped before the end" in result.stderr
    assert len(yaml.safe_load(path.read_text())) == 2


def test_resume_carries_on_and_re_asks_a_bad_saved_value(tmp_path):
    """A saved value that is not allowed is reported and asked again; unknown ids ignored."""
    path = saved(tmp_path, {"saddle_numbness": False, "leg_weakness": "worse", "fevr": False})
    result = ask("--plain", "--resume", str(path), input="")
    assert "leg_weakness: 'worse' is not allowed" in result.stderr
    assert "ignoring unknown answer id 'fevr'" in result.stderr
    assert "Do you have numbness or tingling" not in result.stderr  # answered: not asked
    assert "Question 2 (danger signs)" in result.stderr


def test_the_saved_answers_are_what_triage_run_reads(shipped, tmp_path):
    """`triage run` on the saved file gives the same plan as the questionnaire."""
    path = tmp_path / "answers.yaml"
    done = ask("--plain", "--save", str(path), input=lines(script(shipped, person())) + "\n")
    ran = RUNNER.invoke(app, ["run", str(path), "--rules", str(RULES)])
    assert done.exit_code == ran.exit_code == 0
    assert ran.stdout.splitlines()[:4] == done.stdout.splitlines()[:4]


@pytest.mark.parametrize(("name", "marker"), [("plan.html", "<!DOCTYPE html>"),
                                              ("plan.md", "# SELF-CARE")])
def test_output_writes_a_dated_handout(shipped, tmp_path, name, marker):
    """--output plan.html / plan.md writes the handout with the date given by --date."""
    done, rest = all_but(shipped, person(), 1)
    path = tmp_path / name
    result = ask("--plain", "--resume", str(saved(tmp_path, done)), "--output", str(path),
                 "--date", "2026-11-24", input=lines(rest) + "\n")
    assert result.exit_code == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert text.startswith(marker) and "Date: 2026-11-24." in text


@pytest.mark.parametrize(("args", "message"), [
    (["--output", "plan.pdf"], "the handout is written as .md or .html"),
    (["--date", "24/11/2026"], "is not a date written as YYYY-MM-DD (like 2026-11-24)"),
    (["--locale", "xx"], "unknown locale 'xx'"),
])
def test_bad_options_are_refused_before_any_question(args, message):
    """A wrong option is exit 2 with one message, and nothing is asked."""
    result = ask(*args, input="no\n")
    assert result.exit_code == 2 and message in result.stderr
    assert "Question 1" not in result.stderr


def test_an_emergency_is_shown_first_and_nothing_else_is_asked():
    """The emergency advice is the first thing in the plan; no summary, no more questions."""
    result = ask("--plain", input="yes\n")
    assert result.stdout.splitlines()[1] == "EMERGENCY"
    assert "Question 2" not in result.stderr and "Your answers" not in result.stderr


def test_plain_output_has_no_box_drawing_and_rich_output_has_a_panel():
    """--plain is plain text for screen readers; the default draws a panel."""
    plain = ask("--plain", input="yes\n").stdout
    rich = ask(input="yes\n").stdout
    assert not set("╭│╰─") & set(plain)
    assert "╭" in rich and "EMERGENCY" in rich.splitlines()[0]


def test_a_save_file_in_a_missing_folder_is_refused_before_any_question(tmp_path):
    """--save into a folder that does not exist: exit 2 at once, not after the answers."""
    result = ask("--save", str(tmp_path / "nowhere" / "answers.yaml"), input="no\n")
    assert result.exit_code == 2 and "no such folder" in result.stderr
    assert "Question 1" not in result.stderr


MEDICINES = ("stomach_ulcer_or_bleed", "kidney_disease", "heart_disease_or_stroke",
             "high_blood_pressure", "takes_anticoagulant", "asthma_worse_with_nsaids",
             "nsaid_allergy", "liver_disease")


def test_at_70_every_medicines_question_is_asked_and_none_is_reported_unanswered(
        shipped, ruleset):
    """At 70 with a home plan: all medicines questions asked; no "not answered" hold-back."""
    recurrent = person(age=70, previous_episodes=True, onset="gradual",
                       triggers=("prolonged_sitting_or_posture",))  # no fracture alert
    result = ask("--plain", input=lines(script(shipped, recurrent)) + "\n")
    assert result.exit_code == 0, result.stderr
    for qid in MEDICINES:
        assert ruleset.question_map[qid].text in result.stderr
    assert "Held back for your safety" in result.stdout
    assert "not answered" not in result.stdout


def test_with_a_same_day_sign_no_medicines_question_is_asked(shipped, ruleset):
    """At 70 with a fever (urgent, no home medicines): no medicines question is asked."""
    result = ask("--plain", input=lines(script(shipped, person(age=70, fever=True))) + "\n")
    assert result.exit_code == 0 and "URGENT" in result.stdout
    assert not [qid for qid in MEDICINES if ruleset.question_map[qid].text in result.stderr]


@pytest.mark.parametrize("mode", [["--plain"], []])
@pytest.mark.parametrize("row", [1, 3])
def test_changing_an_answer_at_the_summary_shows_its_summary_number(
        shipped, ruleset, tmp_path, mode, row):
    """Typing 3 at the summary asks row 3 again under "Question 3", not the last number."""
    source = person()
    answers = {qid: source[qid] for qid, _ in script(shipped, source)}
    _, qid, text, _ = flow.summary_rows(ruleset, answers)[row - 1]
    result = ask(*mode, "--resume", str(saved(tmp_path, answers)), input=f"{row}\n\n\n")
    assert result.exit_code == 0, result.stderr
    heading = f"Question {row} (danger signs)"
    assert heading in result.stderr and f"Question {len(answers)}" not in result.stderr
    after = result.stderr.split(heading, 1)[1].split()
    assert after[:4] == text.split()[:4]


def test_going_back_from_a_changed_answer_keeps_it_and_shows_the_summary(shipped, tmp_path):
    """'<' while changing an answer at the summary keeps the old answer."""
    source = person()
    answers = {qid: source[qid] for qid, _ in script(shipped, source)}
    path = saved(tmp_path, answers)
    result = ask("--plain", "--resume", str(path), input="1\n<\n\n")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("Your answers") == 2
    assert yaml.safe_load(path.read_text()) == {
        qid: list(value) if isinstance(value, tuple) else value
        for qid, value in answers.items()}


@pytest.mark.parametrize("typed", ["?", "help"])
def test_a_question_mark_at_the_summary_says_what_can_be_typed(shipped, tmp_path, typed):
    """'?' at the summary explains Enter, the row numbers and '<', then asks again."""
    source = person()
    answers = {qid: source[qid] for qid, _ in script(shipped, source)}
    result = ask("--plain", "--resume", str(saved(tmp_path, answers)), input=f"{typed}\n\n")
    assert result.exit_code == 0, result.stderr
    assert "is not one of the numbers" not in result.stderr
    assert f"Enter to see your plan; a number from 1 to {len(answers)}" in result.stderr


@pytest.mark.parametrize(("where", "message"), [
    ("nowhere/plan.html", "no such folder"),
    ("folder.html", "is a directory"),
])
def test_an_output_that_cannot_be_written_is_refused_before_any_question(
        tmp_path, where, message):
    """--output in a missing folder, or naming a folder: exit 2 at once, nothing asked."""
    (tmp_path / "folder.html").mkdir()
    result = ask("--output", str(tmp_path / where), input="no\n")
    assert result.exit_code == 2 and message in result.stderr
    assert "Question 1" not in result.stderr


def vanishing_folder(monkeypatch, folder: Path, typed: list[str]) -> None:
    """Type these lines; the folder disappears when the summary prompt is shown."""
    feed = iter(typed)

    def read(self, prompt):
        if prompt.startswith("Press Enter to see your plan") and folder.exists():
            folder.rmdir()
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr(Terminal, "read", read)


def test_a_handout_that_fails_at_the_end_keeps_the_plan_and_prints_the_answers(
        shipped, tmp_path, monkeypatch):
    """Without --save: the plan is still printed and the answers come out as YAML to keep."""
    folder = tmp_path / "usb"
    folder.mkdir()
    source = person()
    steps = script(shipped, source)
    vanishing_folder(monkeypatch, folder, [text for _, text in steps] + [""])
    result = ask("--plain", "--output", str(folder / "plan.html"))
    assert result.exit_code == 2
    assert "cannot write the handout" in result.stderr and "SELF-CARE" in result.stdout
    kept = yaml.safe_load(result.stderr.split("--output FILE\n", 1)[1])
    assert kept == {qid: list(v) if isinstance(v, tuple) else v
                    for qid, v in source.items() if qid in dict(steps)}


def test_a_handout_that_fails_at_the_end_points_to_the_saved_answers(
        shipped, tmp_path, monkeypatch):
    """With --save: the plan is printed and the message says where the answers are."""
    folder = tmp_path / "usb"
    folder.mkdir()
    steps = script(shipped, person())
    vanishing_folder(monkeypatch, folder, [text for _, text in steps] + [""])
    save = tmp_path / "answers.yaml"
    result = ask("--plain", "--save", str(save), "--output", str(folder / "plan.html"))
    assert result.exit_code == 2 and "SELF-CARE" in result.stdout
    assert f"your answers are saved in {save}" in result.stderr
    assert len(yaml.safe_load(save.read_text())) == len(steps)


def test_shortened_trigger_words_are_accepted_and_echoed(shipped, tmp_path):
    """'lifting, posture' is taken as the two choices, and the prompt says so."""
    source = person()
    answers = {qid: source[qid] for qid, _ in script(shipped, source) if qid != "triggers"}
    path = saved(tmp_path, answers)
    result = ask("--plain", "--resume", str(path), input="lifting, posture\n\n")
    assert result.exit_code == 0, result.stderr
    assert ("Taken as: Lifting, bending or twisting; Sitting for a long time, or staying in "
            "one position") in result.stderr
    assert yaml.safe_load(path.read_text())["triggers"] == ["lifting_or_bending",
                                                            "prolonged_sitting_or_posture"]


def test_a_number_not_on_the_summary_is_asked_again(shipped, tmp_path):
    """A row number that is not on the summary is named and asked again (a loop variable
    once shadowed the function that names it, so this crashed with exit 70)."""
    source = person()
    answers = {qid: source[qid] for qid, _ in script(shipped, source)}
    result = ask("--plain", "--resume", str(saved(tmp_path, answers)), input="999\n\n")
    assert result.exit_code == 0, result.stderr
    assert f"Sorry, '999' is not one of the numbers 1 to {len(answers)}." in result.stderr
