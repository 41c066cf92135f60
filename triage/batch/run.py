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
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from triage.errors import ExitStatus, Terminated
from triage.intake.rows import Records
from triage.language.model import Urgency

from .lines import ERROR, INTERNAL, Line, RowTriage, Settings
from .workers import CHUNK_ROWS, in_workers


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
        yield from in_workers(records, settings, jobs, chunk_rows, check)


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
