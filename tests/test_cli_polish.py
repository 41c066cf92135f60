"""The command line by typer and httpie conventions: --version, -h, clean usage strings,
descriptions in full at 80 columns, dates as YYYY-MM-DD only."""

from __future__ import annotations

import re

import pytest
from conftest import RULES
from typer.testing import CliRunner

import triage
from triage.cli import app

runner = CliRunner()

COMMANDS = [[], ["ask"], ["batch"], ["run"], ["questions"], ["rules"], ["rules", "check"],
            ["rules", "test"], ["rules", "diff"], ["rules", "verify"], ["rules", "review"]]


def helped(args: list[str], flag: str = "--help") -> str:
    result = runner.invoke(app, [*args, flag], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_version_names_the_package_and_the_shipped_rule_set():
    """--version: triage's version, and the shipped rule set's name, version, short sha256."""
    result = runner.invoke(app, ["--version"])
    rules = triage.ruleset(RULES)
    assert result.exit_code == 0
    assert result.stdout == (f"triage {triage.__version__}\n"
                             f"rules {rules.name} {rules.version} (sha256 {rules.sha256[:12]})\n")


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args) or "triage")
def test_dash_h_is_help_on_every_command(args):
    """-h shows the same help as --help, on every command and group."""
    assert helped(args, "-h") == helped(args)
    assert "-h, --help" in helped(args)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda args: " ".join(args) or "triage")
def test_help_has_clean_usage_and_whole_descriptions(args):
    """No [[DIR]], {ANSWERS|-}, <int range> or <str>; nothing cut off with '...'; nothing
    wider than 80 columns."""
    text = helped(args)
    for unclean in ("[[", "{", "|-", "<int", "<str>", "<directory>", "<file>", "x>="):
        assert unclean not in text, unclean
    assert not re.search(r"\w\.\.\.$", text, re.MULTILINE)  # a description cut off
    assert max(len(line) for line in text.splitlines()) <= 80


def test_usage_lines_name_the_arguments():
    """Usage lines read ANSWERS, IN, DIR, OLD NEW."""
    assert "Usage: triage run [OPTIONS] ANSWERS\n" in helped(["run"])
    assert "Usage: triage batch [OPTIONS] IN\n" in helped(["batch"])
    assert "Usage: triage rules check [OPTIONS] [DIR]\n" in helped(["rules", "check"])
    assert "Usage: triage rules diff [OPTIONS] OLD NEW\n" in helped(["rules", "diff"])


def test_quick_is_explained_in_the_users_terms():
    """verify --quick says what it gives up, not the design's internal name."""
    text = " ".join(helped(["rules", "verify"]).split())
    assert ("--quick A quicker, less thorough check (seconds, not tens of seconds): each answer "
            "is tried with one typical set of other answers, not with every pair of answers"
            ) in text
    assert "all-pairs" not in text and "Baseline background" not in text


@pytest.mark.parametrize(("args", "option", "given"), [
    (["rules", "review", str(RULES), "--date", "yesterday"], "--date", "yesterday"),
    (["rules", "review", str(RULES), "--date", "2026-11-31"], "--date", "2026-11-31"),
    (["ask", "--date", "30/11/2026"], "--date", "30/11/2026"),
    (["ask", "--date", "20261130"], "--date", "20261130"),
    (["rules", "check", str(RULES), "--today", "2026-W48-1"], "--today", "2026-W48-1"),
])
def test_dates_are_yyyy_mm_dd_only(args, option, given):
    """Every date option takes YYYY-MM-DD only, with one clear error (exit 2)."""
    result = runner.invoke(app, args, input="")
    assert result.exit_code == 2
    assert result.stderr == (f"triage: error: {option}: {given!r} is not a date written as "
                             "YYYY-MM-DD (like 2026-11-24)\n")


def test_review_date_in_iso_form_is_printed(tmp_path):
    """A valid --date is accepted and printed on the review document."""
    result = runner.invoke(app, ["rules", "review", str(RULES), "--date", "2026-12-01"])
    assert result.exit_code == 0
    assert "2026-12-01" in result.stdout


@pytest.mark.parametrize(("given", "said"), [
    ("two", "'two' is not a valid whole number."),
    ("-1", "-1 is not in the range 0 or more."),
])
def test_a_bad_number_option_is_refused_in_plain_words(given, said):
    """A new user's trial: "'two' is not a valid int range" and "not in the range at
    least 0" were the parser's words; the help says "[default: 1; 0 or more]"."""
    result = runner.invoke(app, ["batch", "-", "--jobs", given])
    assert result.exit_code == 2
    assert said in result.stderr
    assert "[default: 1; 0 or more]" in " ".join(runner.invoke(app, ["batch", "-h"]).stdout.split())
