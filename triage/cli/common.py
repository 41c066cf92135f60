"""What every command shares: error handling, exit statuses, the --rules option.

Each command module (``cli.py``, ``cli_ask.py``, ``cli_rules.py``, ``cli_batch.py``)
imports from here, so no command module imports another.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from triage.errors import ExitStatus, Terminated, TriageError
from triage.intake.answers import check_locale
from triage.language.model import Ruleset
from triage.problems import bounded_lines
from triage.safewrite import Input, Output, OutputClosed, Target, check_output, write_text


class Missing(StrEnum):
    """``--missing``: what to do with unanswered danger signs."""

    refuse = "refuse"
    conservative = "conservative"


SAFETY_FALLBACK = ("If you have any danger sign (numbness around the genitals or bottom, "
                   "new bladder or bowel problems, weakness in both legs, chest pain, or a "
                   "serious injury), call your emergency number now.")

state = {"traceback": False}
F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str | TriageError, status: ExitStatus) -> typer.Exit:
    """Print each problem as one ``triage: error:`` line on stderr; return the exit."""
    lines = (message.lines() if isinstance(message, TriageError)
             else [("", line) for line in message.splitlines()])
    for line in bounded_lines(lines):
        typer.echo(f"triage: error: {line}", err=True)
    return typer.Exit(int(status))


def handles_errors(command: F) -> F:
    """Turn expected errors into one line on stderr and an exit status; never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except OutputClosed:
            quiet_stdout()
            raise typer.Exit(int(ExitStatus.OUTPUT_CLOSED)) from None
        except TriageError as exc:
            if state["traceback"]:
                raise
            raise fail(exc, exc.exit_status) from None
        except typer.Exit:
            raise
        except Terminated:
            typer.echo("triage: terminated", err=True)
            raise typer.Exit(int(ExitStatus.TERMINATED)) from None
        except KeyboardInterrupt:  # typer would exit 130 silently: say why it stopped
            typer.echo("triage: interrupted", err=True)
            raise typer.Exit(int(ExitStatus.INTERRUPTED)) from None
        except Exception as exc:  # a bug: say so, and keep the person safe
            if state["traceback"]:
                raise
            typer.echo(f"triage: internal error ({type(exc).__name__}); this is a bug, "
                       "please report it (run with --traceback for details). "
                       + SAFETY_FALLBACK, err=True)
            raise typer.Exit(int(ExitStatus.INTERNAL_ERROR)) from None

    return wrapper  # type: ignore[return-value]


RulesOption = Annotated[Path | None, typer.Option(
    "--rules", help="Rule set directory (default: the shipped rules).",
    file_okay=False, dir_okay=True)]


def checked_locale(ruleset: Ruleset, locale: str | None) -> str | None:
    """The ``--locale`` option, lower-cased, or a bad-input exit naming the known ones."""
    return check_locale(ruleset, locale, option="--locale")


def output_target(path: Path | None, inputs: Iterable[Input] = (),
                  option: str = "") -> Target | None:
    """``-o FILE`` checked before any work (see :mod:`triage.safewrite`), or None for
    standard output."""
    return None if path is None else check_output(path, inputs=inputs, option=option)


def write_output(target: Target | None, text: str) -> None:
    """The result: to its file, replaced safely, or to standard output."""
    if target is None:
        emit(text)
    else:
        write_text(target, text)


def emit(text: str) -> None:
    """Text on standard output; a write error is one line and exit 2, a closed pipe
    (``| head``) a quiet stop."""
    stdout = Output(sys.stdout, "standard output")
    stdout.write(text)
    stdout.flush()


def quiet_stdout() -> None:
    """After standard output's reader has gone: send what is left to /dev/null, so that
    Python's own flush at exit does not complain about the broken pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


MissingOption = Annotated[Missing, typer.Option(
    "--missing", help="Unanswered danger signs: refuse (bad input), or treat them "
    "conservatively (listed as unscreened; never self-care).")]
LocaleOption = Annotated[str | None, typer.Option(
    "--locale", help="Which emergency number to show (e.g. uk, us, eu, intl).")]
