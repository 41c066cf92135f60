"""Plain text: any document, for a terminal or a printout (no colour, no markup),
wrapped at :data:`WIDTH` characters."""

from __future__ import annotations

import textwrap
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
    RECAP,
    dose_line,
    footer_text,
    intermediate,
    said_lines,
)

WIDTH = 78


def wrap(text: str, indent: str = "", first: str | None = None) -> str:
    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=first or indent,
                         subsequent_indent=indent)


def _item(text: str, first: str) -> str:
    """A list item whose continuation lines line up under its text."""
    return wrap(text, " " * len(first), first=first)


def _bullet(text: str) -> str:
    return wrap(text, "    ", first="* ")


def render(document: Document) -> str:
    """The document as plain text (its title and stylesheet are HTML's)."""
    return render_blocks(document.blocks)


def render_blocks(blocks: Iterable[Block]) -> str:
    """Blocks as text, each followed by a blank line."""
    return "\n".join(line for block in blocks for line in block_lines(block))


def _underlined(text: str, mark: str = "-") -> list[str]:
    return [text, mark * len(text)]


def block_lines(block: Block) -> list[str]:
    """One block as lines of text, ending with a blank one."""
    if isinstance(block, Heading):
        return [*_underlined(block.text, "=" if block.level == 1 else "-"), ""]
    if isinstance(block, Para):
        return [wrap(" ".join(filter(None, ("!" if block.flag else "", block.label,
                                            block.text)))), ""]
    if isinstance(block, Items):
        labels = block.labels or ("",) * len(block.items)
        return [_item(f"{label}: {text}" if label else text,
                      f"{n}. " if block.ordered else "- ")
                for n, (label, text) in enumerate(zip(labels, block.items, strict=True), 1)
                ] + [""]
    if isinstance(block, Table):
        return [" | ".join(row) for row in (block.header, *block.rows)] + [""]
    if isinstance(block, Banner):
        rule = "=" * WIDTH
        return [rule, block.label, rule, wrap(block.headline), ""]
    if isinstance(block, Notice):
        return [wrap(block.text), ""]
    if isinstance(block, Section):
        return _section(block)
    if isinstance(block, YourAnswers):
        return _answers(block)
    if isinstance(block, HeldBack):
        return [*_underlined(block.heading),
                *(_bullet(f"{', '.join(titles)}: {reason}")
                  for _, reason, titles in block.held), ""]
    if isinstance(block, Why):
        lines = [*_underlined(APPENDIX),
                 *(_bullet(f"{title} [{rid}; evidence: {'; '.join(evidence)}]")
                   for title, rid, evidence in block.rules)]
        if block.others:
            lines.append(wrap(intermediate(block.others, "--format json"), "  ", "  "))
        return [*lines, ""]
    if isinstance(block, Recap):
        return [f"{RECAP}: {block.label}", ""]
    return [footer_text(block), ""]


def _answers(block: YourAnswers) -> list[str]:
    """The worrying answers first, flagged with "!"; the rest as "label: value"."""
    lines = _underlined(block.heading)
    lines += [_item(f"{label}: {value}", "! ") for label, value in block.concerns]
    lines += [_item(f"{label}: {value}", "- ") for label, value in block.answers]
    lines += [_item(f"{heading}: {', '.join(names)}.", "- ")
              for heading, names in said_lines(block)]
    return [*lines, ""]


def _has_steps(entry: Entry) -> bool:
    return any(label == "Steps" for label, _ in entry.details)


def _section(section: Section) -> list[str]:
    lines = _underlined(section.heading)
    for entry in section.entries:
        # a checklist item (no text) is shown as its list
        body = "" if entry.text is None else " " + entry.text
        if entry.title or body:
            lines.append(_bullet(f"{entry.title}:{body}" if entry.title else body.strip()))
        indent = "      " if entry.title else ""  # a list under a heading of its own
        if entry.dose and not _has_steps(entry):
            lines.append(wrap(dose_line(entry.dose), "      ", "    "))
        for label, values in entry.details:
            if label:
                lines.append(f"    {label}:")
            for number, value in enumerate(values, 1):
                marker = f"{number}. " if label == "Steps" else "- "
                lines.append(_item(value, f"{indent}{marker}"))
            if label == "Steps" and entry.dose:
                lines.append(wrap(dose_line(entry.dose), "      ", "    "))
    return [*lines, ""]
