"""The printing helper itself: what it reports is what Chromium printed."""

from __future__ import annotations

from pathlib import Path

from browser import print_pdf


def test_a_short_page_prints_on_one_sheet_and_a_long_one_on_more(tmp_path: Path) -> None:
    short = "<html><head><title>t</title></head><body><p>One line.</p></body></html>"
    long = ("<html><head><title>t</title></head><body>"
            + "".join(f"<p>Line {n}</p>" for n in range(400)) + "</body></html>")
    assert print_pdf(short, tmp_path, "short", paper="A4").pages == 1
    a4 = print_pdf(long, tmp_path, "long-a4", paper="A4")
    letter = print_pdf(long, tmp_path, "long-letter", paper="Letter")
    assert a4.pages > 1 and letter.pages > 1
    # Letter is shorter than A4, so the same text never takes fewer Letter pages.
    assert letter.pages >= a4.pages
    drawn = a4.draw(first=2)
    assert [p.name for p in drawn] == ["long-a4-page1.png", "long-a4-page2.png"]
    assert all(p.stat().st_size > 1000 for p in drawn)
