"""`triage ask` through typer's CliRunner: prompts, re-prompts, back, summary, saving, handouts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from asking import asked, lines, person, script
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
    done = {qid: source[qid] for qid in asked(steps[:-last])}
    return done, steps[-last:]


def test_a_full_run_with_a_typo_re_prompts_and_gives_the_plan(shipped):
    """A misspelt choice gets a did-you-mean and the question again; the plan follows."""
    steps = script(shipped, person())
    typing = "".join(("smoe\n" if ids == ("daily_life_impact",) else "") + text + "\n"
                     for ids, text in steps)
    result = ask("--plain", input=typing + "\n")
    assert result.exit_code == 0, result.stderr
    assert "'smoe' is not allowed; expected none, some or severe (did you mean 'some'?)" \
        in result.stderr
    assert "SELF-CARE" in result.stdout


def test_a_question_mark_shows_the_help_text(shipped, ruleset):
    """'?' prints the question's help and asks again."""
    result = ask("--plain", input="?\ny n n n\n")
    assert ruleset.question_map["saddle_numbness"].help[:60] in result.stderr
    assert result.exit_code == 0 and "EMERGENCY" in result.stdout


def test_going_back_changes_the_previous_answer():
    """'<' goes back one screen; the new answers replace the old ones."""
    result = ask("--plain", input="n n n n\n<\ny n n n\n")
    assert result.stderr.count("Step 1 of about") == 2
    assert result.exit_code == 0 and "EMERGENCY" in result.stdout


def test_enter_keeps_the_previous_answer_after_going_back():
    """After going back, an empty answer keeps what was given before."""
    result = ask("--plain", input="n n n n\nno\n<\n\n")
    assert "Enter keeps: No, my legs are not weak" in result.stderr
    assert result.stderr.count("Step 2 of about") == 2
    assert "Step 3 of about" in result.stderr


def test_going_back_at_the_first_question_says_so():
    """There is nothing before the first question."""
    result = ask("--plain", input="<\n")
    assert "This is the first question." in result.stderr


def test_an_invalid_menu_number_is_re_asked(ruleset, tmp_path):
    """A number that is not on the menu gets a clear message and the question again."""
    signs = ruleset.danger_signs
    path = saved(tmp_path, dict.fromkeys(signs[:signs.index("leg_weakness")], False))
    result = ask("--plain", "--resume", str(path), input="9\nnone\n")
    assert "9 is not on the list; type a number from 1 to 4" in result.stderr
    assert yaml.safe_load(path.read_text())["leg_weakness"] == "none"


def test_the_summary_lets_a_person_change_an_answer(shipped, ruleset, tmp_path):
    """At the summary, a row number re-asks that question; the plan uses the new answer."""
    source = person()
    done, rest = all_but(shipped, source, 1)
    path = saved(tmp_path, done)
    answers = {**done, **{qid: source[qid] for qid in asked(rest)}}
    number = next(n for n, qid, _, _ in flow.summary_rows(ruleset, answers) if qid == "fever")
    result = ask("--plain", "--resume", str(path), input=lines(rest) + f"{number}\nyes\n\n")
    assert result.exit_code == 0, result.stderr
    assert "Your answers" in result.stderr and "URGENT" in result.stdout
    assert yaml.safe_load(path.read_text())["fever"] is True


def test_eof_part_way_saves_the_answers_and_exits_2(tmp_path):
    """End of input before the end: answers so far saved, one message, no traceback."""
    path = tmp_path / "answers.yaml"
    result = ask("--plain", "--save", str(path), input="n n n ns\nno\n")
    assert result.exit_code == 2
    assert f"your answers are saved in {path}" in result.stderr
    assert "Traceback" not in result.stderr
    assert yaml.safe_load(path.read_text()) == {
        "saddle_numbness": False, "bladder_or_bowel_change": False,
        "sexual_function_change": False, "both_legs_affected": "not_sure",
        "leg_weakness": "none"}


