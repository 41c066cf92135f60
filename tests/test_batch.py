"""`triage batch`: many responses in, one result per row out, bad rows kept apart."""

from __future__ import annotations

import csv
import io
import itertools
import json
import pickle

import pytest
from conftest import RULES, healthy_adult
from typer.testing import CliRunner

import triage
from triage import batch
from triage.cli import app
from triage.clinician.sampling import random_answers
from triage.engine import Engine
from triage.errors import ExitStatus
from triage.intake.rows import Records

runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, ["batch", *args], input=input)


def plain(answers: dict) -> dict:
    """Answers as JSON holds them (lists, not tuples)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}


def jsonl(rows: list[dict]) -> str:
    return "".join(json.dumps(row) + "\n" for row in rows)


def write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def to_csv(rows: list[dict]) -> str:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = []
        for column in columns:
            value = row.get(column)
            if isinstance(value, bool):
                value = "yes" if value else "no"
            elif isinstance(value, (list, tuple)):
                value = ";".join(value)
            cells.append("" if value is None else value)
        writer.writerow(cells)
    return buffer.getvalue()


def outputs(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def emergency() -> dict:
    return {**healthy_adult(), "saddle_numbness": True}


def test_a_bad_row_gets_an_error_object_and_the_rest_go_on(tmp_path):
    """The middle row has a wrong value: it reports row and answer id; rows 1 and 3 are
    triaged; exit 2."""
    rows = [healthy_adult(), {**healthy_adult(), "leg_weakness": "worse"}, emergency()]
    result = run(write(tmp_path, "in.jsonl", jsonl(rows)))
    assert result.exit_code == ExitStatus.BAD_INPUT
    first, bad, last = outputs(result)
    assert first["urgency"] == "self_care" and last["urgency"] == "emergency"
    assert bad["row"] == 2 and "leg_weakness" in bad["error"] and "worsening" in bad["error"]
    assert "urgency" not in bad


def test_output_is_in_input_order_with_row_numbers_and_ids(tmp_path):
    """Each output line carries its input row number and id, in input order."""
    rows = [{**(emergency() if i % 2 else healthy_adult()), "id": f"p{i}"} for i in range(5)]
    result = run(write(tmp_path, "in.jsonl", jsonl(rows)))
    assert [(o["row"], o["id"]) for o in outputs(result)] == [(i + 1, f"p{i}")
                                                               for i in range(5)]
    assert [o["urgency"] for o in outputs(result)] == ["self_care", "emergency"] * 2 + [
        "self_care"]


def test_each_line_is_the_run_json_object_plus_row_and_id(tmp_path):
    """A batch line holds what `triage run --format json` prints, plus row and id."""
    result = run(write(tmp_path, "in.jsonl", jsonl([healthy_adult()])))
    single = json.loads(runner.invoke(app, ["run", "-", "-f", "json"],
                                      input=json.dumps(healthy_adult())).stdout)
    assert outputs(result) == [{**single, "row": 1, "id": None}]


def test_jsonl_row_numbers_are_line_numbers(tmp_path):
    """Blank lines are skipped but counted, so a row number is the line to open."""
    text = "\n" + json.dumps(healthy_adult()) + "\n\n" + "[1, 2]\n"
    result = run(write(tmp_path, "in.jsonl", text))
    good, bad = outputs(result)
    assert good["row"] == 2 and bad["row"] == 4 and "JSON object" in bad["error"]


def test_invalid_json_row_is_reported_with_its_row(tmp_path):
    """A line that is not JSON is an error row naming the problem."""
    result = run(write(tmp_path, "in.jsonl", '{"age": 38,\n'))
    assert outputs(result)[0]["error"].startswith("row 1: invalid JSON")


def test_jobs_1_and_2_give_identical_output():
    """Worker processes change nothing: same bytes, same order, errors included."""
    rows = [plain(a) for a in itertools.islice(random_answers(triage.ruleset(RULES), 5), 40)]
    rows[7]["age"] = "old"
    text = jsonl(rows).encode("utf-8")
    settings = batch.Settings(rules=str(RULES))

    def lines(jobs: int) -> list[batch.Line]:
        records = Records(io.BytesIO(text), "jsonl", "in.jsonl")
        return list(batch.triage_records(records, settings, jobs=jobs, chunk_rows=6))
    one = lines(1)
    assert lines(2) == one
    assert [json.loads(line)["row"] for line, _ in one] == list(range(1, 41))


def test_csv_and_jsonl_give_the_same_results(tmp_path):
    """The same answers as CSV (lists as a;b, yes/no, blanks) and as JSONL: same results."""
    rows = [plain(a) for a in itertools.islice(random_answers(triage.ruleset(RULES), 9), 12)]
    rows[3]["pain_severity"] = None  # a blank cell: unanswered
    from_jsonl = outputs(run(write(tmp_path, "in.jsonl", jsonl(rows))))
    from_csv = outputs(run(write(tmp_path, "in.csv", to_csv(rows))))
    assert [o["row"] for o in from_csv] == list(range(2, 14))  # the header is row 1
    assert [{**o, "row": 0} for o in from_csv] == [{**o, "row": 0} for o in from_jsonl]


def test_csv_id_column_is_carried(tmp_path):
    """An `id` column is not an answer: it comes back with the row's result."""
    text = to_csv([{"id": "A-17", **healthy_adult()}, {"id": "", **emergency()}])
    first, second = outputs(run(write(tmp_path, "in.csv", text)))
    assert first["id"] == "A-17" and first["urgency"] == "self_care"
    assert second["id"] is None and second["urgency"] == "emergency"


