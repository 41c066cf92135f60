"""``triage run`` (one answers file to a plan) and ``triage questions`` (the data
dictionary)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from triage import api
from triage.documents.render import RENDERERS, Format
from triage.intake.answers import Missing
from triage.intake.files import read_answers
from triage.language.model import Urgency
from triage.pipeline import triage_answers
from triage.questionnaire.dictionary import DictionaryFormat, dictionary

from .funnel import streams_of
from .options import (
    LocaleOption,
    MissingOption,
    RulesOption,
    checked_locale,
    output_target,
    write_output,
)

URGENCY_EXIT = {Urgency.SELF_CARE: 0, Urgency.ROUTINE: 3, Urgency.URGENT: 4,
                Urgency.EMERGENCY: 5}


def run(
    ctx: typer.Context,
    answers: Annotated[str, typer.Argument(
        metavar="ANSWERS", help="Answers file (YAML or JSON), or - for standard input.")],
    format: Annotated[Format, typer.Option(
        "--format", "-f", help="Output format.")] = Format.TEXT,
    rules: RulesOption = None,
    missing: MissingOption = Missing.REFUSE,
    locale: LocaleOption = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", help="Write the result to this file instead of "
        "standard output.",
        dir_okay=False)] = None,
    urgency_exit_code: Annotated[bool, typer.Option(
        "--urgency-exit-code", help="Exit 0 self_care, 3 routine, 4 urgent, 5 emergency.")]
        = False,
) -> None:
    """Triage one answers file and print the plan."""
    streams = streams_of(ctx)
    compiled = api.engine(rules)
    locale = checked_locale(compiled.ruleset, locale)
    target = output_target(output, [0 if answers == "-" else Path(answers)])
    raw, where = read_answers(answers, streams.stdin)
    result = triage_answers(compiled, raw, source=where, missing=missing, locale=locale)
    write_output(streams, target, RENDERERS[format](result))
    if urgency_exit_code:
        raise typer.Exit(URGENCY_EXIT[result.urgency])


def questions(
    ctx: typer.Context,
    format: Annotated[DictionaryFormat, typer.Option(
        "--format", "-f", help="text table, JSON list, or JSON Schema for answer files.")]
        = DictionaryFormat.TEXT,
    rules: RulesOption = None,
) -> None:
    """Print the data dictionary: every question id, its type and allowed answers."""
    streams_of(ctx).out(dictionary(api.ruleset(rules), format))