def test_ctrl_c_saves_the_answers_and_exits_130(tmp_path, monkeypatch):
    """Ctrl-C at the third screen: exit 130, the answers of the first two kept."""
    typed = iter(["n n n n", "no"])

    def read(self, prompt):
        try:
            return next(typed)
        except StopIteration:
            raise KeyboardInterrupt from None

    monkeypatch.setattr(Terminal, "read", read)
    path = tmp_path / "answers.yaml"
    result = ask("--save", str(path))
    assert result.exit_code == 130 and "stopped before the end" in result.stderr
    assert len(yaml.safe_load(path.read_text())) == 5


def test_resume_carries_on_and_re_asks_a_bad_saved_value(tmp_path):
    """A saved value that is not allowed is reported and asked again; unknown ids ignored."""
    path = saved(tmp_path, {"saddle_numbness": False, "leg_weakness": "worse", "fevr": False})
    result = ask("--plain", "--resume", str(path), input="")
    assert "leg_weakness: 'worse' is not allowed" in result.stderr
    assert "ignoring unknown answer id 'fevr'" in result.stderr
    assert "Do you have numbness or tingling" not in result.stderr  # answered: not asked
    assert "Step 2 of about" in result.stderr


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
    assert "Step 1" not in result.stderr


def test_an_emergency_is_shown_first_and_nothing_else_is_asked():
    """The emergency advice is the first thing in the plan; no summary, no more questions."""
    result = ask("--plain", input="y n n n\n")
    assert result.stdout.splitlines()[1] == "EMERGENCY"
    assert "Step 2" not in result.stderr and "Your answers" not in result.stderr


def test_plain_output_has_no_box_drawing_and_rich_output_has_a_panel():
    """--plain is plain text for screen readers; the default draws a panel."""
    plain = ask("--plain", input="y n n n\n").stdout
    rich = ask(input="y n n n\n").stdout
    assert not set("╭│╰─") & set(plain)
    assert "╭" in rich and "EMERGENCY" in rich.splitlines()[0]


def test_a_save_file_in_a_missing_folder_is_refused_before_any_question(tmp_path):
    """--save into a folder that does not exist: exit 2 at once, not after the answers."""
    result = ask("--save", str(tmp_path / "nowhere" / "answers.yaml"), input="no\n")
    assert result.exit_code == 2 and "no such folder" in result.stderr
    assert "Step 1" not in result.stderr


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
    """Typing 3 at the summary asks row 3 again under "Changing answer 3"."""
    source = person()
    answers = {qid: source[qid] for qid in asked(script(shipped, source))}
    _, qid, text, _ = flow.summary_rows(ruleset, answers)[row - 1]
    result = ask(*mode, "--resume", str(saved(tmp_path, answers)), input=f"{row}\n\n\n")
    assert result.exit_code == 0, result.stderr
    heading = f"Changing answer {row} (danger signs)"
    assert heading in result.stderr and f"answer {len(answers)}" not in result.stderr
    after = result.stderr.split(heading, 1)[1].split()
    assert after[:4] == text.split()[:4]


def test_going_back_from_a_changed_answer_keeps_it_and_shows_the_summary(shipped, tmp_path):
    """'<' while changing an answer at the summary keeps the old answer."""
    source = person()
    answers = {qid: source[qid] for qid in asked(script(shipped, source))}
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
    answers = {qid: source[qid] for qid in asked(script(shipped, source))}
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
    assert "Step 1" not in result.stderr


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
    ids = asked(steps)
    assert result.exit_code == 2
    assert "cannot write the handout" in result.stderr and "SELF-CARE" in result.stdout
    kept = yaml.safe_load(result.stderr.split("--output FILE\n", 1)[1])
    assert kept == {qid: list(v) if isinstance(v, tuple) else v
                    for qid, v in source.items() if qid in ids}


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
    assert len(yaml.safe_load(save.read_text())) == len(asked(steps))