def test_unknown_column_is_one_header_error_with_did_you_mean(tmp_path):
    """A misspelt column is reported once, at the header, suggesting the right id: every
    row would fail on it, so nothing is triaged."""
    text = to_csv([healthy_adult()] * 3).replace("saddle_numbness", "sadle_numbness", 1)
    result = run(write(tmp_path, "in.csv", text))
    assert result.exit_code == ExitStatus.BAD_INPUT and result.stdout == ""
    assert result.stderr == (f"triage: error: {tmp_path / 'in.csv'}:1: column "
                             "'sadle_numbness' is not an answer id (did you mean "
                             "'saddle_numbness'?)\n")


def test_id_column_is_found_whatever_its_case(tmp_path):
    """An `ID` or `Id` column is the row id, as `id` is."""
    text = to_csv([{"ID": "p-1", **healthy_adult()}])
    (line,) = outputs(run(write(tmp_path, "in.csv", text)))
    assert line["id"] == "p-1" and line["urgency"]


@pytest.mark.parametrize("column", ["Age", "AGE", " age ", "Duration days", "duration-days",
                                    "Duration_Days"])
def test_a_column_is_matched_like_a_value(tmp_path, column):
    """A header names an answer id in any letter case, with spaces or hyphens for
    underscores, as a spreadsheet's headings are written."""
    answers = {**healthy_adult(), "duration_days": 10}
    header, row = to_csv([answers]).splitlines()
    qid = "age" if column.strip().lower() == "age" else "duration_days"
    cells = [column if name == qid else name for name in header.split(",")]
    (line,) = outputs(run(write(tmp_path, "in.csv", ",".join(cells) + "\n" + row + "\n")))
    assert "error" not in line and line["urgency"]


def test_two_columns_naming_one_id_are_one_header_error(tmp_path):
    """"Age" and "age" both name age: refused at the header, naming both columns."""
    header, row = to_csv([healthy_adult()]).splitlines()
    text = "Age," + header + "\n" + "38," + row + "\n"
    result = run(write(tmp_path, "in.csv", text))
    assert result.exit_code == ExitStatus.BAD_INPUT and result.stdout == ""
    assert "columns 'Age' and 'age' both name 'age'" in result.stderr


