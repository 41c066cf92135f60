"""Triage many answer sets at once: a JSONL or CSV file in, one result per row out.

Streaming throughout: rows are read one at a time, results are written in input order
as soon as they are ready, and at most a few chunks are in flight, so memory stays
flat whatever the file size.

Row numbers are what a person opening the file sees: for JSONL the line number
(blank lines are skipped but counted); for CSV the spreadsheet row, the header being
row 1, so the first response is row 2.

A row with bad input becomes an error object naming the row and the problem; the
other rows go on. A bug hit by one row (an unexpected exception) does not stop the
batch either, but the row says "internal error" and the batch ends with exit 70.
With ``jobs > 1`` the rows are triaged in worker processes (spawned, each building
the engine once); the output is identical to ``jobs == 1``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Collection, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import api
from .answers import check_answers
from .engine import Engine
from .errors import ExitStatus, Terminated, TriageError, did_you_mean, shown
from .model import Result, Urgency
from .questionnaire import final_result
from .sources import JsonProblem, json_value

if TYPE_CHECKING:
    from concurrent.futures import Future

INPUT_FORMATS = ("jsonl", "csv")
OUTPUT_FORMATS = ("jsonl", "csv")
CSV_COLUMNS = ("row", "id", "urgency", "headline", "advice", "excluded", "unscreened", "error")
ID_COLUMN = "id"
MAX_ROW_BYTES = 1_000_000
READ_BYTES = 65_536  # read at most this much at a time (a line, if it is shorter)
_LINE_END = re.compile(rb"\r\n|\r|\n")
CHUNK_ROWS = 128  # rows per task sent to a worker process
IN_FLIGHT_PER_JOB = 3  # chunks queued per worker: keeps workers busy, memory bounded
ERROR = "error"
INTERNAL = "internal"

Record = tuple[int, Any]  # (row number, JSONL line text | CSV cells | problem text)


class BatchInputError(TriageError):
    """The batch input as a whole cannot be read (not a single bad row)."""


class RowError(TriageError):
    """One row cannot be parsed; the batch goes on."""


@dataclass(frozen=True)
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

    def _place(self) -> str:
        return f"{self.where}:{self._line}"

    def _check_header(self, cells: list[str]) -> tuple[str, ...]:
        """The column names, once: a problem here would otherwise fail every row."""
        header = tuple(ID_COLUMN if cell.strip().lower() == ID_COLUMN else cell.strip()
                       for cell in cells)
        place = self._place()
        if len(header) == 1 and ";" in header[0]:
            raise BatchInputError("the header is one column with ';' in it: save the file "
                                  "as comma-separated CSV (lists inside a cell use ';')", place)
        problems = [f"column {shown(name)} appears twice in the header"
                    for name in sorted({n for n in header if header.count(n) > 1})]
        if self.columns is not None:
            problems += [f"column {shown(name)} is not an answer id"
                         f"{did_you_mean(name, self.columns)}"
                         for name in header if name != ID_COLUMN and name not in self.columns]
        if problems:
            raise BatchInputError("\n".join(f"{place}: {problem}" for problem in problems))
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


@dataclass(frozen=True)
class Settings:
    """How every row is triaged and written; picklable, sent once to each worker."""

    rules: str | None = None
    missing: str = "refuse"
    locale: str | None = None
    input_format: str = "jsonl"
    output_format: str = "jsonl"


Line = tuple[str, str]  # (output text with its newline, urgency value | "error" | "internal")


class RowTriage:
    """Turns rows into output lines with one compiled engine (one per process)."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine if engine is not None else api.engine(settings.rules)

    def __call__(self, header: tuple[str, ...] | None, records: list[Record]) -> list[Line]:
        return [self.one(header, record) for record in records]

    def one(self, header: tuple[str, ...] | None, record: Record) -> Line:
        """The output line of one row; never raises for a bad row or a bug."""
        number, row_id = record[0], None
        try:
            row_id, raw = parse_record(self.settings.input_format, header, record)
            checked = check_answers(self.engine.ruleset, raw, source=f"row {number}",
                                    missing=self.settings.missing)
            result = final_result(self.engine, checked.values, locale=self.settings.locale)
        except TriageError as exc:
            return self._error(number, row_id, "; ".join(str(exc).splitlines())), ERROR
        except Exception as exc:  # a bug: this row says so loudly, the batch goes on
            return self._error(number, row_id, f"row {number}: internal error "
                               f"({type(exc).__name__}); this is a bug, please report it"
                               ), INTERNAL
        return self._result(number, row_id, result), result.urgency.value

    def _error(self, number: int, row_id: Any, message: str) -> str:
        if self.settings.output_format == "csv":
            return csv_line([number, _text(row_id), "", "", "", "", "", message])
        return json_line({"row": number, "id": row_id, "error": message})

    def _result(self, number: int, row_id: Any, result: Result) -> str:
        if self.settings.output_format == "csv":
            return csv_line([number, _text(row_id), result.urgency.value, result.headline,
                             ";".join(item.id for item in result.advice),
                             ";".join(dict.fromkeys(item.id for item in result.excluded)),
                             ";".join(result.unscreened), ""])
        return json_line({**result.to_dict(), "row": number, "id": row_id})


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def json_line(obj: dict[str, Any]) -> str:
    """One compact JSON object per line, keys sorted (byte-identical across runs)."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: CSV injection


def csv_line(cells: list[Any]) -> str:
    """One CSV line; a text cell a spreadsheet would read as a formula (an id such as
    ``=HYPERLINK(...)``, ``+1+1`` or ``@SUM(...)``) gets a leading ``'``, as OWASP
    recommends, so it is shown as text and never run."""
    cells = ["'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell
             for cell in cells]
    # csv quotes a cell holding "\n" (the line end) but not one holding "\r", which CSV
    # readers take as a line end too: such a line has every cell quoted.
    quote_all = any(isinstance(cell, str) and "\r" in cell for cell in cells)
    buffer = io.StringIO()
    writer = (csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL) if quote_all
              else csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL))
    writer.writerow(cells)
    return buffer.getvalue()


def csv_header() -> str:
    return csv_line(list(CSV_COLUMNS))


def _chunks(records: Records, size: int) -> Iterator[list[Record]]:
    chunk: list[Record] = []
    for record in records:
        chunk.append(record)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_worker: RowTriage | None = None
PARENT_POLL = 0.2  # seconds between a worker's checks that its parent is still there


def _init_worker(settings: Settings, parent: int) -> None:
    """Build this worker's engine once. Ctrl-C and SIGTERM are the parent's to handle: it
    stops the pool, so the workers do not each print a traceback. If the parent dies
    (even by SIGKILL, which it cannot handle), the worker exits too."""
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True,
                     name="triage-watch-parent").start()
    global _worker
    _worker = RowTriage(settings)


def _exit_with_parent(parent: int) -> None:
    """Once the parent is gone (this process is adopted by another), nobody will read the
    results: exit at once rather than work on, holding the terminal's standard error."""
    import os
    import time

    while os.getppid() == parent:
        time.sleep(PARENT_POLL)
    os._exit(1)


