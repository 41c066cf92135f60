"""``triage batch``: many responses (JSONL or CSV) in, one result per row out."""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from triage import api
from triage.errors import ExitStatus, TriageError
from triage.problems import printable
from triage.safewrite import Output, OutputClosed, Target, replacing

if TYPE_CHECKING:
    from triage.intake import rows

from .common import (
    LocaleOption,
    Missing,
    MissingOption,
    RulesOption,
    checked_locale,
    fail,
    handles_errors,
    output_target,
)

PROGRESS_EVERY = 64  # rows between progress bar updates


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


class InputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


@handles_errors
def batch_command(
    source: Annotated[str, typer.Argument(
        metavar="IN", help="Responses: a JSONL file (one JSON object per line) or a CSV "
        "file (a header of answer ids; lists as a;b), or - for standard input.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write results here instead of standard output.",
        dir_okay=False)] = None,
    format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="jsonl: one result object per row; csv: one summary row "
        "per response.")] = OutputFormat.jsonl,
    input_format: Annotated[InputFormat | None, typer.Option(
        "--input-format", help="Input format (default: from the file extension; "
        "needed for standard input).")] = None,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=0, help="Worker processes (0: one per CPU). The output is "
        "the same for any number.")] = 1,
    rules: RulesOption = None,
    missing: MissingOption = Missing.refuse,
    locale: LocaleOption = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar and no summary on standard error.")] = False,
) -> None:
    """Triage many responses: one result per input row, in input order.

    A bad row gets an error object and the rest go on. Exit 0 if every row was
    triaged, 2 if any row had bad input, 70 if any row hit a bug.
    """
    from triage import batch  # here, not at the top: the other commands start without it
    from triage.intake import rows

    ruleset = api.engine(rules).ruleset  # a broken rule set stops here, before any output
    locale = checked_locale(ruleset, locale)
    if source != "-" and not Path(source).exists():
        raise fail(f"{printable(source)}: no such file", ExitStatus.BAD_INPUT)
    if source == "-" and input_format is None:
        raise fail("reading standard input needs --input-format jsonl or csv",
                   ExitStatus.BAD_INPUT)
    fmt = rows.input_format(source, input_format.value if input_format else None)
    settings = batch.Settings(rules=str(Path(rules).resolve()) if rules else None,
                              missing=missing.value, locale=locale, input_format=fmt,
                              output_format=format.value)
    target = output_target(output, [0 if source == "-" else Path(source)])
    workers = _workers(jobs, quiet)
    summary = batch.Summary()
    records: rows.Records | None = None
    try:
        with _open_input(source) as stream, _open_output(target) as out:
            records = rows.Records(stream, fmt, "<stdin>" if source == "-"
                                    else printable(source), columns=ruleset.question_map)
            if format is OutputFormat.csv:
                out.write(batch.csv_header())
            lines = batch.triage_records(records, settings, jobs=workers)
            show = not quiet and sys.stderr.isatty()
            with contextlib.closing(lines), _progress(records, _size(stream), show) as tick:
                for text, status in lines:  # closed on any failure: the workers stop at once
                    out.write(text)
                    summary.add(status)
                    tick(summary.rows)
    except (TriageError, KeyboardInterrupt) as exc:
        if (summary.rows or isinstance(exc, batch.WorkerDied)) and not quiet \
                and not isinstance(exc, OutputClosed):
            # what was reached, before the reason it stopped (a closed pipe stops quietly)
            kept = ("written to standard output" if target is None
                    else f"not saved: {target.shown} was left as it was")
            typer.echo(f"triage: batch: stopped after {summary.text()} ({kept})", err=True)
        raise
    if not quiet:
        typer.echo(f"triage: batch: {summary.text(records.blank if records else 0)}", err=True)
    if summary.exit_status is not ExitStatus.OK:
        raise typer.Exit(int(summary.exit_status))


def _workers(jobs: int, quiet: bool) -> int:
    """``--jobs``, at most one per CPU this process may use (0: that many); more would
    only add processes and memory, so a larger number is capped, with a note."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if jobs > cpus and not quiet:
        typer.echo(f"triage: batch: --jobs {jobs} is more than the {cpus} CPU"
                   f"{'s' if cpus != 1 else ''} here; using {cpus}", err=True)
    return min(jobs, cpus) if jobs else cpus


@contextlib.contextmanager
def _open_input(source: str) -> Iterator[IO[bytes]]:
    if source == "-":
        if sys.stdin is None or sys.stdin.closed:
            raise fail("standard input is closed (nothing to read)", ExitStatus.BAD_INPUT)
        yield sys.stdin.buffer
        return
    path, source = Path(source), printable(source)
    if path.is_dir():
        raise fail(f"{source}: is a folder, not a file of responses", ExitStatus.BAD_INPUT)
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise fail(f"{source}: no such file", ExitStatus.BAD_INPUT) from None
    except OSError as exc:
        raise fail(f"{source}: cannot read: {exc.strerror}", ExitStatus.BAD_INPUT) from None
    with stream:
        yield stream


@contextlib.contextmanager
def _open_output(target: Target | None) -> Iterator[Output]:
    """Standard output, or the output file, replaced only when every row is written."""
    if target is None:
        stdout = Output(sys.stdout, "standard output")
        yield stdout
        stdout.flush()
        return
    with replacing(target) as out:
        yield out


def _size(stream: IO[bytes]) -> int | None:
    """The input's size in bytes, if it is a regular file (for the progress bar)."""
    try:
        return os.fstat(stream.fileno()).st_size or None
    except (OSError, ValueError, io.UnsupportedOperation):
        return None


@contextlib.contextmanager
def _progress(records: rows.Records, total: int | None, show: bool) -> Iterator[Any]:
    """A progress bar on standard error (by bytes read), or a no-op ``tick``."""
    if not show:
        yield lambda rows: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    started = time.perf_counter()
    columns = [TextColumn("triaging"), BarColumn(), TaskProgressColumn(),
               TextColumn("{task.fields[rows]} rows ({task.fields[rate]}/s)"),
               TimeElapsedColumn()]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("batch", total=total, rows=0, rate=0)

        def tick(rows: int) -> None:
            if rows % PROGRESS_EVERY == 0:
                rate = int(rows / max(time.perf_counter() - started, 1e-9))
                progress.update(task, completed=records.bytes_read, rows=rows, rate=rate)
        yield tick
