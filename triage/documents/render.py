"""A result written in a format: the plan document (:mod:`triage.documents.plan`) as
text, markdown or HTML, or the result itself as JSON (the machine contract).

Every renderer has one signature, ``Result -> str``; options (the date printed on a
handout) are given when it is made: :func:`renderer`. Each is a pure function of the
result, so the same answers and rules give byte-identical output (no timestamps unless a
date is given, stable order).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum

from triage.language.model import Result

from . import html, markdown, text
from .blocks import Document
from .plan import plan_document

Renderer = Callable[[Result], str]


class Format(StrEnum):
    """The formats of a plan (``triage run --format``)."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"


WRITERS: dict[str, Callable[[Document], str]] = {
    Format.TEXT: text.render, Format.MARKDOWN: markdown.render, Format.HTML: html.render}


def render_json(result: Result) -> str:
    """The machine contract of DESIGN.md, keys sorted, UTF-8."""
    return json.dumps(result.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def renderer(format: Format | str, *, date: str | None = None) -> Renderer:
    """The renderer for ``format``; ``date`` (YYYY-MM-DD) is printed on the plan."""
    if format == Format.JSON:
        return render_json
    write = WRITERS[format]
    return lambda result: write(plan_document(result, date))


def render_text(result: Result) -> str:
    """Plain text for a terminal or a printout (no colour, no markup)."""
    return text.render(plan_document(result))


def render_markdown(result: Result, *, date: str | None = None) -> str:
    """Markdown for a handout or a web page (``date``: printed in the footer, if given).
    Every text from the rules is escaped (:func:`~triage.documents.markdown.escape_markdown`)."""
    return markdown.render(plan_document(result, date))


def render_html(result: Result, *, date: str | None = None) -> str:
    """A self-contained, printable HTML page (inline CSS, no scripts, no external links)."""
    return html.render(plan_document(result, date))


RENDERERS: dict[str, Renderer] = {format: renderer(format) for format in Format}