def _work(header: tuple[str, ...] | None, records: list[Record]) -> list[Line]:
    assert _worker is not None
    return _worker(header, records)


class WorkerDied(TriageError):
    """A worker process died while triaging some rows; the rows before them are done."""

    def __init__(self, message: str, status: ExitStatus) -> None:
        super().__init__(message, place="batch")
        self.exit_status = status


def triage_records(records: Records, settings: Settings, jobs: int = 1,
                   chunk_rows: int = CHUNK_ROWS) -> Generator[Line, None, None]:
    """Output lines for every record, in input order, using ``jobs`` processes.

    Worker processes are spawned, so a script calling this with ``jobs > 1`` needs the
    usual ``if __name__ == "__main__":`` guard. Ctrl-C and SIGTERM stop it between rows
    (KeyboardInterrupt, Terminated); a worker that dies raises WorkerDied naming the rows
    it had.
    """
    with _interrupt_between_rows() as check:
        if jobs <= 1:
            triage_row = RowTriage(settings)
            for record in records:
                yield triage_row.one(records.header, record)
                check()
            return
        yield from _in_workers(records, settings, jobs, chunk_rows, check)


def _in_workers(records: Records, settings: Settings, jobs: int, chunk_rows: int,
                check: Callable[[], None]) -> Iterator[Line]:
    import multiprocessing  # only here: keeps `triage run` start-up lean
    import os
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker,
                               initargs=(settings, os.getpid()))
    pending: deque[tuple[Future[list[Line]], int, int]] = deque()  # (lines, first, last row)
    workers: dict[int, Any] = {}  # pid -> process, kept to say which one died and how
    finished = False
    try:
        for chunk in _chunks(records, chunk_rows):
            try:
                future = pool.submit(_work, records.header, chunk)
            except BrokenProcessPool:  # a worker died before its chunk was collected
                first, last = (pending[0][1:] if pending else (chunk[0][0], chunk[-1][0]))
                raise _worker_died(workers, first, last) from None
            pending.append((future, chunk[0][0], chunk[-1][0]))
            workers.update(getattr(pool, "_processes", None) or {})
            while len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield from _next_lines(pending, workers, check, BrokenProcessPool)
        while pending:
            yield from _next_lines(pending, workers, check, BrokenProcessPool)
        finished = True
    except WorkerDied:
        _tear_down(pool, workers)
        raise
    finally:
        # Stopping early: the rows not started are cancelled and the workers end after
        # the chunk in hand (under a second). They are not terminated (but when one has
        # died): one killed while sending its result would leave the pool reading half a
        # message for ever.
        pool.shutdown(wait=finished, cancel_futures=True)


DEAD_WORKER_GRACE = 3.0  # seconds a dead worker's chunk may take to be reported broken


