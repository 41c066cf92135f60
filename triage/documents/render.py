"""A result written in a format: the plan document (:mod:`triage.documents.plan`) as
text, markdown or HTML, or the result itself as JSON (the machine contract).

Every renderer has one signature, ``Result -> str``; options (the date printed on a
handout) are given when it is made: :func:`renderer`. Each is a pure function of the
result, so the same answers and rules give byte-identical output (no timestamps unless a
date is given, stable order).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from enum import StrEnum

from triage.language.model import Result

from .blocks import Document
from .plan import plan_document

Renderer = Callable[[Result], str]


class Format(StrEnum):
    """The formats of a plan (``triage run --format``)."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"


# The module whose ``render(document)`` writes each format, imported when first used (a
# command that prints text never loads the HTML or markdown writers).
WRITERS: dict[str, str] = {Format.TEXT: "text", Format.MARKDOWN: "markdown",
                           Format.HTML: "html"}


def writer(format: Format | str) -> Callable[[Document], str]:
    """The function that writes a document in ``format`` (not JSON)."""
    write: Callable[[Document], str] = importlib.import_module(
        f"{__package__}.{WRITERS[format]}").render
    return write


def render_json(result: Result) -> str:
    """The machine contract of DESIGN.md, keys sorted, UTF-8."""
    import json

    return json.dumps(result.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def renderer(format: Format | str, *, date: str | None = None) -> Renderer:
    """The renderer for ``format``; ``date`` (YYYY-MM-DD) is printed on the plan."""
    if format == Format.JSON:
        return render_json
    if format not in WRITERS:  # an unknown format fails here, not at the first result
        raise KeyError(format)
    return lambda result: writer(format)(plan_document(result, date))


def render_text(result: Result) -> str:
    """Plain text for a terminal or a printout (no colour, no markup)."""
    return writer(Format.TEXT)(plan_document(result))


def render_markdown(result: Result, *, date: str | None = None) -> str:
    """Markdown for a handout or a web page (``date``: printed in the footer, if given).
    Every text from the rules is escaped (:func:`~triage.documents.markdown.escape_markdown`)."""
    return writer(Format.MARKDOWN)(plan_document(result, date))


def render_html(result: Result, *, date: str | None = None) -> str:
    """A self-contained, printable HTML page (inline CSS, no scripts, no external links)."""
    return writer(Format.HTML)(plan_document(result, date))


RENDERERS: dict[str, Renderer] = {format: renderer(format) for format in Format}
