"""Every input row is accounted for: one bad row never swallows the rows after it, row
numbers stay the lines a person sees, and the summary adds up to the lines read."""

from __future__ import annotations

import io
import json

from conftest import RULES, healthy_adult
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from triage.cli import app
from triage.errors import ExitStatus, TriageError
from triage.intake import rows

runner = CliRunner()
FUZZ = settings(max_examples=300, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
COLUMNS = list(healthy_adult())


def cell(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return ";".join(value) if isinstance(value, list) else str(value)


GOOD = ",".join(cell(value) for value in healthy_adult().values())
HEADER = ",".join(COLUMNS)


def batch_csv(tmp_path, text: str, *args: str):
    path = tmp_path / "in.csv"
    path.write_bytes(text.encode("utf-8"))
    return runner.invoke(app, ["batch", str(path), "--rules", str(RULES), *args])


def outputs(result) -> list[dict]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_an_unclosed_quote_is_one_rows_error_and_every_later_row_is_triaged(tmp_path):
    """A quote left open on row 11 is that row's error; the 289 rows after it are triaged
    with their own row numbers (the open quote swallowed the rest of the file, up to a
    megabyte: 6,000 rows in, 77 out, '1 error')."""
    rows = [GOOD] * 300
    rows[9] = '"' + GOOD
    result = batch_csv(tmp_path, HEADER + "\n" + "\n".join(rows) + "\n")
    lines = outputs(result)
    assert [line["row"] for line in lines] == list(range(2, 302))
    errors = [line for line in lines if "error" in line]
    assert [line["row"] for line in errors] == [11]
    assert "a quote is not closed on this line" in errors[0]["error"]
    assert result.stderr == ("triage: batch: 300 rows: 0 emergency, 0 urgent, 0 routine, "
                             "299 self_care, 1 error\n")


def test_a_broken_quote_in_the_header_refuses_the_file_at_line_1(tmp_path):
    """The header's open quote would swallow every row: the file is refused, saying where
    and why, and nothing is written."""
    result = batch_csv(tmp_path, '"' + HEADER + "\n" + (GOOD + "\n") * 50)
    assert result.exit_code == ExitStatus.BAD_INPUT and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.endswith("in.csv:1: the header is not valid CSV: a quote is not closed on "
                         "this line (a cell cannot hold a line break)")


def test_old_mac_line_endings_are_lines(tmp_path):
    """A file with CR-only line endings gives one result per row, numbered as lines (it
    was read as one row)."""
    result = batch_csv(tmp_path, "\r".join([HEADER] + [GOOD] * 50) + "\r")
    assert [line["row"] for line in outputs(result)] == list(range(2, 52))
    assert result.exit_code == 0


def test_blank_lines_are_counted_in_the_summary(tmp_path):
    """Rows plus blank lines plus the header are the lines read."""
    result = batch_csv(tmp_path, HEADER + "\n\n" + GOOD + "\n\n\n" + GOOD + "\n")
    assert [line["row"] for line in outputs(result)] == [3, 6]
    assert result.stderr.startswith("triage: batch: 2 rows (3 blank lines skipped): ")


# ------------------------------------------------------------------ fuzzing the readers

NO_LINE_END = st.characters(blacklist_characters="\r\n", blacklist_categories=["Cs"])
TEXT_LINE = st.one_of(
    st.text(NO_LINE_END, max_size=30),
    st.text(st.sampled_from('a,"; x'), max_size=12),  # quoting gone wrong, often
    st.just(""), st.just("   "),
)
BYTES_LINE = st.binary(max_size=12).filter(lambda data: b"\r" not in data and b"\n" not in data)
LINE = st.one_of(TEXT_LINE.map(lambda text: text.encode("utf-8")), BYTES_LINE)
FILE = st.tuples(st.lists(LINE, max_size=25), st.sampled_from([b"\n", b"\r\n", b"\r"]),
                 st.booleans())


def expected_rows(lines: list[bytes], first: int) -> list[int]:
    """The line numbers (from ``first``) that are rows: every line but the blank ones."""
    numbers = []
    for number, data in enumerate(lines, 1):
        if number == 1:
            data = data.removeprefix(b"\xef\xbb\xbf")  # a byte-order mark is not text
        try:
            blank = not data.decode("utf-8").strip()
        except UnicodeDecodeError:
            blank = False
        if number >= first and not blank:
            numbers.append(number)
    return numbers


def file_bytes(lines: list[bytes], end: bytes, last_end: bool) -> tuple[bytes, list[bytes]]:
    """The file's bytes, and its lines (an empty last line with no end is no line)."""
    data = end.join(lines) + (end if last_end and lines else b"")
    if lines and not last_end and not lines[-1]:
        lines = lines[:-1]
    return data, lines


@FUZZ
@given(FILE)
def test_jsonl_reader_gives_every_non_blank_line_once_in_order(file):
    """Any bytes, any line endings: each non-blank line is one record, numbered by its line,
    in order; each is triaged or is that row's error."""
    data, lines = file_bytes(*file)
    records = rows.Records(io.BytesIO(data), "jsonl", "in.jsonl")
    got = list(records)
    assert [number for number, _ in got] == expected_rows(lines, 1)
    assert records.blank + len(got) == len(lines)
    for record in got:
        try:
            rows.parse_record("jsonl", None, record)
        except TriageError:
            pass


@FUZZ
@given(FILE)
def test_csv_reader_gives_every_non_blank_line_once_in_order(file):
    """After a good header, each non-blank line is one record numbered by its line, in
    order, whatever quoting or bytes it holds; the counts add up to the lines."""
    data, lines = file_bytes([b"age,sex", *file[0]], *file[1:])
    records = rows.Records(io.BytesIO(data), "csv", "in.csv")
    got = list(records)
    assert [number for number, _ in got] == expected_rows(lines, 2)
    assert 1 + records.blank + len(got) == len(lines)
    for record in got:
        try:
            rows.parse_record("csv", records.header, record)
        except TriageError:
            pass


def test_a_row_over_the_size_limit_is_its_own_error_and_the_next_row_is_read(tmp_path):
    """A 1.2 MB line is row 1's error; row 2 is triaged."""
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "' + "x" * 1_200_000 + '"}\n' + json.dumps(healthy_adult()) + "\n",
                    encoding="utf-8")
    first, second = outputs(runner.invoke(app, ["batch", str(path), "--rules", str(RULES)]))
    assert first["row"] == 1 and "more than the limit" in first["error"]
    assert second["row"] == 2 and second["urgency"] == "self_care"
