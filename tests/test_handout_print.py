"""The printed handout, in a real browser: each bundled example prints within its page
budget on A4 and on Letter, and the pages it printed are kept to look at.

Measured before the handout was laid out for print (each stretch kept whole on its own
page, no page numbers): self-care 9 pages on A4 and Letter, urgent 2 on A4 and 3 on
Letter, emergency 1. Chromium prints the page; ``tests/output/handout/`` keeps the PDFs,
pages 1-2 of each as PNG files, and a screenshot of the screen view.
"""

from __future__ import annotations

import pytest
from browser import OUTPUT, print_pdf, screenshot
from conftest import ROOT, RULES
from typer.testing import CliRunner

from triage.cli import app

FOLDER = OUTPUT / "handout"
BUDGETS = {"self-care": 4, "urgent": 2, "emergency": 1}  # pages, on A4 and on Letter


def handout(example: str) -> str:
    """The patient's page of a bundled example, as `triage run -o plan.html` writes it."""
    result = CliRunner().invoke(app, ["run", str(ROOT / "examples" / f"{example}.yaml"),
                                      "--rules", str(RULES), "-f", "html",
                                      "--date", "2026-11-24"])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("example", sorted(BUDGETS))
def test_the_handout_prints_within_its_page_budget(example, paper):
    """Self-care in at most 4 pages, urgent in 2, emergency in 1, on A4 and Letter."""
    pdf = print_pdf(handout(example), FOLDER, f"{example}-{paper.lower()}", paper=paper)
    pdf.draw(first=2)
    assert 1 <= pdf.pages <= BUDGETS[example], f"{example} on {paper}: {pdf.pages} pages"


def test_the_emergency_handout_on_screen_shows_the_emergency_first():
    """A screenshot of the emergency page, as a screen shows it, is written to look at."""
    png = screenshot(handout("emergency"), FOLDER, "emergency-screen", width=900, height=1400)
    assert png.stat().st_size > 1000
