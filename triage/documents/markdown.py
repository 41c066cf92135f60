"""Markdown: any document, for a handout, a web page or a review. Every text from the
rules is escaped (:func:`escape_markdown`), so nothing in a rule file can become markup,
HTML, a link, a table cell or a heading."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .blocks import (
    Banner,
    Block,
    Document,
    Entry,
    Heading,
    HeldBack,
    Items,
    Notice,
    Para,
    Recap,
    Section,
    Table,
    Why,
    YourAnswers,
)
from .words import (
    APPENDIX,
    WHAT_NOW,
    dose_line,
    footer_text,
    intermediate,
    said_lines,
)

# Markdown's active punctuation; "_" only where it could open or close emphasis (not
# inside a word, as in knee_to_chest, where it is plain in every markdown flavour).
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*\[\]<>|~]|_(?![^\W_])|(?<![^\W_])_)")
_LINE_START = re.compile(r"^([#+=-]|\d+(?=[.)]))")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def escape_markdown(text: str) -> str:
    """Text from a rule file as markdown that shows exactly that text: nothing in it can
    become markup, HTML (``<script>``, an ``<!--`` that hides what follows), a link, a
    table cell or a heading. Line breaks become spaces (markdown would join the lines
    anyway; a blank line could start a new block)."""
    text = " ".join(text.split())
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", _ENTITY.sub("&amp;", text))
    return _LINE_START.sub(r"\1\\", text) if text[:1].isdigit() else _LINE_START.sub(
        r"\\\1", text)


def markdown_code(text: str) -> str:
    """Text as a markdown code span (ids): fenced with more backticks than it holds."""
    text = " ".join(text.split())
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    padded = f" {text} " if text.startswith("`") or text.endswith("`") else text
    return f"{fence}{padded}{fence}"


md = escape_markdown


def render(document: Document) -> str:
    """The document as GitHub-flavoured markdown (its title and stylesheet are HTML's)."""
    return render_blocks(document.blocks)


def render_blocks(blocks: Iterable[Block]) -> str:
    """Blocks as markdown, one blank line between them."""
    return "\n\n".join(filter(None, map(block_markdown, blocks))) + "\n"


def _items(items: Iterable[str], ordered: bool) -> str:
    return "\n".join(f"{n}. {item}" if ordered else f"- {item}"
                     for n, item in enumerate(items, 1))


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    """Cells already written as markdown."""
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def block_markdown(block: Block) -> str:
    """One block as markdown (no blank line around it; '' for none)."""
    if isinstance(block, Heading):
        return "#" * block.level + " " + md(block.text)
    if isinstance(block, Para):
        label = f"**{md(block.label)}** " if block.label else ""
        text = f"{label}{md(block.text)}".rstrip()
        return f"> **\u26a0** {text}" if block.flag else text
    if isinstance(block, Items):
        labels = block.labels or ("",) * len(block.items)
        return _items(((f"**{md(label)}:** " if label else "") + md(text)
                       for label, text in zip(labels, block.items, strict=True)), block.ordered)
    if isinstance(block, Table):
        return _table(map(md, block.header), (map(md, row) for row in block.rows))
    if isinstance(block, Banner):
        return f"# {md(block.label)}\n\n**{WHAT_NOW}:** {md(block.headline)}"
    if isinstance(block, Notice):
        return f"**{md(block.text)}**" if block.strong else f"> {md(block.text)}"
    if isinstance(block, Section):
        return _section(block)
    if isinstance(block, YourAnswers):
        return _answers(block)
    if isinstance(block, HeldBack):
        return f"## {md(block.heading)}\n\n" + _items(
            (f"{md(', '.join(titles))}: {md(reason)}" for _, reason, titles in block.held),
            ordered=False)
    if isinstance(block, Why):  # the appendix, for clinicians
        why = f"## {APPENDIX}\n\n" + _table(("rule", "evidence"), (
            (f"{md(title)} ({markdown_code(rid)})", md("; ".join(evidence)))
            for title, rid, evidence in block.rules))
        return why + (f"\n\n{intermediate(block.others, 'the JSON output')}"
                      if block.others else "")
    if isinstance(block, Recap):
        return ""
    return footer_text(block, md, markdown_code)


def _answers(block: YourAnswers) -> str:
    concerns = [f"- **\u26a0 {md(label)}: {md(value)}**" for label, value in block.concerns]
    rest = [f"- **{md(label)}:** {md(value)}" for label, value in block.answers]
    rest += [f"- **{heading}:** {md(', '.join(names))}."
             for heading, names in said_lines(block)]
    return f"## {md(block.heading)}\n\n" + "\n".join(concerns + rest)


def _has_steps(entry: Entry) -> bool:
    return any(label == "Steps" for label, _ in entry.details)


def _section(section: Section) -> str:
    parts = [f"## {md(section.heading)}"]
    for entry in section.entries:
        if entry.title:
            parts.append(f"### {md(entry.title)}")
        if entry.text is not None:
            parts.append(md(entry.text))
        if entry.dose and not _has_steps(entry):
            parts.append(md(dose_line(entry.dose)))
        for label, values in entry.details:
            if label:
                parts.append(f"**{md(label)}:**")
            parts.append(_items(map(md, values), ordered=label == "Steps"))
            if label == "Steps" and entry.dose:
                parts.append(md(dose_line(entry.dose)))
    return "\n\n".join(parts)
