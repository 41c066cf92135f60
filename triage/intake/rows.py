"""The rows of a batch: a JSONL or CSV byte stream read lazily, one response per line.

Row numbers are what a person opening the file sees: for JSONL the line number
(blank lines are skipped but counted); for CSV the spreadsheet row, the header being
row 1, so the first response is row 2. A row that cannot be read (too long, not UTF-8,
broken CSV quoting) is that row's error; the rows after it go on.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from triage.errors import TriageError
from triage.problems import Place, Problem, shown
from triage.records import record

from .files import JsonProblem, json_value


class InputFormat(StrEnum):
    """The formats of batch input (``triage batch --input-format``)."""

    JSONL = "jsonl"
    CSV = "csv"


INPUT_FORMATS = tuple(fmt.value for fmt in InputFormat)
ID_COLUMN = "id"
MAX_ROW_BYTES = 1_000_000
READ_BYTES = 65_536  # read at most this much at a time (a line, if it is shorter)
_LINE_END = re.compile(rb"\r\n|\r|\n")

Record = tuple[int, Any]  # (row number, JSONL line text | CSV cells | problem text)


class BatchInputError(TriageError):
    """The batch input as a whole cannot be read (not a single bad row)."""


class RowError(TriageError):
    """One row cannot be parsed; the batch goes on."""


@record
class Unreadable:
    """A row that cannot be read (too long, not UTF-8, broken CSV quoting): reported as
    that row's error, not parsed; the rows after it go on."""

    problem: str


def input_format(path: str, explicit: str | None = None) -> str:
    """``jsonl`` or ``csv``: the explicit choice, or guessed from the file extension."""
    if explicit is not None:
        if explicit not in INPUT_FORMATS:
            raise BatchInputError(f"unknown input format {shown(explicit)}; choose jsonl or csv")
        return explicit
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        return "jsonl"
    if suffix == ".csv":
        return "csv"
    raise BatchInputError("cannot tell the input format from the file name; pass "
                          "--input-format jsonl or csv", path)


