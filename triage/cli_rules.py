"""``triage rules ...``: the clinician's tools over a rule set."""

from __future__ import annotations

import typer

rules_app = typer.Typer(
    name="rules",
    help="Check, review, test and verify a rule set (for clinicians).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
