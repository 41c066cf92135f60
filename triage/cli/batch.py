"""``triage batch``: many responses (JSONL or CSV) in, one result per row out."""

from __future__ import annotations

import contextlib
import io
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from triage import api
from triage.batch.formats import OutputFormat
from triage.errors import ExitStatus, TriageError
from triage.intake import rows
from triage.intake.answers import Missing
from triage.intake.rows import InputFormat
from triage.problems import printable
from triage.safewrite import Output, OutputClosed, Target, replacing

from .funnel import streams_of
from .options import LocaleOption, MissingOption, RulesOption, checked_locale, output_target
from .streams import Streams

PROGRESS_EVERY = 64  # rows between progress bar updates


def batch_command(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(
        metavar="IN", help="Responses: a JSONL file (one JSON object per line) or a CSV "
        "file (a header of answer ids; lists as a;b), or - for standard input.")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", help="Write results here instead of standard "
        "output.",
        dir_okay=False)] = None,
    format: Annotated[OutputFormat, typer.Option(
        "--format", "-f", help="jsonl: one result object per row; csv: one summary row "
        "per response.")] = OutputFormat.JSONL,
    input_format: Annotated[InputFormat | None, typer.Option(
        "--input-format", help="Input format (default: from the file extension; "
        "needed for standard input).")] = None,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", metavar="N", min=0, help="Worker processes (0: one per CPU). The output is "
        "the same for any number.")] = 1,
    rules: RulesOption = None,
    missing: MissingOption = Missing.REFUSE,
    locale: LocaleOption = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="No progress bar and no summary on standard error.")] = False,
) -> None:
    """Triage many responses: one result per input row, in input order.

    A bad row gets an error object and the rest go on. Exit 0 if every row was
    triaged, 2 if any row had bad input, 70 if any row hit a bug.
    """
    from triage import batch  # here, not at import: `triage run` starts faster

    streams = streams_of(ctx)
    ruleset = api.engine(rules).ruleset  # a broken rule set stops here, before any output
    locale = checked_locale(ruleset, locale)
    if source != "-" and not Path(source).exists():
        raise TriageError(f"{printable(source)}: no such file")
    if source == "-" and input_format is None:
        raise TriageError("reading standard input needs --input-format jsonl or csv")
    fmt = rows.input_format(source, input_format)
    settings = batch.Settings(rules=str(Path(rules).resolve()) if rules else None,
                              missing=missing, locale=locale, input_format=fmt,
                              output_format=format)
    target = output_target(output, [0 if source == "-" else Path(source)])
    workers = _workers(streams, jobs, quiet)
    summary = batch.Summary()
    records: rows.Records | None = None
    try:
        with _open_input(streams, source) as stream, _open_output(streams, target) as out:
            records = rows.Records(stream, fmt, "<stdin>" if source == "-"
                                    else printable(source), columns=ruleset.question_map)
            if format is OutputFormat.CSV:
                out.write(batch.csv_header())
            lines = batch.triage_records(records, settings, jobs=workers)
            show = not quiet and streams.isatty
            bar = _progress(streams, records, _size(stream), show)
            with contextlib.closing(lines), bar as tick:
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
            streams.note(f"triage: batch: stopped after {summary.text()} ({kept})")
        raise
    if not quiet:
        streams.note(f"triage: batch: {summary.text(records.blank if records else 0)}")
    if summary.exit_status is not ExitStatus.OK:
        raise typer.Exit(int(summary.exit_status))


def _workers(streams: Streams, jobs: int, quiet: bool) -> int:
    """``--jobs``, at most one per CPU this process may use (0: that many); more would
    only add processes and memory, so a larger number is capped, with a note."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    if jobs > cpus and not quiet:
        streams.note(f"triage: batch: --jobs {jobs} is more than the {cpus} CPU"
                     f"{'s' if cpus != 1 else ''} here; using {cpus}")
    return min(jobs, cpus) if jobs else cpus


@contextlib.contextmanager
def _open_input(streams: Streams, source: str) -> Iterator[IO[bytes]]:
    if source == "-":
        if streams.stdin is None or streams.stdin.closed:
            raise TriageError("standard input is closed (nothing to read)")
        yield streams.stdin.buffer
        return
    path, source = Path(source), printable(source)
    if path.is_dir():
        raise TriageError(f"{source}: is a folder, not a file of responses")
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise TriageError(f"{source}: no such file") from None
    except OSError as exc:
        raise TriageError(f"{source}: cannot read: {exc.strerror}") from None
    with stream:
        yield stream


@contextlib.contextmanager
def _open_output(streams: Streams, target: Target | None) -> Iterator[Output]:
    """Standard output, or the output file, replaced only when every row is written."""
    if target is None:
        stdout = streams.output()
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
def _progress(streams: Streams, records: rows.Records, total: int | None,
              show: bool) -> Iterator[Any]:
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
    with Progress(*columns, console=Console(file=streams.stderr), transient=True) as progress:
        task = progress.add_task("batch", total=total, rows=0, rate=0)

        def tick(rows: int) -> None:
            if rows % PROGRESS_EVERY == 0:
                rate = int(rows / max(time.perf_counter() - started, 1e-9))
                progress.update(task, completed=records.bytes_read, rows=rows, rate=rate)
        yield tick
