"""What people and clinicians read is pinned byte for byte: golden files.

`triage run` in text, markdown and HTML for the bundled self-care example and four
variants (held-back medicines with blank answers, urgent, urgent with a danger sign not
screened, emergency), and `triage rules review` in markdown and HTML, were recorded on
rule set 0.2.0 before the renderers were reorganised. Any change to these bytes must be
deliberate: a renderer fix in a commit of its own that says so and re-records the files.
When the *rules* change, the outputs change on purpose: regenerate with
``PYTHONPATH=. python tests/test_golden.py`` (from the repository root).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, RULES
from typer.testing import CliRunner

import triage
from triage.cli import app

GOLDEN = Path(__file__).resolve().parent / "golden"
RULESET_SHA256 = "3ca7cb25c36c"  # the rule set the files were recorded on (prefix)
EXAMPLES = {  # name -> (answers file, extra options)
    "self-care": (ROOT / "examples" / "self-care.yaml", ()),
    "self-care-held-back": (GOLDEN / "self-care-held-back.yaml", ()),
    "urgent": (ROOT / "examples" / "urgent.yaml", ()),
    "urgent-unscreened": (GOLDEN / "urgent-unscreened.yaml", ("--missing", "conservative")),
    "emergency": (ROOT / "examples" / "emergency.yaml", ()),
}
FORMATS = {"text": "txt", "markdown": "md", "html": "html"}
RUNS = {f"run-{name}.{suffix}": ["run", str(path), "--rules", str(RULES), "-f", fmt, *extra]
        for name, (path, extra) in EXAMPLES.items() for fmt, suffix in FORMATS.items()}
REVIEWS = {f"review.{suffix}": ["rules", "review", str(RULES), "-f", fmt]
           for fmt, suffix in (("markdown", "md"), ("html", "html"))}


def printed(args: list[str]) -> bytes:
    """What the command writes on standard output, as bytes."""
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes


@pytest.fixture(scope="module")
def recorded() -> None:
    """The shipped rules, when they are the ones the files were recorded on."""
    if not triage.ruleset(RULES).sha256.startswith(RULESET_SHA256):
        pytest.skip("the rules changed since the golden files were recorded; regenerate "
                    "them (see this module's docstring)")


@pytest.mark.parametrize("name", sorted(RUNS))
def test_triage_run_prints_the_recorded_plan(recorded, name):
    """The plan of each example, in each format, is byte-for-byte the recorded one."""
    assert printed(RUNS[name]) == (GOLDEN / name).read_bytes()


@pytest.mark.parametrize("name", sorted(REVIEWS))
def test_rules_review_prints_the_recorded_document(recorded, name, monkeypatch):
    """The review document, in markdown and HTML, is byte-for-byte the recorded one."""
    monkeypatch.chdir(ROOT)
    assert printed(REVIEWS[name]) == (GOLDEN / name).read_bytes()


if __name__ == "__main__":
    import os

    os.chdir(ROOT)
    for name, args in {**RUNS, **REVIEWS}.items():
        (GOLDEN / name).write_bytes(printed(args))
        print(GOLDEN / name)
