"""HTML: any document as one self-contained, printable page (inline CSS, no scripts, no
links out). Every text is escaped."""

from __future__ import annotations

import html

from .blocks import (
    Banner,
    Block,
    Document,
    Entry,
    Footer,
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


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def render(document: Document) -> str:
    """The document as a page: its title, its stylesheet, its blocks."""
    head = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">']
    if document.viewport:
        head.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    head += [f"<title>{esc(document.title)}</title>", f"<style>{document.stylesheet}</style>",
             "</head>", "<body>"]
    body = [html for html in map(block_html, document.blocks) if html]
    return "\n".join([*head, *body, "</body>", "</html>", ""])


def block_html(block: Block) -> str:
    """One block as HTML (lines joined by newlines, none at the end; '' for none)."""
    if isinstance(block, Heading):
        anchor = f' id="{esc(block.anchor)}"' if block.anchor else ""
        return f"<h{block.level}{anchor}>{esc(block.text)}</h{block.level}>"
    if isinstance(block, Para):
        label = f"<strong>{esc(block.label)}</strong> " if block.label else ""
        css = ' class="flag"' if block.flag else ""
        return f"<p{css}>{label}{esc(block.text)}</p>"
    if isinstance(block, Items):
        tag = "ol" if block.ordered else "ul"
        css = ' class="details"' if block.labels else ""
        labels = block.labels or ("",) * len(block.items)
        items = "".join(f"<li>{f'<strong>{esc(k)}:</strong> ' if k else ''}{esc(v)}</li>"
                        for k, v in zip(labels, block.items, strict=True))
        return f"<{tag}{css}>{items}</{tag}>"
    if isinstance(block, Table):
        head = "".join(f"<th>{esc(cell)}</th>" for cell in block.header)
        rows = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>"
                       for row in block.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    return "\n".join(_plan_lines(block))


def _plan_lines(block: Banner | Notice | YourAnswers | Section | HeldBack | Why | Footer
                | Recap) -> list[str]:
    if isinstance(block, Banner):
        return [f'<header class="urgency urgency-{block.urgency}">',
                f"<h1>{esc(block.label)}</h1>",
                f'<p class="now"><strong>{WHAT_NOW}:</strong> {esc(block.headline)}</p>',
                "</header>"]
    if isinstance(block, Notice):
        return [f'<p class="notice"><strong>{esc(block.text)}</strong></p>' if block.strong
                else f'<p class="notice" role="note">{esc(block.text)}</p>']
    if isinstance(block, Section):
        css = f' class="{esc(block.kind)}"' if block.kind else ""
        return [f"<section{css}>", f"<h2>{esc(block.heading)}</h2>",
                *(line for entry in block.entries for line in _entry(entry)), "</section>"]
    if isinstance(block, YourAnswers):
        return _answers(block)
    if isinstance(block, HeldBack):
        return ["<section>", f"<h2>{esc(block.heading)}</h2>", "<ul>",
                *(f"<li>{esc(', '.join(titles))}: {esc(reason)}</li>"
                  for _, reason, titles in block.held),
                "</ul>", "</section>"]
    if isinstance(block, Why):
        return _why(block)
    if isinstance(block, Recap):
        return []
    return [f"<footer><p>{esc(footer_text(block))}</p></footer>"]


def _answers(block: YourAnswers) -> list[str]:
    """The worrying answers in a box of their own, the rest in a compact grid."""
    lines = ['<section class="your-answers">', f"<h2>{esc(block.heading)}</h2>"]
    if block.concerns:
        lines += ['<ul class="concerns">',
                  *(f"<li><strong>{esc(label)}: {esc(value)}</strong></li>"
                    for label, value in block.concerns), "</ul>"]
    lines += ['<dl class="answers">',
              *(f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>" for label, value in block.answers),
              "</dl>"]
    lines += [f"<p><strong>{heading}:</strong> {esc(', '.join(names))}.</p>"
              for heading, names in said_lines(block)]
    return [*lines, "</section>"]


def _entry(entry: Entry) -> list[str]:
    lines = ["<article>", f"<h3>{esc(entry.title)}</h3>"] if entry.title else ["<article>"]
    if entry.text is not None:
        lines.append(f"<p>{esc(entry.text)}</p>")
    if entry.dose and not any(label == "Steps" for label, _ in entry.details):
        lines.append(f'<p class="dose">{esc(dose_line(entry.dose))}</p>')
    for label, values in entry.details:
        if label:
            lines.append(f'<p class="label">{esc(label)}:</p>')
        tag = "ol" if label == "Steps" else "ul"
        lines += [f"<{tag}>", *(f"<li>{esc(value)}</li>" for value in values), f"</{tag}>"]
        if label == "Steps" and entry.dose:
            lines.append(f'<p class="dose">{esc(dose_line(entry.dose))}</p>')
    return [*lines, "</article>"]


def _why(block: Why) -> list[str]:
    lines = ['<section class="appendix">', f"<h2>{APPENDIX}</h2>", "<table>",
             "<thead><tr><th>Rule</th><th>Evidence</th></tr></thead>", "<tbody>"]
    lines += [f"<tr><td>{esc(title)} (<code>{esc(rid)}</code>)</td>"
              f"<td>{esc('; '.join(evidence))}</td></tr>" for title, rid, evidence in block.rules]
    lines += ["</tbody>", "</table>"]
    if block.others:
        lines.append(f"<p>{intermediate(block.others, 'the JSON output')}</p>")
    return [*lines, "</section>"]
