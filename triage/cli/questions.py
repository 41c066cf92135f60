"""``triage questions``: the data dictionary (its own module, so ``triage run`` starts
without the dictionary code)."""

from __future__ import annotations

from typing import Annotated

import typer

from triage import api
from triage.questionnaire.dictionary import DictionaryFormat, dictionary

from .funnel import streams_of
from .options import RulesOption


def questions(
    ctx: typer.Context,
    format: Annotated[DictionaryFormat, typer.Option(
        "--format", "-f", help="text table, JSON list, or JSON Schema for answer files.")]
        = DictionaryFormat.TEXT,
    rules: RulesOption = None,
) -> None:
    """Print the data dictionary: every question id, its type and allowed answers."""
    streams_of(ctx).out(dictionary(api.ruleset(rules), format))