def test_shortened_trigger_words_are_accepted_and_echoed(shipped, tmp_path):
    """'lifting, posture' is taken as the two choices, and the prompt says so."""
    source = person()
    answers = {qid: source[qid] for qid in asked(script(shipped, source)) if qid != "triggers"}
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
    answers = {qid: source[qid] for qid in asked(script(shipped, source))}
    result = ask("--plain", "--resume", str(saved(tmp_path, answers)), input="999\n\n")
    assert result.exit_code == 0, result.stderr
    assert f"Sorry, '999' is not one of the numbers 1 to {len(answers)}." in result.stderr


def test_save_refuses_a_file_that_is_already_there(tmp_path):
    """--save never replaces answers it did not start: exit 2, naming the file and both
    ways on, before any question; the file is left as it was."""
    path = tmp_path / "answers.yaml"
    path.write_text("age: 40\n", encoding="utf-8")
    result = ask("--plain", "--save", str(path), input="n n n n\n")
    assert result.exit_code == 2
    assert (f"--save {path}: this file is already there, and its answers would be replaced; "
            f"to carry on from them use --resume {path}, or to replace them add --force"
            in result.stderr)
    assert "Step 1" not in result.stderr
    assert path.read_text(encoding="utf-8") == "age: 40\n"


@pytest.mark.parametrize("way", [["--force"], ["--resume", "SAME"]])
def test_save_replaces_or_carries_on_with_force_or_resume(tmp_path, way):
    """--force replaces the file; --resume naming the same file carries on from it."""
    path = tmp_path / "answers.yaml"
    path.write_text("age: 40\n", encoding="utf-8")
    args = [str(path) if arg == "SAME" else arg for arg in way]
    result = ask("--plain", "--save", str(path), *args, input="n n n n\n")
    assert result.exit_code == 2  # the input ended part-way
    kept = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert kept["saddle_numbness"] is False
    assert ("age" in kept) == (way[0] == "--resume")


def test_resume_names_each_value_it_could_not_use(tmp_path):
    """Each saved value not used is named (id, value, why) before the first question."""
    path = saved(tmp_path, {"sex": "male", "pregnant": True, "leg_weakness": "worse",
                            "fevr": False})
    result = ask("--plain", "--resume", str(path), input="")
    notes = result.stderr.split("could not be used", 1)[1]
    assert "leg_weakness: 'worse' is not allowed" in notes
    assert "ignoring unknown answer id 'fevr' (its value no is not used)" in notes
    assert ("pregnant: yes is not used: the question does not apply to the other saved "
            "answers") in notes


@pytest.mark.parametrize(("qid", "before"), [("leg_weakness", 4), ("recent_trauma", 7)])
def test_the_danger_sign_menus_list_not_sure(ruleset, tmp_path, qid, before):
    """The leg weakness and injury menus list "not sure"; its number is taken as not sure."""
    signs = ruleset.danger_signs
    path = saved(tmp_path, dict.fromkeys(signs[:signs.index(qid)], False))
    result = ask("--plain", "--resume", str(path), input="4\n")
    assert "  4. not sure: I am not sure" in result.stderr
    assert yaml.safe_load(path.read_text())[qid] == "not_sure"


def test_a_screen_with_too_few_answers_is_asked_again_and_nothing_is_taken(tmp_path):
    """A line with fewer answers than questions is never read as "no" for the rest."""
    path = tmp_path / "answers.yaml"
    result = ask("--plain", "--save", str(path), input="n n\n")
    assert "2 answers given; please type 4, one for each question, in order" in result.stderr
    assert not path.exists() or not yaml.safe_load(path.read_text())


def test_a_danger_screen_takes_no_none_of_these(tmp_path):
    """'0' or 'none' answers a medicines list, never a screen of danger signs."""
    path = tmp_path / "answers.yaml"
    result = ask("--plain", "--save", str(path), input="none\n0\n")
    assert "1 answer given; please type 4" in result.stderr
    assert not path.exists() or not yaml.safe_load(path.read_text())


def test_an_emergency_sign_inside_a_screen_stops_right_after_it():
    """'yes' to the third sign of the first screen: the emergency plan, no second screen."""
    result = ask("--plain", input="n n y n\n")
    assert result.exit_code == 0 and "EMERGENCY" in result.stdout
    assert "Step 2" not in result.stderr
