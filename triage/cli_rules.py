"""``triage rules ...``: the clinician's tools over a rule set.

Each command takes the rule set as a positional ``DIR`` or as ``--rules DIR`` (the
same as the other commands); the default is the shipped rules.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .cli_common import RulesOption, fail, handles_errors
from .errors import ExitStatus

rules_app = typer.Typer(
    name="rules",
    help="Check, review, test and verify a rule set (for clinicians).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

DirArgument = Annotated[Path | None, typer.Argument(
    metavar="[DIR]", help="Rule set directory (default: the shipped rules).",
    file_okay=False, dir_okay=True, show_default=False)]


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


def rules_dir(directory: Path | None, rules: Path | None) -> Path:
    """The rule set named by DIR or --rules (not two different ones), else the shipped one."""
    from .api import default_rules_dir

    if directory is not None and rules is not None and directory.resolve() != rules.resolve():
        raise fail(f"give the rule set once: DIR {directory} or --rules {rules}",
                   ExitStatus.BAD_INPUT)
    return directory or rules or default_rules_dir()


def _date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise fail(f"--today: {text!r} is not a date like 2026-11-24",
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
    from .checks import check
    from .loader import MANIFEST

    folder = rules_dir(directory, rules)
    if not (folder / MANIFEST).is_file():  # nothing to check: bad input, not a failed check
        raise fail(f"{folder}: not a rule set directory (no {MANIFEST})", ExitStatus.BAD_INPUT)
    report = check(folder, max_review_age=max_review_age, today=_date(today))
    if format is CheckFormat.json:
        document = {"problems": [p.to_dict() for p in report.problems],
                    "counts": report.counts, "errors": len(report.errors),
                    "warnings": len(report.warnings)}
        sys.stdout.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
    else:
        sys.stdout.write("".join(f"{problem}\n" for problem in report.problems)
                         + report.summary() + "\n")
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
    from .api import engine
    from .casereport import run_all

    report = run_all(engine(rules_dir(directory, rules)))
    sys.stdout.write(report.render(verbose=verbose))
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
    from .api import engine
    from .diff import diff_rulesets

    report = diff_rulesets(engine(old), engine(new), samples=samples, seed=seed)
    sys.stdout.write(report.render())
    if exit_code and report.changed:
        raise typer.Exit(int(ExitStatus.CHECK_FAILED))
