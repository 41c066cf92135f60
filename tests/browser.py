"""Print HTML in headless Chromium the way a reader's browser prints it (tests only).

Page budgets of the handout and the review document are measured here, in a real browser,
not guessed from the HTML. Debian's ``chromium`` package is the browser; ``.ci/run``
installs it when it is missing. ``pypdfium2`` counts the printed pages and draws them as
PNG files, so a person can look at exactly what was printed.

    pdf = print_pdf(html_text, OUTPUT / "handout", "self-care-a4", paper="A4")
    assert pdf.pages <= 4
    pdf.draw(first=2)            # self-care-a4-page1.png, -page2.png next to the PDF

Tests call :func:`require_chromium` first: it skips them with the reason when no browser
can be had on this machine, unless ``BACKTRIAGE_REQUIRE_BROWSER=1`` (set by ``.ci/run``
after it installed the browser), where a missing browser fails instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest

Paper = Literal["A4", "Letter"]

# Where the tests write what they printed (git-ignored): tests/output/<folder>/.
OUTPUT = Path(__file__).resolve().parent / "output"

_FLAGS = (
    "--headless",
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",  # Chromium's own date/title/URL lines are not ours
)


def chromium() -> str | None:
    """The browser's path, or None when this machine has none."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """The browser's path; skip the test with the reason when there is none."""
    found = chromium()
    if found:
        return found
    reason = ("headless Chromium is not installed (Debian: apt-get install chromium; "
              ".ci/run installs it when it runs as root)")
    if os.environ.get("BACKTRIAGE_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass(frozen=True)
class Printed:
    pdf: Path
    pages: int

    def draw(self, first: int = 2, scale: float = 1.0) -> list[Path]:
        """Draw the first pages as PNG files next to the PDF; return their paths."""
        import pypdfium2 as pdfium

        drawn = []
        document = pdfium.PdfDocument(self.pdf)
        try:
            for index in range(min(first, len(document))):
                png = self.pdf.with_name(f"{self.pdf.stem}-page{index + 1}.png")
                document[index].render(scale=scale).to_pil().save(png)
                drawn.append(png)
        finally:
            document.close()
        return drawn


def _with_paper(html: str, paper: Paper) -> str:
    """The page with its paper size set last, so it wins over the page's own @page size."""
    rule = f"<style>@page {{ size: {paper}; }}</style>"
    if "</head>" in html:
        return html.replace("</head>", rule + "</head>", 1)
    return rule + html


def print_pdf(html: str, folder: Path, name: str, paper: Paper = "A4",
              timeout: float = 120.0) -> Printed:
    """Print ``html`` to ``folder/name.pdf`` on ``paper``; return the file and its page count."""
    import pypdfium2 as pdfium

    browser = require_chromium()
    folder.mkdir(parents=True, exist_ok=True)
    pdf = folder / f"{name}.pdf"
    page = folder / f"{name}.html"
    page.write_text(_with_paper(html, paper), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="backtriage-chromium-") as profile:
        subprocess.run(
            [browser, *_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
             page.as_uri()],
            check=True, capture_output=True, timeout=timeout)
    document = pdfium.PdfDocument(pdf)
    try:
        pages = len(document)
    finally:
        document.close()
    return Printed(pdf, pages)


def screenshot(html: str, folder: Path, name: str, width: int = 1280, height: int = 1600,
               timeout: float = 120.0) -> Path:
    """A screenshot of ``html`` as a screen shows it (not printed): ``folder/name.png``."""
    browser = require_chromium()
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / f"{name}.html"
    png = folder / f"{name}.png"
    page.write_text(html, encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="backtriage-chromium-") as profile:
        subprocess.run(
            [browser, *_FLAGS, f"--user-data-dir={profile}", f"--screenshot={png}",
             f"--window-size={width},{height}", "--hide-scrollbars", page.as_uri()],
            check=True, capture_output=True, timeout=timeout)
    return png
