"""The command line: a thin typer layer over the library.

Results go to standard output; errors go to standard error as one line naming the
place, with the exit status of :class:`triage.errors.ExitStatus` (see
:mod:`triage.cli.funnel`). Tracebacks only with ``--traceback``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, MutableMapping
from typing import Annotated, Any

import typer
import typer.main

from triage.errors import ExitStatus

from .ask import ask
from .batch import batch_command
from .funnel import TRACEBACK, FunnelledGroup, exit_status, streams_of
from .rules import rules_app
from .run import questions, run
from .streams import Streams


class LazyCommands(MutableMapping[str, Any]):
    """A group's commands, some of them built only when first looked up: ``triage run``
    does not pay for building the ``rules`` group (its options and their types). Names
    are listed in the order typer gives them (the built ones, then the later ones), so
    ``--help`` and "did you mean" see every command."""

    def __init__(self, built: MutableMapping[str, Any],
                 later: dict[str, Callable[[], Any]]) -> None:
        self._built = dict(built)
        self._later = dict(later)

    def __getitem__(self, name: str) -> Any:
        if name in self._later:
            self._built[name] = self._later.pop(name)()
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._later.pop(name, None)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        if self._later.pop(name, None) is None:
            del self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter([*self._built, *self._later])

    def __len__(self) -> int:
        return len(self._built) + len(self._later)


class RootGroup(FunnelledGroup):
    """The root command, with the ``rules`` group built when it is asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(self.commands, {"rules": _rules_group})


app = typer.Typer(
    name="triage",
    cls=RootGroup,
    help="Rule-based triage for back stiffness and back pain. Not a diagnosis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

app.add_typer(rules_app, name="rules")
_RULES = app.registered_groups.pop()  # built by _rules_group, as typer would, when needed
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


def _rules_group() -> Any:
    return typer.main.get_group_from_info(
        _RULES, pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode, suggest_commands=app.suggest_commands)


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
