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
from pathlib import PurePath

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
    MD = "md"  # another name for markdown (``--format md``)

    @property
    def canonical(self) -> Format:
        """The format itself, with ``md`` read as ``markdown``."""
        return Format.MARKDOWN if self is Format.MD else self


# The format of a plan written to a file, by the file's extension.
EXTENSIONS: dict[str, Format] = {".txt": Format.TEXT, ".md": Format.MARKDOWN,
                                 ".markdown": Format.MARKDOWN, ".html": Format.HTML,
                                 ".htm": Format.HTML, ".json": Format.JSON}
# The rules and evidence are for clinicians: in the markdown and JSON, not in what the
# person reads (the terminal, the printed page) unless asked for.
APPENDIX_BY_DEFAULT = {Format.TEXT: False, Format.MARKDOWN: True, Format.HTML: False}


def format_of(path: PurePath, format: Format | None = None,
              allowed: tuple[Format, ...] = tuple(EXTENSIONS.values())) -> Format:
    """The format of a plan written to ``path``: its extension's, which ``format`` (given
    as an option) must agree with. Raises :class:`ValueError` with the reason, for the
    caller to name its option."""
    by_extension = EXTENSIONS.get(path.suffix.lower())
    if by_extension is None or by_extension not in allowed:
        names = ", ".join(dict.fromkeys(ext for ext, fmt in EXTENSIONS.items()
                                        if fmt in allowed and ext not in (".markdown", ".htm")))
        raise ValueError(f"the file's extension says which format to write: {names}")
    if format is not None and format.canonical is not by_extension:
        raise ValueError(f"the extension {path.suffix} means {by_extension.value}, "
                         f"not --format {format.value}")
    return by_extension


# The module whose ``render(document)`` writes each format, imported when first used (a
# command that prints text never loads the HTML or markdown writers).
WRITERS: dict[str, str] = {Format.TEXT: "text", Format.MARKDOWN: "markdown",
                           Format.HTML: "html"}


def writer(format: Format | str) -> Callable[[Document], str]:
    """The function that writes a document in ``format`` (not JSON)."""
    format = Format(format).canonical
    write: Callable[[Document], str] = importlib.import_module(
        f"{__package__}.{WRITERS[format]}").render
    return write


def render_json(result: Result) -> str:
    """The machine contract of DESIGN.md, keys sorted, UTF-8: the text of
    ``json.dumps(result.to_dict(), indent=2, sort_keys=True, ensure_ascii=False)`` and a
    newline, written by :func:`~triage.documents.jsontext.dumps_indented` (the same
    characters in about a third of the time)."""
    from .jsontext import dumps_indented

    return dumps_indented(result.to_dict()) + "\n"


def renderer(format: Format | str, *, date: str | None = None,
             appendix: bool | None = None) -> Renderer:
    """The renderer for ``format``; ``date`` (YYYY-MM-DD) is printed on the plan;
    ``appendix``: add the rules and evidence (default: in markdown only)."""
    if format == Format.JSON:
        return render_json
    if format not in set(Format):  # an unknown format fails here, not at the first result
        raise KeyError(format)
    format = Format(format).canonical
    shown = APPENDIX_BY_DEFAULT[format] if appendix is None else appendix
    return lambda result: writer(format)(plan_document(result, date, appendix=shown))


def render_text(result: Result) -> str:
    """Plain text for a terminal or a printout (no colour, no markup)."""
    return writer(Format.TEXT)(plan_document(result, appendix=False))


def render_markdown(result: Result, *, date: str | None = None) -> str:
    """Markdown for a handout or a web page (``date``: printed in the footer, if given).
    Every text from the rules is escaped (:func:`~triage.documents.markdown.escape_markdown`)."""
    return writer(Format.MARKDOWN)(plan_document(result, date, appendix=True))


def render_html(result: Result, *, date: str | None = None) -> str:
    """A self-contained, printable HTML page (inline CSS, no scripts, no external links)."""
    return writer(Format.HTML)(plan_document(result, date, appendix=False))


RENDERERS: dict[str, Renderer] = {format: renderer(format) for format in Format}
