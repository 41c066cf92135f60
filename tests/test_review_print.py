"""The review document printed in a real browser: under 25 pages on A4 and Letter."""

from __future__ import annotations

import pytest
from browser import OUTPUT, print_pdf, require_chromium
from conftest import RULES

import triage
from triage.clinician.review import case_coverage, document, render_html
from triage.clinician.review_front import danger_urgencies
from triage.clinician.verify import Depth, verify

PAGE_BUDGET = 25


@pytest.fixture(scope="module")
def shipped_html() -> str:
    engine = triage.engine(RULES)
    depth = Depth.of(quick=True)
    report = verify(engine, samples_count=depth.samples, background=depth.background)
    return render_html(document(engine.ruleset, case_coverage(engine), report, "2026-12-01",
                                urgencies=danger_urgencies(engine)))


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_shipped_review_prints_under_25_pages(shipped_html: str, paper: str) -> None:
    """Chromium prints the shipped rules' review in under 25 pages, numbered 'page N of M'
    at the foot; pages 1 and 2 are drawn under tests/output/review/ to look at."""
    import pypdfium2 as pdfium

    require_chromium()
    printed = print_pdf(shipped_html, OUTPUT / "review", f"review-{paper.lower()}", paper=paper)
    assert printed.pages < PAGE_BUDGET
    document = pdfium.PdfDocument(printed.pdf)
    try:
        first = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    assert f"page 1 of {printed.pages}" in first
    assert "Clinical review: backtriage-core" in first and "Signature" in first
    printed.draw(first=2)
