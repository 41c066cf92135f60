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

from triage._gc import freeze
from triage.errors import ExitStatus

from .funnel import TRACEBACK, FunnelledGroup, exit_status, streams_of
from .streams import Streams
from .usage import HELP_OPTIONS, Command


class LazyCommands(MutableMapping[str, Any]):
    """A group's commands, each built (and its module imported) when first looked up:
    ``triage run`` does not pay for importing and building ``ask``, ``batch`` and the
    ``rules`` group. Names are listed in the order they were registered (the built ones,
    then the later ones), so ``--help`` and "did you mean" see every command."""

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
    """The root command, with each command built when it is asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = LazyCommands(self.commands, _LATER)


app = typer.Typer(
    name="triage",
    cls=RootGroup,
    help="Rule-based triage for back stiffness and back pain. Not a diagnosis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=HELP_OPTIONS,
)


def _command(name: str, load: Callable[[], Callable[..., Any]]) -> Callable[[], Any]:
    """Register ``name`` as typer's ``app.command(name)`` would, and return what builds
    it (typer's own ``get_command_from_info``) once ``load`` has imported its function."""
    app.command(name, cls=Command)(_unloaded)
    info = app.registered_commands.pop()

    def build() -> Any:
        info.callback = load()
        return typer.main.get_command_from_info(
            info, pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode)
    return build


def _group(name: str, load: Callable[[], typer.Typer]) -> Callable[[], Any]:
    """Register ``name`` as ``app.add_typer(..., name=name)`` would, and return what
    builds the group (typer's own ``get_group_from_info``) from the Typer ``load`` gives."""
    app.add_typer(typer.Typer(), name=name)
    info = app.registered_groups.pop()

    def build() -> Any:
        info.typer_instance = load()
        return typer.main.get_group_from_info(
            info, pretty_exceptions_short=app.pretty_exceptions_short,
            rich_markup_mode=app.rich_markup_mode, suggest_commands=app.suggest_commands)
    return build


def _unloaded() -> None:  # pragma: no cover (replaced before a command is built)
    """Stands for a command's function until its module is imported."""


def _ask() -> Callable[..., Any]:
    from .ask import ask
    return ask


def _batch() -> Callable[..., Any]:
    from .batch import batch_command
    return batch_command


def _serve() -> Callable[..., Any]:
    from .serve import serve
    return serve


def _run() -> Callable[..., Any]:
    from .run import run
    return run


def _questions() -> Callable[..., Any]:
    from .questions import questions
    return questions


def _rules() -> typer.Typer:
    from .rules import rules_app
    return rules_app


# In typer's order: commands as registered, then groups.
_LATER = {"ask": _command("ask", _ask), "batch": _command("batch", _batch),
          "run": _command("run", _run), "questions": _command("questions", _questions),
          "serve": _command("serve", _serve),
          "rules": _group("rules", _rules)}


@app.callback()
def main_options(
    ctx: typer.Context,
    traceback: Annotated[bool, typer.Option(
        "--traceback", help="Show the Python traceback on errors (for debugging).")] = False,
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=lambda ctx, value: _version(ctx, value),
        help="Show the version of triage and of the shipped rule set, and exit.")] = False,
) -> None:
    """Rule-based triage for back stiffness and back pain. Not a diagnosis."""
    ctx.meta[TRACEBACK] = traceback
    streams_of(ctx)  # the streams given, or the process's own from here on


def _version(ctx: typer.Context, value: bool) -> None:
    """``--version``: the package's version and the shipped rule set's name, version and
    short sha256."""
    if not value:
        return
    import triage

    streams = streams_of(ctx)
    try:
        rules = triage.ruleset()
        shipped = f"{rules.name} {rules.version} (sha256 {rules.sha256[:12]})"
    except Exception as exc:  # a broken installation must not hide the version  # noqa: BLE001
        shipped = f"not readable ({type(exc).__name__})"
    streams.out(f"triage {triage.__version__}\nrules {shipped}\n")
    raise typer.Exit()


def main() -> None:
    """Console-script entry point."""
    streams = Streams.system()
    freeze()  # what start-up built (triage._gc); once more below for what the command did
    try:
        app(obj=streams)
    except KeyboardInterrupt as exc:  # before or after a command (the funnel has the rest)
        sys.exit(int(exit_status(exc, streams)))
    finally:
        freeze()  # the collection at exit then skips the compiled rules and the plan
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
