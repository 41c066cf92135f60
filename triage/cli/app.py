"""The command line: a thin typer layer over the library.

Results go to standard output; errors go to standard error as one line naming the
place, with the exit status of :class:`triage.errors.ExitStatus` (see
:mod:`triage.cli.funnel`). Tracebacks only with ``--traceback``.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from triage.errors import ExitStatus

from .ask import ask
from .batch import batch_command
from .funnel import TRACEBACK, FunnelledGroup, exit_status, streams_of
from .rules import rules_app
from .run import questions, run
from .streams import Streams

app = typer.Typer(
    name="triage",
    cls=FunnelledGroup,
    help="Rule-based triage for back stiffness and back pain. Not a diagnosis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

app.add_typer(rules_app, name="rules")
app.command("ask")(ask)
app.command("batch")(batch_command)
app.command("run")(run)
app.command("questions")(questions)


@app.callback()
def main_options(
    ctx: typer.Context,
    traceback: Annotated[bool, typer.Option(
        "--traceback", help="Show the Python traceback on errors (for debugging).")] = False,
) -> None:
    """Rule-based triage for back stiffness and back pain. Not a diagnosis."""
    ctx.meta[TRACEBACK] = traceback
    streams_of(ctx)  # the streams given, or the process's own from here on


def main() -> None:
    """Console-script entry point."""
    streams = Streams.system()
    try:
        app(obj=streams)
    except KeyboardInterrupt as exc:  # before or after a command (the funnel has the rest)
        sys.exit(int(exit_status(exc, streams)))
    finally:
        _flush_stdout(streams)


def _flush_stdout(streams: Streams) -> None:
    """Flush standard output before Python does at exit: a reader gone (``| head``) is a
    quiet stop with 141, a full disk one line and exit 2 (not Python's own complaint)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        streams.quiet_stdout()
        sys.exit(int(ExitStatus.OUTPUT_CLOSED))
    except (OSError, AttributeError, ValueError) as exc:
        streams.quiet_stdout()
        if isinstance(exc, OSError):
            streams.note(f"triage: error: standard output: cannot write: "
                         f"{exc.strerror or exc}")
            sys.exit(int(ExitStatus.BAD_INPUT))


if __name__ == "__main__":  # pragma: no cover
    main()
