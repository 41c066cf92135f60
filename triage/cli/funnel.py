"""The one error funnel: every exception a command lets out becomes what the person
sees and an exit status (httpie's ``ExitStatus``), here and nowhere else.

- a :class:`~triage.errors.TriageError`: one ``triage: error:`` line on stderr per
  problem (bounded per file), and the error's exit status;
- standard output closed by its reader (``| head``): a quiet stop, 141;
- SIGTERM where a command handles it: ``triage: terminated``, 143;
- Ctrl-C: ``triage: interrupted``, 130;
- anything else is a bug: one line with the safety fallback sentence, 70.

``--traceback`` lets errors and bugs through with their traceback. The funnel wraps the
root command (:class:`FunnelledGroup`), so a command run in-process, as the tests run
them, goes through it too.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup

from triage.errors import NOTE, ExitStatus, Terminated, TriageError
from triage.problems import bounded_lines
from triage.safewrite import OutputClosed

from .streams import Streams

SAFETY_FALLBACK = ("If you have any danger sign (numbness around the genitals or bottom, "
                   "new bladder or bowel problems, weakness in both legs, chest pain, or a "
                   "serious injury), call your emergency number now.")
TRACEBACK = "triage.traceback"  # the --traceback flag, in the command context's meta
_CLICK_OWN = (typer.Exit, typer.Abort, typer.TyperException)  # usage errors among them


def report(streams: Streams, error: TriageError) -> None:
    """Each problem of ``error`` as one ``triage: error:`` line on standard error."""
    for line in bounded_lines(error.lines()):
        streams.note(f"triage: {line}" if line.startswith(NOTE) else f"triage: error: {line}")


def exit_status(exc: BaseException, streams: Streams, traceback: bool = False) -> ExitStatus:
    """What ``exc`` means to the person: said on standard error, and the exit status.
    With ``traceback``, an error or a bug is raised again instead."""
    if isinstance(exc, OutputClosed):
        streams.quiet_stdout()
        return ExitStatus.OUTPUT_CLOSED
    if isinstance(exc, TriageError):
        if traceback:
            raise exc
        report(streams, exc)
        return exc.exit_status
    if isinstance(exc, Terminated):
        streams.note("triage: terminated")
        return ExitStatus.TERMINATED
    if isinstance(exc, KeyboardInterrupt):  # typer would exit 130 silently: say why
        streams.note("triage: interrupted")
        return ExitStatus.INTERRUPTED
    if traceback or not isinstance(exc, Exception):
        raise exc
    streams.note(f"triage: internal error ({type(exc).__name__}); this is a bug, please "
                 "report it (run with --traceback for details). " + SAFETY_FALLBACK)
    return ExitStatus.INTERNAL_ERROR


def streams_of(ctx: typer.Context) -> Streams:
    """The streams the command was given (``app(obj=Streams(...))``), else the process's."""
    root = ctx.find_root()
    if not isinstance(root.obj, Streams):
        root.obj = Streams.system()
    return root.obj


class FunnelledGroup(TyperGroup):
    """The root command: runs the command asked for through :func:`exit_status`."""

    def invoke(self, ctx: Any) -> Any:  # typer's own (vendored click) Context
        try:
            return super().invoke(ctx)
        except _CLICK_OWN:  # usage errors and exits: typer says and does what they mean
            raise
        except (Exception, KeyboardInterrupt) as exc:
            status = exit_status(exc, streams_of(ctx), bool(ctx.meta.get(TRACEBACK)))
            raise typer.Exit(int(status)) from None
