"""What the commands share: their common options, and where a result is written."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from triage.errors import TriageError
from triage.intake.answers import Missing, check_locale
from triage.language.model import Ruleset
from triage.problems import shown
from triage.safewrite import Input, Target, check_output, write_text

from .streams import Streams

RulesOption = Annotated[Path | None, typer.Option(
    "--rules", metavar="DIR", help="Rule set directory (default: the shipped rules).",
    file_okay=False, dir_okay=True)]
MissingOption = Annotated[Missing, typer.Option(
    "--missing", help="Unanswered danger signs: refuse (bad input), or treat them "
    "conservatively (listed as unscreened; never self-care).")]
LocaleOption = Annotated[str | None, typer.Option(
    "--locale", metavar="NAME", help="Which emergency number and services to show "
    "(e.g. uk, us, eu, intl).")]


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_date(text: str, option: str) -> dt.date:
    """A date given as YYYY-MM-DD, and only so (not 30/11/2026, 20261130 or yesterday);
    else one bad-input error naming the option."""
    try:
        if ISO_DATE.fullmatch(text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise TriageError(f"{option}: {shown(text)} is not a date written as YYYY-MM-DD "
                      "(like 2026-11-24)")


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
