"""``triage rules ...``: the clinician's tools over a rule set."""

from __future__ import annotations

import sys
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