class Records:
    """The rows of a JSONL or CSV byte stream, read lazily.

    Iterating yields (row number, payload); ``header`` holds the CSV header once read
    and ``bytes_read`` how far into the stream reading has got (for a progress bar).
    """

    def __init__(self, stream: IO[bytes], fmt: str, where: str,
                 columns: Collection[str] | None = None) -> None:
        self.stream, self.fmt, self.where = stream, fmt, where
        self.columns = columns  # the answer ids a CSV header may name (None: not checked)
        self.header: tuple[str, ...] | None = None
        self.bytes_read = 0
        self.blank = 0  # blank lines skipped (counted in the row numbers)
        self._line = 0

    def _physical(self) -> Iterator[bytes | int]:
        """Each line's bytes without its end (LF, CRLF, or a lone CR as old Mac files
        have), or the size in bytes of a line over the row limit (its bytes skipped)."""
        buffer, oversize = b"", 0
        while True:
            chunk = self.stream.readline(READ_BYTES)
            self.bytes_read += len(chunk)
            if not buffer and not oversize and chunk.endswith(b"\n") and b"\r" not in chunk:
                yield chunk[:-1]  # the usual case: one whole LF line
                continue
            buffer += chunk
            at = 0
            while (end := _LINE_END.search(buffer, at)) is not None:
                if end.group() == b"\r" and end.end() == len(buffer) and chunk:
                    break  # maybe the CR of a CRLF split between reads
                if oversize:
                    yield oversize + end.start() - at
                    oversize = 0
                else:
                    yield buffer[at:end.start()]
                at = end.end()
            buffer = buffer[at:]
            if len(buffer) > MAX_ROW_BYTES or (oversize and buffer):
                oversize += len(buffer)  # a row over the limit: skipped to its end
                buffer = b""
            if not chunk:
                if oversize or buffer:
                    yield oversize or buffer
                return

    def _lines(self) -> Iterator[str | Unreadable]:
        """Decoded lines (without their ends), or Unreadable for an oversized or undecodable
        one; each counted, so ``self._line`` is the line number of the last one."""
        for data in self._physical():
            self._line += 1
            if isinstance(data, int):
                yield Unreadable(f"row is {data} bytes, more than the limit of {MAX_ROW_BYTES}")
                continue
            if self._line == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]  # a byte-order mark, as spreadsheet exports write
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield Unreadable(f"not UTF-8 text (byte {exc.start + 1} of the line); save the "
                                 "file as UTF-8")

    def __iter__(self) -> Iterator[Record]:
        return self._jsonl() if self.fmt == "jsonl" else self._csv()

    def _jsonl(self) -> Iterator[Record]:
        for line in self._lines():
            if isinstance(line, Unreadable) or line.strip():
                yield self._line, line
            else:
                self.blank += 1

    def _csv(self) -> Iterator[Record]:
        """One response per line: a line whose quoting is broken is that row's error, and
        reading carries on at the next line (a quote never swallows the lines after it,
        so a cell cannot hold a line break)."""
        csv.field_size_limit(MAX_ROW_BYTES)  # a row may be up to the row limit, not 128 kB
        for line in self._lines():
            if isinstance(line, Unreadable):
                if self.header is None:
                    raise BatchInputError(f"the header {line.problem}", self._place())
                yield self._line, line
            elif not line.strip():
                self.blank += 1
            elif self.header is None:
                self.header = self._check_header(self._cells(line, header=True))
            else:
                try:
                    yield self._line, self._cells(line)
                except RowError as exc:
                    yield self._line, Unreadable(exc.message)
        if self.header is None:  # not even a header: nothing to read the rows by
            raise BatchInputError("the file is empty (a CSV file needs a header of answer "
                                  "ids)", Place(self.where))

    def _cells(self, line: str, header: bool = False) -> list[str]:
        try:
            return next(csv.reader([line], strict=True))
        except csv.Error as exc:
            reason = ("a quote is not closed on this line (a cell cannot hold a line break)"
                      if line.count('"') % 2 else str(exc))
            if header:
                raise BatchInputError(f"the header is not valid CSV: {reason}",
                                      self._place()) from None
            raise RowError(f"malformed CSV: {reason}") from None

    def _place(self) -> Place:
        return Place(self.where, self._line)

    def _column(self, cell: str) -> str:
        """The answer id a header cell names, matched like a value: in any letter case,
        with spaces or hyphens for underscores ("Age", "Duration days"); the cell as
        written if it names none."""
        name = "_".join(cell.strip().lower().replace("-", " ").split())
        if name == ID_COLUMN or self.columns is None or name in self.columns:
            return name
        return cell.strip()

    def _check_header(self, cells: list[str]) -> tuple[str, ...]:
        """The column names, once: a problem here would otherwise fail every row."""
        header = tuple(self._column(cell) for cell in cells)
        place = self._place()
        if len(header) == 1 and ";" in header[0]:
            raise BatchInputError("the header is one column with ';' in it: save the file "
                                  "as comma-separated CSV (lists inside a cell use ';')", place)
        problems = []
        for name in sorted({n for n in header if header.count(n) > 1}):
            written = [cell.strip() for cell, column in zip(cells, header, strict=True)
                       if column == name]
            if len(set(written)) == 1:
                problems.append(Problem(place, f"column {shown(name)} appears twice in the "
                                        "header"))
            else:
                problems.append(Problem(place, "columns " + " and ".join(map(shown, written))
                                        + f" both name {shown(name)}"))
        if self.columns is not None:
            problems += [Problem.misspelt(place, f"column {shown(name)} is not an answer id",
                                          name, self.columns)
                         for name in header if name != ID_COLUMN and name not in self.columns]
        if problems:
            raise BatchInputError.of(problems)
        return header


def parse_record(fmt: str, header: tuple[str, ...] | None, record: Record
                 ) -> tuple[Any, dict[str, Any]]:
    """(row id or None, raw answers) of one row; RowError if the row cannot be read."""
    number, payload = record
    if isinstance(payload, Unreadable):
        raise RowError(payload.problem, f"row {number}")
    raw = _jsonl_row(number, payload) if fmt == "jsonl" else _csv_row(number, header, payload)
    row_id = raw.pop(ID_COLUMN, None)
    if row_id is not None and (not isinstance(row_id, (str, int)) or isinstance(row_id, bool)):
        raise RowError("id must be a string or a whole number", f"row {number}")
    return row_id, raw


def _jsonl_row(number: int, line: str) -> dict[str, Any]:
    try:
        raw = json_value(line)
    except JsonProblem as exc:
        column = f" (column {exc.column})" if exc.column else ""
        raise RowError(f"invalid JSON: {exc.reason}{column}", f"row {number}") from None
    if not isinstance(raw, dict):
        raise RowError("expected a JSON object of answers ({\"age\": 38, ...})",
                       f"row {number}")
    return raw


def _csv_row(number: int, header: tuple[str, ...] | None, cells: list[str]) -> dict[str, Any]:
    assert header is not None
    if len(cells) != len(header):
        raise RowError(f"row has {len(cells)} cells but the header has {len(header)}",
                       f"row {number}")
    # an empty cell is an unanswered question; "a;b" is a list, as coerce reads it
    return {name: (cell if cell.strip() else None)
            for name, cell in zip(header, cells, strict=True)}
