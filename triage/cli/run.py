"""``triage run``: one answers file to a plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from triage import api
from triage.documents.plan import URGENCY_LABELS
from triage.documents.render import Format, format_of, renderer
from triage.errors import TriageError
from triage.intake.answers import Missing
from triage.intake.files import read_answers
from triage.language.model import Urgency
from triage.pipeline import triage_answers

from .funnel import streams_of
from .options import (
    LocaleOption,
    MissingOption,
    RulesOption,
    checked_locale,
    iso_date,
    output_target,
    write_output,
)

URGENCY_EXIT = {Urgency.SELF_CARE: 0, Urgency.ROUTINE: 3, Urgency.URGENT: 4,
                Urgency.EMERGENCY: 5}


def run(
    ctx: typer.Context,
    answers: Annotated[str, typer.Argument(
        metavar="ANSWERS", help="Answers file (YAML or JSON), or - for standard input.")],
    format: Annotated[Format | None, typer.Option(
        "--format", "-f", help="Output format (md is markdown). Default: text, or with "
        "-o the file's extension (.txt, .md, .html, .json).", show_default=False)] = None,
    rules: RulesOption = None,
    missing: MissingOption = Missing.REFUSE,
    locale: LocaleOption = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", help="Write the plan to this file, in the format "
        "its extension names (.txt, .md, .html, .json), instead of standard output.",
        dir_okay=False)] = None,
    appendix: Annotated[bool | None, typer.Option(
        "--appendix/--no-appendix", help="Add the rules and their evidence, for "
        "clinicians. Default: in markdown, not in text or HTML.", show_default=False)]
        = None,
    date: Annotated[str | None, typer.Option(
        "--date", metavar="YYYY-MM-DD", help="A date to print on the plan (default: "
        "none).")]
        = None,
    urgency_exit_code: Annotated[bool, typer.Option(
        "--urgency-exit-code", help="Exit 0 self_care, 3 routine, 4 urgent, 5 emergency.")]
        = False,
) -> None:
    """Triage one answers file and print the plan."""
    streams = streams_of(ctx)
    target = output_target(output, [0 if answers == "-" else Path(answers)])
    chosen = _format(output, format)
    printed_on = _date(date)
    compiled = api.engine(rules)
    locale = checked_locale(compiled.ruleset, locale)
    raw, where = read_answers(answers, streams.stdin)
    result = triage_answers(compiled, raw, source=where, missing=missing, locale=locale)
    write_output(streams, target, renderer(chosen, date=printed_on, appendix=appendix)(result))
    if target is not None:  # the terminal's last line: the urgency, and where the plan is
        streams.note(f"{URGENCY_LABELS[result.urgency]}. The full plan is in {target.shown}.")
    if urgency_exit_code:
        raise typer.Exit(URGENCY_EXIT[result.urgency])


def _format(output: Path | None, format: Format | None) -> Format:
    """The format asked for: by ``-o``'s extension, which ``--format`` must agree with."""
    if output is None:
        return (format or Format.TEXT).canonical
    try:
        return format_of(output, format)
    except ValueError as exc:
        raise TriageError(f"--output {output}: {exc}") from None


def _date(date: str | None) -> str | None:
    return None if date is None else iso_date(date, "--date").isoformat()