def test_a_csv_list_cell_takes_commas(tmp_path):
    """A quoted cell "lifting_or_bending, dehydration" is a list, as "a;b" is."""
    answers = {**healthy_adult(), "triggers": "lifting_or_bending;dehydration"}
    text = to_csv([answers])
    assert "lifting_or_bending;dehydration" in text
    with_commas = text.replace("lifting_or_bending;dehydration",
                               '"lifting_or_bending, dehydration"')
    semicolons = outputs(run(write(tmp_path, "a.csv", text)))
    commas = outputs(run(write(tmp_path, "b.csv", with_commas)))
    assert commas == semicolons and "error" not in commas[0]


def test_semicolon_separated_csv_gets_a_hint(tmp_path):
    """A CSV saved with ';' between columns (some spreadsheet locales) is refused once,
    saying how to save it."""
    text = to_csv([healthy_adult()]).replace(",", ";")
    result = run(write(tmp_path, "in.csv", text))
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert "save the file as comma-separated CSV" in result.stderr


def test_rows_that_cannot_be_read_are_error_rows_and_the_rest_go_on(tmp_path):
    """A row in another encoding, a row with broken quoting, and a JSON row nested too
    deeply are each that row's error; the rows after them are triaged."""
    good = to_csv([healthy_adult()]).splitlines()[1]
    header = to_csv([healthy_adult()]).splitlines()[0]
    latin = (good.replace("male", "m\xe4le", 1) + "\n").encode("latin-1")
    broken = ('"unclosed' + good[good.index(","):] + "\n").replace('"unclosed,', '"x"y,', 1)
    path = tmp_path / "in.csv"
    path.write_bytes((header + "\n" + good + "\n").encode() + latin
                     + (broken + good + "\n").encode())
    lines = outputs(run(str(path)))
    assert [line.get("urgency", "error") for line in lines] == [
        "self_care", "error", "error", "self_care"]
    assert "not UTF-8" in lines[1]["error"] and "malformed CSV" in lines[2]["error"]
    deep = write(tmp_path, "deep.jsonl", '{"x": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
                 + jsonl([healthy_adult()]))
    result = run(deep)
    first, second = outputs(result)
    assert "nested too deeply" in first["error"] and second["urgency"] == "self_care"
    assert result.exit_code == ExitStatus.BAD_INPUT


def test_a_long_csv_cell_within_the_row_limit_is_read(tmp_path):
    """A 500 kB free-text cell (under the 1 MB row limit) does not stop the batch."""
    rows = [{**healthy_adult(), "id": "x" * 500_000}, {**healthy_adult(), "id": "short"}]
    lines = outputs(run(write(tmp_path, "in.csv", to_csv(rows))))
    assert [line["id"][:5] for line in lines] == ["xxxxx", "short"]


def test_a_missing_input_file_is_named_as_missing(tmp_path):
    """A file that does not exist is reported as such, whatever its extension."""
    result = run(str(tmp_path / "responses.txt"))
    assert result.exit_code == ExitStatus.BAD_INPUT
    assert "responses.txt: no such file" in result.stderr


def test_csv_row_with_wrong_number_of_cells_is_an_error_row(tmp_path):
    """A short row is reported, not read as unanswered questions."""
    text = to_csv([healthy_adult()]) + "38,male\n"
    good, bad = outputs(run(write(tmp_path, "in.csv", text)))
    assert "urgency" in good and bad["row"] == 3 and "cells" in bad["error"]


def test_empty_file_gives_no_output_and_exit_0(tmp_path):
    """Nothing in, nothing out, and the summary says 0 rows."""
    result = run(write(tmp_path, "in.jsonl", ""))
    assert result.exit_code == 0 and result.stdout == ""
    assert "0 rows" in result.stderr


