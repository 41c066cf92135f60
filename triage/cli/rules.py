"""``triage rules ...``: the clinician's tools over a rule set.

Each command takes the rule set as a positional ``DIR`` or as ``--rules DIR`` (the
same as the other commands); the default is the shipped rules.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from triage import api
from triage.clinician.formats import CheckFormat, DiffFormat, ReviewFormat
from triage.engine import Engine

if TYPE_CHECKING:
    from triage.clinician.diff import DiffReport
from triage.errors import ExitStatus, TriageError
from triage.problems import shown

from .funnel import streams_of
from .options import RulesOption, iso_date, output_target, write_output
from .streams import Streams
from .usage import Command

rules_app = typer.Typer(
    name="rules",
    help="Check, review, test and verify a rule set (for clinicians).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

WORKING_COPY = Path("rules")
DirArgument = Annotated[Path | None, typer.Argument(
    metavar="DIR", help="Rule set directory (default: ./rules if the current folder has "
    "one, else the shipped rules).",
    file_okay=False, dir_okay=True, show_default=False)]


def rules_dir(streams: Streams, directory: Path | None, rules: Path | None) -> Path:
    """The rule set named by DIR or --rules (not two different ones); else the working
    copy ``./rules`` when the current folder has one; else the shipped rules.

    Which one is used is said on stderr when it was not named, so a clinician editing
    ``rules/`` never checks the installed copy by mistake.
    """
    from triage.api import default_rules_dir
    from triage.language import MANIFEST

    if directory is not None and rules is not None and directory.resolve() != rules.resolve():
        raise TriageError(f"give the rule set once: DIR {directory} or --rules {rules}")
    named = directory or rules
    if named is not None:
        return named
    if (WORKING_COPY / MANIFEST).is_file():
        streams.note(f"triage: using the rule set in ./{WORKING_COPY} (the working copy "
                     "here; name another with DIR)")
        return WORKING_COPY
    shipped = default_rules_dir()
    streams.note(f"triage: using the shipped rule set ({shipped}; name another with DIR)")
    return shipped


def _date(text: str | None) -> dt.date:
    return dt.date.today() if text is None else iso_date(text, "--today")


# --- triage rules check -------------------------------------------------------------------

@rules_app.command("check", cls=Command)
def check_command(
    ctx: typer.Context,
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
        = CheckFormat.TEXT,
) -> None:
    """Validate the whole rule set: every error and warning as file:line. Exit 1 on errors."""
    from triage.clinician.ruleset_check import check
    from triage.language import MANIFEST

    streams = streams_of(ctx)
    folder = rules_dir(streams, directory, rules)
    if not (folder / MANIFEST).is_file():  # nothing to check: bad input, not a failed check
        raise TriageError(f"{folder}: not a rule set directory (no {MANIFEST})")
    report = check(folder, max_review_age=max_review_age, today=_date(today))
    streams.out(report.render(format))
    if report.errors:
        raise typer.Exit(int(ExitStatus.CHECK_FAILED))


# --- triage rules test --------------------------------------------------------------------

@rules_app.command("test", cls=Command)
def test_command(
    ctx: typer.Context,
    directory: DirArgument = None,
    rules: RulesOption = None,
    verbose: Annotated[bool, typer.Option(
        "--verbose", "-v", help="Also list the cases that pass.")] = False,
) -> None:
    """Run the clinical test cases: expected vs actual for each failure. Exit 1 on any."""
    from triage.api import engine
    from triage.clinician.casereport import run_all

    streams = streams_of(ctx)
    report = run_all(engine(rules_dir(streams, directory, rules)))
    streams.out(report.render(verbose=verbose))
    if report.failed:
        raise typer.Exit(int(ExitStatus.CHECK_FAILED))


# --- triage rules diff --------------------------------------------------------------------

@rules_app.command("diff", cls=Command)
def diff_command(
    ctx: typer.Context,
    old: Annotated[Path, typer.Argument(
        metavar="OLD", help="The rule set before the change.", file_okay=False)],
    new: Annotated[Path, typer.Argument(
        metavar="NEW", help="The rule set after the change.", file_okay=False)],
    samples: Annotated[int, typer.Option(
        "--samples", "-n", metavar="N", min=0, help="How many random answer sets to "
        "compare.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Seed of the random answer "
                                      "sets.")] = 0,
    exit_code: Annotated[bool, typer.Option(
        "--exit-code", help="Exit 1 when anything changed (default: 0, it is a report).")]
        = False,
    format: Annotated[DiffFormat, typer.Option(
        "--format", "-f", help="text, or the review of the change as markdown or "
        "self-contained printable HTML.")] = DiffFormat.TEXT,
) -> None:
    """What a change to the rules changes: safety-relevant changes first, then rules,
    questions, advice, invariants and hazards old -> new, cases and sampled answer sets."""
    from triage.api import engine

    before, after = engine(old), engine(new)
    report = _diff(before, after, samples, seed)
    if format is DiffFormat.TEXT:
        streams_of(ctx).out(report.render())
    else:
        from triage.clinician.change_review import change_document
        from triage.clinician.review import REVIEW_RENDERERS

        streams_of(ctx).out(REVIEW_RENDERERS[format](change_document(
            report, before.ruleset, after.ruleset)))
    if exit_code and report.changed:
        raise typer.Exit(int(ExitStatus.CHECK_FAILED))


def _diff(old: Engine, new: Engine, samples: int, seed: int) -> DiffReport:
    from triage.clinician.diff import diff_rulesets

    return diff_rulesets(old, new, samples=samples, seed=seed)


# ------------------------------------------------------------------ rules verify

@rules_app.command("verify", cls=Command)
def verify_command(
    ctx: typer.Context,
    directory: DirArgument = None,
    rules: RulesOption = None,
    samples: Annotated[int, typer.Option(
        "--samples", metavar="N", min=0, help="Random answer sets to try as well as the "
        "planned ones.")] = 2000,
    seed: Annotated[int, typer.Option("--seed", metavar="N", help="Seed for the planned and "
                                      "the random answer sets.")] = 0,
    quick: Annotated[bool, typer.Option(
        "--quick", help="A quicker, less thorough check (seconds, not tens of seconds): "
        "each answer is tried with one typical set of other answers, not with every pair "
        "of answers, and 200 random answer sets unless --samples says otherwise. For use "
        "while editing; run the full check before sign-off.")] = False,
    mutants: Annotated[bool, typer.Option(
        "--mutants", help="Instead, switch off each rule's condition and drop each of its "
        "effects in turn, and say which invariant or case notices (--samples: the random "
        "answer sets added to compare results). Exit 1 if a mutant of a safety-relevant "
        "rule survives.")] = False,
    rule: Annotated[list[str] | None, typer.Option(
        "--rule", metavar="ID", help="With --mutants: only the mutants of this rule "
        "(repeatable).")] = None,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", metavar="N", min=1, help="With --mutants: worker processes.")] = 1,
    format: Annotated[CheckFormat, typer.Option(
        "--format", "-f", help="With --mutants: text (a table and a score) or json.")]
        = CheckFormat.TEXT,
) -> None:
    """Check the safety invariants over the answer space; exit 1 if any fails."""
    from triage.clinician.verify import Depth, verify
    from triage.clinician.verify_report import render_report

    streams = streams_of(ctx)
    compiled = api.engine(rules_dir(streams, directory, rules))
    if not compiled.ruleset.invariants:
        raise TriageError(f"{compiled.ruleset.root}: the rule set declares no invariants "
                          "(add 'invariants:' to ruleset.yaml)")
    if mutants:
        _mutants(streams, compiled, rule or [], jobs, samples, seed, format)
        return
    depth = Depth.of(quick=quick, samples=samples)
    report = verify(compiled, samples_count=depth.samples, seed=seed,
                    background=depth.background)
    streams.out(render_report(report, compiled.ruleset))
    streams.note(f"triage: verify took {report.seconds:.1f} s")
    if not report.holds:
        raise typer.Exit(int(ExitStatus.CHECK_FAILED))


def _mutants(streams: Streams, compiled: Engine, only: list[str], jobs: int, samples: int,
             seed: int, format: CheckFormat) -> None:
    """``rules verify --mutants``: the table and score (or JSON); exit 1 on a safety-relevant
    survivor."""
    from triage.clinician.mutants import mutation_test, render_text, to_json
    from triage.problems import suggest

    known = [r.id for r in compiled.ruleset.active_rules]
    for rid in only:
        if rid not in known:
            hint = suggest(rid, known)
            raise TriageError(f"--rule: no active rule {shown(rid)}"
                              + (f"; did you mean {hint!r}?" if hint else ""))
    report = mutation_test(compiled, jobs=jobs, samples_count=samples, seed=seed, only=only)
    if format is CheckFormat.JSON:
        streams.out(json.dumps(to_json(report), indent=2, sort_keys=True) + "\n")
    else:
        streams.out(render_text(report))
    streams.note(f"triage: the mutation test took {report.seconds:.1f} s with --jobs {jobs}")
    if report.failed:
        raise typer.Exit(int(ExitStatus.CHECK_FAILED))


# ------------------------------------------------------------------ rules review

@rules_app.command("review", cls=Command)
def review_command(
    ctx: typer.Context,
    directory: DirArgument = None,
    rules: RulesOption = None,
    format: Annotated[ReviewFormat, typer.Option(
        "--format", "-f", help="markdown, or self-contained printable HTML.")]
        = ReviewFormat.MARKDOWN,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE", help="Write the document to this file instead of "
        "standard output.",
        dir_okay=False)] = None,
    date: Annotated[str | None, typer.Option(
        "--date", metavar="YYYY-MM-DD", help="A date to print on the document (none by "
        "default, so the same rules give the same document).")] = None,
    full_verify: Annotated[bool, typer.Option(
        "--full-verify", help="Verify the invariants with the full check (every pair of "
        "answers; tens of seconds) instead of the quick one.")] = False,
    mutants: Annotated[bool, typer.Option(
        "--mutants", help="Also run the mutation test (rules verify --mutants) and show "
        "each rule's status: which invariants and cases guard it.")] = False,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", metavar="N", min=1, help="With --mutants: worker processes.")] = 1,
    since: Annotated[Path | None, typer.Option(
        "--since", metavar="OLD_DIR", file_okay=False, help="Review only what changed since "
        "the rule set in OLD_DIR: safety-relevant changes first, then old -> new per field, "
        "the cases and sampled answer sets whose outcome changes (as rules diff).")] = None,
) -> None:
    """Write a review document a clinician can sign off: the questionnaire, rules, advice,
    hazards, invariants, coverage; or, with --since, the review of a change."""
    from triage.clinician.review import REVIEW_RENDERERS, case_coverage, document
    from triage.clinician.review_front import danger_urgencies
    from triage.clinician.verify import Depth, verify

    streams = streams_of(ctx)
    date = None if date is None else iso_date(date, "--date").isoformat()
    compiled = api.engine(rules_dir(streams, directory, rules))
    ruleset = compiled.ruleset
    target = output_target(output, [path for path in Path(ruleset.root).rglob("*")
                                    if path.is_file()])  # never over a rule file
    if since is not None:
        from triage.clinician.change_review import change_document

        old = api.engine(since)
        change = change_document(_diff(old, compiled, 2000, 0), old.ruleset, ruleset, date)
        write_output(streams, target, REVIEW_RENDERERS[format](change))
        return
    report = None
    if ruleset.invariants:
        depth = Depth.of(quick=not full_verify)
        report = verify(compiled, samples_count=depth.samples, background=depth.background)
    mutation = None
    if mutants:
        from triage.clinician.mutants import mutation_test

        mutation = mutation_test(compiled, jobs=jobs).status_by_rule()
    text = REVIEW_RENDERERS[format](document(ruleset, case_coverage(compiled), report, date,
                                             mutation, danger_urgencies(compiled)))
    write_output(streams, target, text)
