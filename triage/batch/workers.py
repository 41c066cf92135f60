"""Worker processes for a batch: spawned, each building the engine once; chunks of rows
in flight, results collected in input order; a worker that dies is named with its rows.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from triage.errors import ExitStatus, TriageError
from triage.intake.rows import Record, Records

from .lines import Line, RowTriage, Settings

if TYPE_CHECKING:
    from concurrent.futures import Future

CHUNK_ROWS = 128  # rows per task sent to a worker process
IN_FLIGHT_PER_JOB = 3  # chunks queued per worker: keeps workers busy, memory bounded


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


def in_workers(records: Records, settings: Settings, jobs: int, chunk_rows: int,
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
    # The pool ends the other workers with SIGTERM once one has died, and the pool's own
    # thread may be reaping the first one just as we look (its exit code then reads as
    # not yet known for a moment): look again, briefly, before naming a worker the pool
    # stopped itself.
    deadline = time.monotonic() + DEAD_WORKER_GRACE
    while True:
        dead = sorted(((pid, process.exitcode) for pid, process in workers.items()
                       if process.exitcode is not None and process.exitcode != 0),
                      key=lambda item: item[1] == -signal.SIGTERM)
        if (not dead or dead[0][1] != -signal.SIGTERM
                or time.monotonic() > deadline):
            break
        time.sleep(0.05)
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
