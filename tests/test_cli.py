"""The command line: exit codes, one-line errors, formats (typer's CliRunner)."""

from __future__ import annotations

import json

import pytest
import yaml
from conftest import RULES, healthy_adult
from rulesets import make_ruleset, rule
from typer.testing import CliRunner

import triage
from triage.cli import app
from triage.errors import ExitStatus

runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def answers_file(tmp_path, answers: dict, name: str = "answers.yaml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(answers), encoding="utf-8")
    return str(path)


def test_run_prints_a_self_care_plan(tmp_path):
    """A complete healthy answer set prints a self-care plan with stretches and the notice."""
    result = run("run", answers_file(tmp_path, healthy_adult()))
    assert result.exit_code == ExitStatus.OK
    assert "SELF-CARE" in result.stdout and "Knee-to-chest stretch" in result.stdout
    assert "This is not a diagnosis" in result.stdout


def test_run_json_follows_the_contract(tmp_path):
    """--format json gives the DESIGN.md keys with the rule set's version and digest."""
    result = run("run", answers_file(tmp_path, healthy_adult()), "--format", "json")
    data = json.loads(result.stdout)
    assert {"urgency", "headline", "advice", "excluded", "findings", "fired_rules",
            "unscreened", "ruleset"} <= set(data)
    assert data["urgency"] == "self_care"
    assert all({"id", "kind", "title", "text"} <= set(a) for a in data["advice"])
    assert all({"id", "title", "evidence"} <= set(r) for r in data["fired_rules"])
    assert set(data["ruleset"]) == {"name", "version", "sha256"}


def test_run_reads_json_from_standard_input():
    """`triage run -` reads JSON (or YAML) from standard input."""
    result = run("run", "-", "--format", "json", input=json.dumps(healthy_adult()))
    assert result.exit_code == 0 and json.loads(result.stdout)["urgency"] == "self_care"


def test_markdown_format(tmp_path):
    """--format markdown gives a handout with headings and the evidence table."""
    result = run("run", answers_file(tmp_path, healthy_adult()), "-f", "markdown")
    assert result.stdout.startswith("# SELF-CARE") and "| rule | evidence |" in result.stdout


def test_wrong_value_is_one_line_naming_the_id_and_allowed_values(tmp_path):
    """A wrong answer value: exit 2, one line naming file:line, id and allowed values."""
    answers = {**healthy_adult(), "leg_weakness": "worse"}
    result = run("run", answers_file(tmp_path, answers))
    assert result.exit_code == ExitStatus.BAD_INPUT
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "answers.yaml:" in lines[0] and "leg_weakness: 'worse' is not allowed" in lines[0]
    assert "none, stable, worsening or not_sure" in lines[0] and "Traceback" not in result.output


def test_unknown_answer_id_suggests_the_right_one(tmp_path):
    """A misspelt answer id is refused with a did-you-mean."""
    answers = healthy_adult()
    answers["fevr"] = answers.pop("fever")
    result = run("run", answers_file(tmp_path, answers))
    assert result.exit_code == 2
    assert "unknown answer id 'fevr' (did you mean 'fever'?)" in result.stderr


def test_missing_danger_signs_are_refused_with_the_list(tmp_path):
    """Unanswered danger signs are never taken as no: exit 2 and the list of ids."""
    answers = {k: v for k, v in healthy_adult().items() if k not in ("fever", "night_pain")}
    result = run("run", answers_file(tmp_path, answers))
    assert result.exit_code == 2
    assert "questions needed for safety not answered: fever, night_pain" in result.stderr


def test_missing_danger_signs_conservatively_are_unscreened_and_not_self_care(tmp_path):
    """--missing conservative lists them as unscreened: at least urgent (checked today),
    with no medicines and no exercise plan."""
    answers = {k: v for k, v in healthy_adult().items() if k != "fever"}
    result = run("run", answers_file(tmp_path, answers), "--missing", "conservative", "-f", "json")
    data = json.loads(result.stdout)
    assert data["unscreened"] == ["fever"] and data["urgency"] == "urgent"
    kinds = {item["kind"] for item in data["advice"]}
    assert not kinds & {"otc", "stretch", "activity", "heat_cold"}


def test_urgency_exit_code_maps_levels(tmp_path):
    """--urgency-exit-code: 0 self-care, 3 routine, 4 urgent, 5 emergency."""
    for change, code in (({}, 0), ({"daily_life_impact": "severe"}, 3), ({"fever": True}, 4),
                         ({"saddle_numbness": True}, 5)):
        result = run("run", answers_file(tmp_path, {**healthy_adult(), **change}),
                     "--urgency-exit-code")
        assert result.exit_code == code, change


def test_locale_picks_the_emergency_number(tmp_path):
    """--locale uk shows 999; an unknown locale is a usage error."""
    path = answers_file(tmp_path, {**healthy_adult(), "saddle_numbness": True})
    assert "call 999" in run("run", path, "--locale", "uk").stdout
    assert "call 911" in run("run", path, "--locale", "us").stdout
    bad = run("run", path, "--locale", "xx")
    assert bad.exit_code == 2 and "unknown locale 'xx'" in bad.stderr


def test_output_file_is_written(tmp_path):
    """-o writes the plan to a file and nothing to standard output."""
    target = tmp_path / "plan.md"
    result = run("run", answers_file(tmp_path, healthy_adult()), "-f", "markdown",
                 "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("# SELF-CARE")


@pytest.mark.parametrize(("content", "message"), [
    ("age: [1, 2\n", "answers.yaml:1:6: an unclosed '['"),
    ("{\"age\": 40,}", "invalid JSON"),
    ("{\"age\": 40, \"age\": 41}", "duplicate key 'age'"),
    ("- just\n- a list\n", "answers must be a mapping"),
    ("age: !!python/object/apply:os.system [ls]\n", "tag not allowed"),
])
def test_malformed_answers_files(tmp_path, content, message):
    """Broken or hostile answers files: exit 2, a message naming the file, no traceback."""
    path = tmp_path / "answers.yaml"
    path.write_text(content, encoding="utf-8")
    result = run("run", str(path))
    assert result.exit_code == 2 and message in result.stderr
    assert "Traceback" not in result.output


def test_a_folder_is_not_an_answers_file(tmp_path):
    """Passing a folder says so, rather than 'no such file'."""
    result = run("run", str(tmp_path))
    assert result.exit_code == 2 and "is a folder, not an answers file" in result.stderr


def test_locale_is_case_insensitive(tmp_path):
    """--locale UK works like --locale uk."""
    path = answers_file(tmp_path, {**healthy_adult(), "saddle_numbness": True})
    assert "call 999" in run("run", path, "--locale", "UK").stdout


def test_missing_answers_file(tmp_path):
    """A path that does not exist: exit 2 and the path."""
    result = run("run", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2 and "nope.yaml: no such answers file" in result.stderr


def test_broken_rule_set_is_reported_as_file_line(tmp_path):
    """--rules with a mistake: exit 2 and file:line for each problem."""
    folder = make_ruleset(tmp_path / "rs", rule("R1", "{fevr: true}", "{urgency: urgent}"))
    result = run("run", answers_file(tmp_path, healthy_adult()), "--rules", str(folder))
    assert result.exit_code == 2
    assert "rules.yaml:5: unknown question id 'fevr' (did you mean 'fever'?)" in result.stderr


def test_questions_prints_the_data_dictionary():
    """`triage questions` lists every answer id with type and allowed values."""
    result = run("questions")
    assert result.exit_code == 0
    assert "* saddle_numbness" in result.stdout and "leg_weakness" in result.stdout
    assert "none | stable | worsening" in result.stdout


def test_questions_json_schema_validates_a_good_answers_file():
    """`triage questions --format json-schema` gives a schema listing every answer id."""
    schema = json.loads(run("questions", "--format", "json-schema").stdout)
    assert set(schema["properties"]) == set(healthy_adult()) | {
        "pregnant", "pregnancy_weeks", "pregnancy_warning_signs", "heart_failure"}
    assert "saddle_numbness" in schema["required"] and "age" not in schema["required"]
    assert schema["properties"]["age"] == {"description": "How old are you?", "type": "integer",
                                           "minimum": 0, "maximum": 120}


def test_no_arguments_shows_help():
    """Plain `triage` shows the commands."""
    result = run()
    assert "run" in result.output and "questions" in result.output


def test_emergency_text_shows_only_the_emergency_plan(tmp_path):
    """With an emergency sign the printed plan has no home care and no held-back list."""
    result = run("run", answers_file(tmp_path, {**healthy_adult(), "saddle_numbness": True}))
    assert "EMERGENCY" in result.stdout and "call 999" in result.stdout
    for absent in ("Stretches", "Held back", "See a GP if", "Medicines from a pharmacy"):
        assert absent not in result.stdout, absent


def test_held_back_medicines_are_named_with_the_reason(tmp_path):
    """A contraindication is shown as what is held back and why."""
    answers = {**healthy_adult(), "takes_anticoagulant": True}
    out = run("run", answers_file(tmp_path, answers)).stdout
    assert "Held back for your safety" in out
    assert "Ibuprofen tablets, Menthol and heat rubs: Takes a blood thinner" in out
    assert "Ask a pharmacist which painkiller is safe for you" in out
    assert "Because:" in out and "you take a blood thinner" in out


def test_a_missing_age_is_refused_by_name(tmp_path):
    """Age is required (a blank could hide a child or a fracture risk): refused, named."""
    answers = {k: v for k, v in healthy_adult().items() if k != "age"}
    result = run("run", answers_file(tmp_path, answers))
    assert result.exit_code == 2 and "not answered: age" in result.stderr


def test_a_missing_optional_answer_is_pointed_out(tmp_path):
    """Questions that apply but were not answered are listed under the headline."""
    answers = {k: v for k, v in healthy_adult().items() if k != "morning_stiffness_minutes"}
    out = run("run", answers_file(tmp_path, answers)).stdout
    assert "Not answered: morning stiffness minutes." in out


def test_run_does_not_list_questions_the_questionnaire_would_skip(tmp_path):
    """An answers file without a question whose answer cannot change the plan (as `triage
    ask` saves it) gives the same plan from `triage run`, with no "Not answered" note for
    it; a question that could change the plan is still listed."""
    import yaml
    from asking import person

    import triage
    from triage.questionnaire import applies, relevant

    engine = triage.engine(RULES)
    answers = person()
    others = {q.id: {k: v for k, v in answers.items() if k != q.id}
              for q in engine.ruleset.questions}
    skippable = [q.id for q in engine.ruleset.questions if not q.danger_sign
                 and applies(q, others[q.id]) and not relevant(engine, q, others[q.id])]
    assert skippable, "the shipped flow skips some question for this person"
    gone = {k: (list(v) if isinstance(v, tuple) else v) for k, v in answers.items()
            if k != skippable[0]}
    path = tmp_path / "saved.yaml"
    path.write_text(yaml.safe_dump(gone), encoding="utf-8")
    result = runner.invoke(app, ["run", str(path), "--rules", str(RULES), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["not_answered"] == []
    needed = {k: v for k, v in gone.items() if k != "duration_days"}
    path.write_text(yaml.safe_dump(needed), encoding="utf-8")
    result = runner.invoke(app, ["run", str(path), "--rules", str(RULES), "-f", "json"])
    assert json.loads(result.stdout)["not_answered"] == ["duration_days"]


def test_ctrl_c_during_a_command_says_so_and_exits_130(monkeypatch, tmp_path):
    """Ctrl-C while a command runs: one line saying it was interrupted, exit 130."""
    import triage.cli.run

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(triage.cli.run, "read_answers", interrupted)
    result = runner.invoke(app, ["run", "-"], input="")
    assert result.exit_code == 130
    assert result.stderr == "triage: interrupted\n"


def test_json_nested_too_deeply_is_bad_input_not_a_bug(tmp_path):
    """A hostile JSON answers file nested 100,000 deep is refused as bad input (exit 2)."""
    path = tmp_path / "deep.json"
    path.write_text('{"age": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    result = runner.invoke(app, ["run", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"triage: error: {path}: invalid JSON: nested too deeply\n"


def test_a_bug_in_a_command_is_one_line_with_the_safety_sentence_and_exit_70(monkeypatch):
    """An unexpected exception: one line saying it is a bug, the danger-sign advice, 70."""
    import triage.cli.run
    from triage.cli.funnel import SAFETY_FALLBACK

    def broken(*args, **kwargs):
        raise ZeroDivisionError

    monkeypatch.setattr(triage.cli.run, "read_answers", broken)
    result = runner.invoke(app, ["run", "-"], input="")
    assert result.exit_code == ExitStatus.INTERNAL_ERROR
    assert result.stderr.startswith("triage: internal error (ZeroDivisionError); this is a bug")
    assert result.stderr.endswith(SAFETY_FALLBACK + "\n")


def test_traceback_lets_an_error_through():
    """--traceback: the error itself comes out, for debugging, not the one-line message."""
    result = runner.invoke(app, ["--traceback", "run", "no-such-file.yaml"])
    assert isinstance(result.exception, triage.TriageError)


def test_commands_write_to_the_streams_they_are_given(tmp_path):
    """The streams passed to the app are the ones written: the result to its stdout, notes
    and errors to its stderr."""
    import io

    from triage.cli.streams import Streams

    out, err = io.StringIO(), io.StringIO()
    streams = Streams(io.StringIO(), out, err, isatty=False)
    result = runner.invoke(app, ["questions", "-f", "json"], obj=streams)
    assert result.exit_code == ExitStatus.OK and result.stdout == ""
    assert json.loads(out.getvalue())[0]["id"]
    result = runner.invoke(app, ["run", str(tmp_path / "absent.yaml")], obj=streams)
    assert result.exit_code == ExitStatus.BAD_INPUT and result.stderr == ""
    assert err.getvalue().startswith("triage: error: ")