def _next_lines(pending: deque[tuple[Future[list[Line]], int, int]], workers: dict[int, Any],
                check: Callable[[], None], broken: type[Exception]) -> list[Line]:
    """The next chunk's lines. Waits in short steps, so that Ctrl-C is honoured and a
    worker that died while sending its result (the pool then waits for the rest of the
    message for ever) is reported instead of hanging the batch."""
    future, first, last = pending[0]
    dead_since: float | None = None
    while True:
        try:
            lines = future.result(timeout=0.25)
            break
        except broken:
            raise _worker_died(workers, first, last) from None
        except TimeoutError:
            check()
            if dead_since is None and any(process.exitcode not in (None, 0)
                                          for process in workers.values()):
                dead_since = time.monotonic()
            if dead_since is not None and time.monotonic() - dead_since > DEAD_WORKER_GRACE:
                raise _worker_died(workers, first, last) from None
    pending.popleft()
    check()
    return lines


def _tear_down(pool: Any, workers: dict[int, Any]) -> None:
    """After a worker died: end the others and close the parent's end of the results
    pipe, so the pool's reading thread sees the end of the pipe instead of waiting for the
    rest of a half-sent message (which would also hang the interpreter at exit)."""
    for process in workers.values():
        with contextlib.suppress(Exception):
            if process.exitcode is None:
                process.kill()
                process.join(timeout=5.0)
    queue = getattr(pool, "_result_queue", None)  # private; absent: nothing more to do
    if queue is not None:
        with contextlib.suppress(Exception):
            queue._writer.close()


def _worker_died(workers: dict[int, Any], first: int, last: int) -> WorkerDied:
    """Which worker died, how, and the rows it had: the rows before ``first`` are done."""
    import signal

    for process in workers.values():  # reaped by the pool's own thread, maybe just now
        with contextlib.suppress(Exception):
            process.join(timeout=1.0)
    dead = sorted(((pid, process.exitcode) for pid, process in workers.items()
                   if process.exitcode is not None and process.exitcode != 0),
                  key=lambda item: item[1] == -signal.SIGTERM)  # the pool ends the rest so
    how, status = "died", ExitStatus.INTERNAL_ERROR
    if dead:
        pid, code = dead[0]
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.valid_signals() else -code
            how = f"(pid {pid}) was killed by {name}"
            if -code in (signal.SIGKILL, signal.SIGTERM):  # from outside: memory, a person
                how += " (out of memory, or stopped from outside)"
                status = ExitStatus.BAD_INPUT
        else:
            how = f"(pid {pid}) exited with status {code}"
    done = f"rows before row {first} are done" if first > 1 else "no row was done"
    return WorkerDied(f"a worker process {how} while triaging rows {first} to {last}; "
                      f"{done}", status)


@contextlib.contextmanager
def _interrupt_between_rows() -> Iterator[Callable[[], None]]:
    """Ctrl-C (KeyboardInterrupt) and SIGTERM (Terminated) are raised only between rows,
    in this code (a second signal at once).

    Raised anywhere (say, inside the pool's own bookkeeping) they could leave a lock
    held and the shutdown waiting for ever. Not installed off the main thread or
    when Ctrl-C is already ignored.
    """
    import signal
    import threading

    caught: list[int] = []

    def check() -> None:
        if caught:
            raise Terminated if caught[0] == signal.SIGTERM else KeyboardInterrupt

    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield check
        return

    def on_signal(signum: int, frame: Any) -> None:
        if caught:  # a second signal: now, whatever the pool is doing
            raise Terminated if signum == signal.SIGTERM else KeyboardInterrupt
        caught.append(signum)

    previous = {number: signal.signal(number, on_signal)
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield check
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@dataclass
class Summary:
    """Counts per urgency, bad rows and internal errors."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, status: str) -> None:
        self.counts[status] += 1

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def exit_status(self) -> ExitStatus:
        """70 if any row hit a bug, 2 if any row had bad input, else 0."""
        if self.counts[INTERNAL]:
            return ExitStatus.INTERNAL_ERROR
        return ExitStatus.BAD_INPUT if self.counts[ERROR] else ExitStatus.OK

    def text(self, blank: int = 0) -> str:
        """One line for standard error: ``12 rows: 1 emergency, ..., 2 errors`` (and how
        many blank lines were skipped, so the counts add up to the lines read)."""
        parts = [f"{self.counts[level.value]} {level.value}" for level in reversed(Urgency)]
        parts.append(f"{self.counts[ERROR]} error{'s' if self.counts[ERROR] != 1 else ''}")
        if self.counts[INTERNAL]:
            count = self.counts[INTERNAL]
            parts.append(f"{count} internal error{'s' if count != 1 else ''} (a bug; please "
                         "report it)")
        skipped = f" ({blank} blank line{'s' if blank != 1 else ''} skipped)" if blank else ""
        return f"{self.rows} row{'s' if self.rows != 1 else ''}{skipped}: " + ", ".join(parts)