def test_header_only_csv_gives_just_the_csv_header(tmp_path):
    """A CSV with a header and no responses: exit 0, the summary CSV has only its header."""
    result = run(write(tmp_path, "in.csv", "age,sex\n"), "--format", "csv")
    assert result.exit_code == 0 and result.stdout == ",".join(batch.CSV_COLUMNS) + "\n"


def test_csv_output_has_one_summary_row_per_response(tmp_path):
    """--format csv: row, id, urgency, headline, advice ids, exclusions, unscreened, error."""
    rows = [{**healthy_adult(), "id": "x"}, {**healthy_adult(), "age": -1, "id": "y"}]
    result = run(write(tmp_path, "in.jsonl", jsonl(rows)), "--format", "csv")
    table = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["row"] for row in table] == ["1", "2"] and table[0]["id"] == "x"
    assert table[0]["urgency"] == "self_care" and "stretch.knee_to_chest" in table[0]["advice"]
    assert table[1]["urgency"] == "" and "age" in table[1]["error"]


def test_standard_input_with_input_format():
    """`-` reads standard input; the format must then be given."""
    result = run("-", "--input-format", "csv", input=to_csv([healthy_adult()]))
    assert outputs(result)[0]["urgency"] == "self_care"
    refused = run("-", input="")
    assert refused.exit_code == ExitStatus.BAD_INPUT and "--input-format" in refused.stderr


def test_summary_goes_to_standard_error_and_no_progress_bar_off_a_terminal(tmp_path):
    """Off a terminal, standard error holds only the one-line summary."""
    rows = [healthy_adult(), emergency(), emergency(), {"age": 200}]
    result = run(write(tmp_path, "in.jsonl", jsonl(rows)))
    assert result.stderr == ("triage: batch: 4 rows: 2 emergency, 0 urgent, 0 routine, "
                             "1 self_care, 1 error\n")


def test_missing_conservative_triages_rows_with_unanswered_danger_signs(tmp_path):
    """Like `triage run`: refuse by default; with conservative, list them as unscreened."""
    answers = {**healthy_adult(), "fever": None}
    path = write(tmp_path, "in.jsonl", jsonl([answers]))
    assert "fever" in outputs(run(path))[0]["error"]
    result = outputs(run(path, "--missing", "conservative"))[0]
    assert result["unscreened"] == ["fever"] and result["urgency"] != "self_care"


def test_output_file_option(tmp_path):
    """-o writes the results to a file; standard output stays empty."""
    out = tmp_path / "out.jsonl"
    result = run(write(tmp_path, "in.jsonl", jsonl([healthy_adult()])), "-o", str(out))
    assert result.stdout == "" and json.loads(out.read_text())["urgency"] == "self_care"


@pytest.mark.parametrize(("name", "message"), [
    ("missing.jsonl", "no such file"),
    ("answers.txt", "--input-format"),
])
def test_unreadable_input_is_one_error_line_and_exit_2(tmp_path, name, message):
    """A missing file or an unknown extension: one error line, exit 2, no traceback."""
    if name.endswith(".txt"):
        write(tmp_path, name, "{}\n")
    result = run(str(tmp_path / name))
    assert result.exit_code == ExitStatus.BAD_INPUT and message in result.stderr
    assert result.stderr.startswith("triage: error:")


def test_a_bug_in_one_row_is_loud_but_does_not_stop_the_batch(tmp_path, monkeypatch):
    """An unexpected exception becomes an 'internal error' row; the batch ends with 70."""
    real = Engine.run

    def flaky(self, answers):
        if answers.get("age") == 41:
            raise KeyError("boom")
        return real(self, answers)
    monkeypatch.setattr(Engine, "run", flaky)
    rows = [healthy_adult(), {**healthy_adult(), "age": 41}, healthy_adult()]
    result = run(write(tmp_path, "in.jsonl", jsonl(rows)))
    first, bug, last = outputs(result)
    assert "internal error" in bug["error"] and "urgency" in first and "urgency" in last
    assert result.exit_code == ExitStatus.INTERNAL_ERROR and "internal" in result.stderr


