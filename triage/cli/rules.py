"""``triage rules ...``: the clinician's tools over a rule set.

Each command takes the rule set as a positional ``DIR`` or as ``--rules DIR`` (the
same as the other commands); the default is the shipped rules.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from triage import api
from triage.errors import MAX_REPORT_LINES_PER_FILE, ExitStatus
from triage.problems import bounded_lines, shown

from .common import RulesOption, emit, fail, handles_errors, output_target, write_output

rules_app = typer.Typer(
    name="rules",
    help="Check, review, test and verify a rule set (for clinicians).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

WORKING_COPY = Path("rules")
DirArgument = Annotated[Path | None, typer.Argument(
    metavar="[DIR]", help="Rule set directory (default: ./rules if the current folder has "
    "one, else the shipped rules).",
    file_okay=False, dir_okay=True, show_default=False)]


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


def rules_dir(directory: Path | None, rules: Path | None) -> Path:
    """The rule set named by DIR or --rules (not two different ones); else the working
    copy ``./rules`` when the current folder has one; else the shipped rules.

    Which one is used is said on stderr when it was not named, so a clinician editing
    ``rules/`` never checks the installed copy by mistake.
    """
    from triage.api import default_rules_dir
    from triage.language import MANIFEST

    if directory is not None and rules is not None and directory.resolve() != rules.resolve():
        raise fail(f"give the rule set once: DIR {directory} or --rules {rules}",
                   ExitStatus.BAD_INPUT)
    named = directory or rules
    if named is not None:
        return named
    if (WORKING_COPY / MANIFEST).is_file():
        typer.echo(f"triage: using the rule set in ./{WORKING_COPY} (the working copy here; "
                   "name another with DIR)", err=True)
        return WORKING_COPY
    shipped = default_rules_dir()
    typer.echo(f"triage: using the shipped rule set ({shipped}; name another with DIR)",
               err=True)
    return shipped


def _date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"--today: {shown(text)} is not a date like 2026-11-24",
                   ExitStatus.BAD_INPUT) from None


# --- triage rules check -------------------------------------------------------------------

@rules_app.command("check")
@handles_errors
def check_command(
    directory: DirArgument = None,
    rules: RulesOption = None,
    max_review_age: Annotated[int, typer.Option(
        "--max-review-age", metavar="DAYS", min=0,
        help="Warn about rules last reviewed more than DAYS days ago.")] = 365,
    today: Annotated[str | None, typer.Option(
        "--today", metavar="YYYY-MM-DD", help="Date to measure review age from "
        "(default: today).")] = None,
    format: Annotated[CheckFormat, typer.Option(
        "--format", "-f", help="text (file:line: severity: message) or json.")]
        = CheckFormat.text,
) -> None:
    """Validate the whole rule set: every error and warning as file:line. Exit 1 on errors."""
    from triage.clinician.ruleset_check import check
    from triage.language import MANIFEST

    folder = rules_dir(directory, rules)
    if not (folder / MANIFEST).is_file():  # nothing to check: bad input, not a failed check
        raise fail(f"{folder}: not a rule set directory (no {MANIFEST})", ExitStatus.BAD_INPUT)
    report = check(folder, max_review_age=max_review_age, today=_date(today))
    if format is CheckFormat.json:
        document = {"problems": [p.to_dict() for p in report.problems],
                    "counts": report.counts, "errors": len(report.errors),
                    "warnings": len(report.warnings)}
        emit(json.dumps(document, indent=2, sort_keys=True) + "\n")
    else:
        listed = bounded_lines(((issue.file, str(issue)) for issue in report.problems),
                               more=" (--format json lists them all)",
                               per_file=MAX_REPORT_LINES_PER_FILE)
        emit("".join(f"{line}\n" for line in listed) + report.summary() + "\n")
    if report.errors:
        raise typer.Exit(int(ExitStatus.CHECK_FAILED))


# --- triage rules test --------------------------------------------------------------------

@rules_app.command("test")
@handles_errors
def test_command(
    directory: DirArgument = None,
    rules: RulesOption = None,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Also list the cases that pass.")] = False,
) -> None:
    """Run the clinical test cases: expected vs actual for each failure. Exit 1 on any."""
    from triage.api import engine
    from triage.clinician.casereport import run_all

    report = run_all(engine(rules_dir(directory, rules)))
    emit(report.render(verbose=verbose))
    if report.failed:
        raise typer.Exit(int(ExitStatus.CHECK_FAILED))


# --- triage rules diff --------------------------------------------------------------------

@rules_app.command("diff")
@handles_errors
def diff_command(
    old: Annotated[Path, typer.Argument(
        metavar="OLD", help="The rule set before the change.", file_okay=False)],
    new: Annotated[Path, typer.Argument(
        metavar="NEW", help="The rule set after the change.", file_okay=False)],
    samples: Annotated[int, typer.Option(
        "--samples", "-n", min=0, help="How many random answer sets to compare.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random answer sets.")] = 0,
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help="Exit 1 when anything changed (default: 0, it is a report).")]
        = False,
) -> None:
    """What a change to the rules changes: rules, cases and sampled answer sets."""
    from triage.api import engine
    from triage.clinician.diff import diff_rulesets

    report = diff_rulesets(engine(old), engine(new), samples=samples, seed=seed)
    emit(report.render())
    if exit_code and report.changed:
        raise typer.Exit(int(ExitStatus.CHECK_FAILED))


# ------------------------------------------------------------------ rules verify

@rules_app.command("verify")
@handles_errors
def verify_command(
    directory: DirArgument = None,
    rules: RulesOption = None,
    samples: Annotated[int, typer.Option(
        "--samples", min=0, help="Random answer sets to add to the exhaustive design.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the design and the samples.")]
        = 0,
    quick: Annotated[bool, typer.Option(
        "--quick", help="Baseline background instead of the all-pairs design, "
        "200 samples unless --samples is given: seconds, not tens of seconds.")] = False,
) -> None:
    """Check the safety invariants over the answer space; exit 1 if any fails."""
    from triage.clinician.verify import verify
    from triage.clinician.verify_report import render_report

    compiled = api.engine(rules_dir(directory, rules))
    if not compiled.ruleset.invariants:
        raise fail(f"{compiled.ruleset.root}: the rule set declares no invariants "
                   "(add 'invariants:' to ruleset.yaml)", ExitStatus.BAD_INPUT)
    if quick and samples == 2000:
        samples = 200
    report = verify(compiled, samples_count=samples, seed=seed,
                    background="baseline" if quick else "pairwise")
    emit(render_report(report, compiled.ruleset))
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
    directory: DirArgument = None,
    rules: RulesOption = None,
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
    from triage.clinician.review import REVIEW_RENDERERS, case_coverage, document
    from triage.clinician.verify import verify

    compiled = api.engine(rules_dir(directory, rules))
    ruleset = compiled.ruleset
    target = output_target(output, [path for path in Path(ruleset.root).rglob("*")
                                    if path.is_file()])  # never over a rule file
    report = None
    if ruleset.invariants:
        report = verify(compiled, samples_count=2000 if full_verify else 200,
                        background="pairwise" if full_verify else "baseline")
    text = REVIEW_RENDERERS[format.value](document(ruleset, case_coverage(compiled),
                                                   report, date))
    write_output(target, text)
