"""What the commands share: their common options, and where a result is written."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from triage.intake.answers import Missing, check_locale
from triage.language.model import Ruleset
from triage.safewrite import Input, Target, check_output, write_text

from .streams import Streams

RulesOption = Annotated[Path | None, typer.Option(
    "--rules", help="Rule set directory (default: the shipped rules).",
    file_okay=False, dir_okay=True)]
MissingOption = Annotated[Missing, typer.Option(
    "--missing", help="Unanswered danger signs: refuse (bad input), or treat them "
    "conservatively (listed as unscreened; never self-care).")]
LocaleOption = Annotated[str | None, typer.Option(
    "--locale", help="Which emergency number to show (e.g. uk, us, eu, intl).")]


def checked_locale(ruleset: Ruleset, locale: str | None) -> str | None:
    """The ``--locale`` option, lower-cased, or a bad-input error naming the known ones."""
    return check_locale(ruleset, locale, option="--locale")


def output_target(path: Path | None, inputs: Iterable[Input] = (),
                  option: str = "") -> Target | None:
    """``-o FILE`` checked before any work (see :mod:`triage.safewrite`), or None for
    standard output."""
    return None if path is None else check_output(path, inputs=inputs, option=option)


def write_output(streams: Streams, target: Target | None, text: str) -> None:
    """The result: to its file, replaced safely, or to standard output."""
    if target is None:
        streams.out(text)
    else:
        write_text(target, text)
