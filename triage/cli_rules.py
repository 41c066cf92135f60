"""``triage rules ...``: the clinician's tools over a rule set."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from . import api
from .cli_common import fail, handles_errors
from .errors import ExitStatus

rules_app = typer.Typer(
    name="rules",
    help="Check, review, test and verify a rule set (for clinicians).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


RulesDir = Annotated[Path | None, typer.Argument(
    metavar="[DIR]", help="Rule set directory (default: the shipped rules).",
    file_okay=False, dir_okay=True, show_default=False)]


# ------------------------------------------------------------------ rules verify

@rules_app.command("verify")
@handles_errors
def verify_command(
    directory: RulesDir = None,
    samples: Annotated[int, typer.Option(
        "--samples", min=0, help="Random answer sets to add to the exhaustive design.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the design and the samples.")]
        = 0,
    quick: Annotated[bool, typer.Option(
        "--quick", help="Baseline background instead of the all-pairs design, "
        "200 samples unless --samples is given: seconds, not tens of seconds.")] = False,
) -> None:
    """Check the safety invariants over the answer space; exit 1 if any fails."""
    from .verify import render_report, verify

    compiled = api.engine(directory)
    if not compiled.ruleset.invariants:
        raise fail(f"{compiled.ruleset.root}: the rule set declares no invariants "
                   "(add 'invariants:' to ruleset.yaml)", ExitStatus.BAD_INPUT)
    if quick and samples == 2000:
        samples = 200
    report = verify(compiled, samples_count=samples, seed=seed,
                    background="baseline" if quick else "pairwise")
    sys.stdout.write(render_report(report, compiled.ruleset))
    typer.echo(f"triage: verify took {report.seconds:.1f} s", err=True)
    if not report.holds:
        raise typer.Exit(int(ExitStatus.CHECK_FAILED))


# ------------------------------------------------------------------ rules review

class ReviewFormat(StrEnum):
    markdown = "markdown"
    html = "html"


@rules_app.command("review")
@handles_errors
def review_command(
    directory: RulesDir = None,
    format: Annotated[ReviewFormat, typer.Option(
        "--format", "-f", help="markdown, or self-contained printable HTML.")]
        = ReviewFormat.markdown,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the document to this file instead of standard output.",
        dir_okay=False)] = None,
    date: Annotated[str | None, typer.Option(
        "--date", help="A date to print on the document (none by default, so the same "
        "rules give the same document).")] = None,
    full_verify: Annotated[bool, typer.Option(
        "--full-verify", help="Verify the invariants over the full all-pairs design "
        "(tens of seconds) instead of the quick check.")] = False,
) -> None:
    """Write a review document a clinician can sign off: rules, advice, coverage, invariants."""
    from .review import REVIEW_RENDERERS, case_coverage, document
    from .verify import verify

    compiled = api.engine(directory)
    ruleset = compiled.ruleset
    report = None
    if ruleset.invariants:
        report = verify(compiled, samples_count=2000 if full_verify else 200,
                        background="pairwise" if full_verify else "baseline")
    text = REVIEW_RENDERERS[format.value](document(ruleset, case_coverage(compiled),
                                                   report, date))
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail(f"{output}: cannot write: {exc.strerror}", ExitStatus.BAD_INPUT) from None