def test_rows_are_read_lazily():
    """The first results come out before the input has been read to the end."""
    class Endless(io.RawIOBase):
        line = (json.dumps(healthy_adult()) + "\n").encode()

        def readline(self, size: int = -1) -> bytes:
            return self.line

    records = Records(Endless(), "jsonl", "endless")  # type: ignore[arg-type]
    lines = batch.triage_records(records, batch.Settings(rules=str(RULES)))
    assert len(list(itertools.islice(lines, 3))) == 3


def test_results_and_answers_pickle():
    """A Result and its inputs survive pickling (for Dask, Spark or multiprocessing)."""
    answers = healthy_adult()
    result = triage.triage(answers, rules=RULES)
    copy = pickle.loads(pickle.dumps(result))
    assert copy == result and copy.to_dict() == result.to_dict()
    assert pickle.loads(pickle.dumps(answers)) == answers
    checked = triage.check_answers(triage.ruleset(RULES), answers)
    assert pickle.loads(pickle.dumps(checked)) == checked


def test_readme_python_example_prints_what_its_comments_say(monkeypatch, capsys):
    """The 'Using it from Python' example runs, and prints the values in its comments."""
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = readme.split("### Using it from Python", 1)[1].split("```python\n", 1)[1]
    code = code.split("```", 1)[0]
    monkeypatch.chdir(ROOT)
    exec(compile(code, "README.md", "exec"), {})
    expected = [line.split("# ", 1)[1].split(" (", 1)[0] for line in code.splitlines()
                if line.startswith("print(")]
    assert capsys.readouterr().out.splitlines() == expected


def test_command_line_with_two_jobs_matches_one_job():
    """The real command (`python -m triage batch -j 2`, worker processes spawned)
    prints the same bytes as `-j 1`."""
    import subprocess
    import sys

    rows = [plain(a) for a in itertools.islice(random_answers(triage.ruleset(RULES), 3), 30)]
    text = jsonl([*rows, {"age": "x"}])
    outputs = [subprocess.run([sys.executable, "-m", "triage", "batch", "-", "--input-format",
                               "jsonl", "-j", jobs], input=text, capture_output=True,
                              text=True, timeout=120) for jobs in ("1", "2")]
    assert outputs[0].returncode == outputs[1].returncode == ExitStatus.BAD_INPUT
    assert outputs[0].stdout == outputs[1].stdout and outputs[0].stdout.count("\n") == 31


def test_a_partial_row_gives_what_triage_run_gives(tmp_path):
    """A row with some answers left out gives the same result, not_answered included, as
    `triage run` on the same answers."""
    partial = {k: v for k, v in plain(healthy_adult()).items()
               if k not in ("duration_days", "muscle_spasms", "better_with_movement")}
    result = run(write(tmp_path, "in.jsonl", jsonl([partial])))
    single = json.loads(runner.invoke(app, ["run", "-", "-f", "json"],
                                      input=json.dumps(partial)).stdout)
    assert single["not_answered"], "the example leaves out a question that matters"
    assert outputs(result) == [{**single, "row": 1, "id": None}]


@pytest.mark.parametrize("row_id", ['=HYPERLINK("http://x.example","click")', "+1+1",
                                    "-2+3", "@SUM(A1:A2)", "\tx", "\rx"])
def test_csv_output_cells_that_look_like_formulas_are_shown_as_text(tmp_path, row_id):
    """An id a spreadsheet would run as a formula comes back with a leading ' (OWASP's
    advice), in the id column and wherever else it is echoed; it was written verbatim."""
    rows = [{**healthy_adult(), "id": row_id}, {**healthy_adult(), "id": row_id, "age": -1}]
    result = run(write(tmp_path, "in.jsonl", jsonl(rows)), "--format", "csv")
    table = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert [row["id"] for row in table] == ["'" + row_id] * 2
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r"))
                   for row in table for cell in row.values())
