"""The command line: a thin typer layer over the library.

Results go to standard output; errors go to standard error as one line naming the
place, with the exit status of :class:`triage.errors.ExitStatus`. Tracebacks only
with ``--traceback``.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from triage import api
from triage.documents.render import RENDERERS
from triage.errors import ExitStatus
from triage.intake.answers import MISSING_MODES
from triage.intake.files import read_answers
from triage.language.model import Urgency
from triage.pipeline import triage_answers

from .ask import ask
from .batch import batch_command
from .common import (
    LocaleOption,
    Missing,
    MissingOption,
    RulesOption,
    checked_locale,
    emit,
    handles_errors,
    output_target,
    quiet_stdout,
    state,
    write_output,
)
from .rules import rules_app

app = typer.Typer(
    name="triage",
    help="Rule-based triage for back stiffness and back pain. Not a diagnosis.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

app.add_typer(rules_app, name="rules")
app.command("ask")(ask)
app.command("batch")(batch_command)

URGENCY_EXIT = {Urgency.SELF_CARE: 0, Urgency.ROUTINE: 3, Urgency.URGENT: 4,
                Urgency.EMERGENCY: 5}


class Format(StrEnum):
    text = "text"
    markdown = "markdown"
    html = "html"
    json = "json"


class QuestionsFormat(StrEnum):
    text = "text"
    json = "json"
    json_schema = "json-schema"


assert {mode.value for mode in Missing} == set(MISSING_MODES)


@app.callback()
def main_options(
    traceback: Annotated[bool, typer.Option(
        "--traceback", help="Show the Python traceback on errors (for debugging).")] = False,
) -> None:
    """Rule-based triage for back stiffness and back pain. Not a diagnosis."""
    state["traceback"] = traceback


@app.command()
@handles_errors
def run(
    answers: Annotated[str, typer.Argument(
        metavar="ANSWERS|-", help="Answers file (YAML or JSON), or - for standard input.")],
    format: Annotated[Format, typer.Option(
        "--format", "-f", help="Output format.")] = Format.text,
    rules: RulesOption = None,
    missing: MissingOption = Missing.refuse,
    locale: LocaleOption = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the result to this file instead of standard output.",
        dir_okay=False)] = None,
    urgency_exit_code: Annotated[bool, typer.Option(
        "--urgency-exit-code", help="Exit 0 self_care, 3 routine, 4 urgent, 5 emergency.")]
        = False,
) -> None:
    """Triage one answers file and print the plan."""
    compiled = api.engine(rules)
    ruleset = compiled.ruleset
    locale = checked_locale(ruleset, locale)
    target = output_target(output, [0 if answers == "-" else Path(answers)])
    raw, where = read_answers(answers)
    result = triage_answers(compiled, raw, source=where, missing=missing.value, locale=locale)
    write_output(target, RENDERERS[format.value](result))
    if urgency_exit_code:
        raise typer.Exit(URGENCY_EXIT[result.urgency])


@app.command()
@handles_errors
def questions(
    format: Annotated[QuestionsFormat, typer.Option(
        "--format", "-f", help="text table, JSON list, or JSON Schema for answer files.")]
        = QuestionsFormat.text,
    rules: RulesOption = None,
) -> None:
    """Print the data dictionary: every question id, its type and allowed answers."""
    from triage.questionnaire.dictionary import answers_schema, dictionary_rows, render_dictionary

    ruleset = api.ruleset(rules)
    if format is QuestionsFormat.text:
        emit(render_dictionary(ruleset))
    elif format is QuestionsFormat.json:
        emit(json.dumps(dictionary_rows(ruleset), indent=2, ensure_ascii=False) + "\n")
    else:
        emit(json.dumps(answers_schema(ruleset), indent=2, ensure_ascii=False) + "\n")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("triage: interrupted", err=True)
        sys.exit(int(ExitStatus.INTERRUPTED))
    finally:
        _flush_stdout()


def _flush_stdout() -> None:
    """Flush standard output before Python does at exit: a reader gone (``| head``) is a
    quiet stop with 141, a full disk one line and exit 2 (not Python's own complaint)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        quiet_stdout()
        sys.exit(int(ExitStatus.OUTPUT_CLOSED))
    except (OSError, AttributeError, ValueError) as exc:
        quiet_stdout()
        if isinstance(exc, OSError):
            typer.echo(f"triage: error: standard output: cannot write: "
                       f"{exc.strerror or exc}", err=True)
            sys.exit(int(ExitStatus.BAD_INPUT))


if __name__ == "__main__":  # pragma: no cover
    main()
