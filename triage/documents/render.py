"""Renderers: Result -> text. One signature, chosen by ``--format``.

Every renderer is a pure function of the result, so the same answers and rules
give byte-identical output (no timestamps, stable order).
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from collections.abc import Callable
from enum import StrEnum

from triage.language.model import Advice, FiredRule, Result, Urgency

Renderer = Callable[[Result], str]

URGENCY_LABELS = {
    Urgency.EMERGENCY: "EMERGENCY",
    Urgency.URGENT: "URGENT: see a doctor today",
    Urgency.ROUTINE: "ROUTINE: book a GP or physiotherapist appointment",
    Urgency.SELF_CARE: "SELF-CARE: look after it at home",
}
# Sections in reading order: advice kinds, except that the safety net (advice ids
# starting "safety.") gets a section of its own near the top, where it is seen.
KIND_HEADINGS = {
    "emergency": "Get emergency help now",
    "doctor": "See a professional",
    "safety": "Get help if",
    "activity": "Keep active",
    "stretch": "Stretches and exercises",
    "heat_cold": "Heat and cold",
    "otc": "Medicines from a pharmacy",
    "info": "Good to know",
}
WIDTH = 78
HELD_BACK = "Held back for your safety"
WHAT_NOW = "What to do now"


def render_json(result: Result) -> str:
    """The machine contract of DESIGN.md, keys sorted, UTF-8."""
    return json.dumps(result.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _wrap(text: str, indent: str = "", first: str | None = None) -> str:
    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=first or indent,
                         subsequent_indent=indent)


def _item(text: str, first: str) -> str:
    """A list item whose continuation lines line up under its text."""
    return _wrap(text, " " * len(first), first=first)


def _groups(result: Result) -> list[tuple[str, list[Advice]]]:
    groups: dict[str, list[Advice]] = {}
    for item in result.advice:
        section = "safety" if item.id.startswith("safety.") else item.kind
        groups.setdefault(section, []).append(item)
    return [(kind, groups[kind]) for kind in KIND_HEADINGS if kind in groups]


def _details(result: Result, item: Advice) -> list[tuple[str, list[str]]]:
    """Labelled detail lists of one advice item, in reading order."""
    dose = [f"{label}: {value}" for label, value in
            (("Hold", item.hold), ("Repeat", item.repetitions), ("How often", item.frequency))
            if value]
    return [(label, values) for label, values in (
        ("Because", list(result.reasons.get(item.id, ()))),
        ("Steps", list(item.steps)), ("", dose), ("Skip it if", list(item.skip_if)),
        ("Cautions", list(item.cautions)), ("", [point.text for point in item.points]),
    ) if values]


def _held_back(result: Result) -> list[tuple[str, str, list[str]]]:
    """(rule id, reason, advice titles) for each rule that held advice back.

    Shown only with a home plan (self-care, routine): with an emergency or same-day
    sign, listing the stretches not to do would bury the one thing to do.
    """
    if result.urgency.rank > Urgency.ROUTINE.rank:
        return []
    groups: dict[tuple[str, str], list[str]] = {}
    for item in result.excluded:
        groups.setdefault((item.because, item.reason), []).append(item.title)
    return [(because, reason, titles) for (because, reason), titles in sorted(groups.items())]


def _why(result: Result) -> tuple[list[FiredRule], int]:
    """The rules a person needs to see: those that set the urgency, gave shown advice or
    held advice back; and how many others (intermediate steps) are in the JSON only."""
    shown = {item.id for item in result.advice}
    holding = {because for because, _, _ in _held_back(result)}
    relevant = [rule for rule in result.fired_rules
                if rule.urgency or shown.intersection(rule.recommends) or rule.id in holding]
    return relevant, len(result.fired_rules) - len(relevant)


def _notes(result: Result) -> list[str]:
    notes = []
    if result.unscreened and result.urgency is not Urgency.EMERGENCY:  # moot then
        notes.append("Not screened: these danger-sign questions were not answered, so this "
                     "result cannot be self-care: "
                     + ", ".join(q.replace("_", " ") for q in result.unscreened) + ".")
    if result.not_answered and result.urgency.rank <= Urgency.ROUTINE.rank:
        notes.append("Not answered: " + ", ".join(q.replace("_", " ")
                                                  for q in result.not_answered)
                     + ". Advice that depends on these may be missing from this plan.")
    return notes


def _footer(result: Result, date: str | None, markdown: bool = False) -> str:
    """Rule set name, version and short digest; the date first when one is given."""
    info = result.ruleset
    name = (escape_markdown if markdown else str)(f"{info['name']} {info['version']}")
    digest = markdown_code(info["sha256"][:12]) if markdown else info["sha256"][:12]
    ruleset = f"Rule set {name} (sha256 {digest})"
    return f"Date: {date}. {ruleset}" if date else ruleset


def render_text(result: Result) -> str:
    """Plain text for a terminal or a printout (no colour, no markup)."""
    out: list[str] = []
    rule = "=" * WIDTH
    out += [rule, URGENCY_LABELS[result.urgency], rule,
            _wrap(result.headline), "",
            _wrap(result.disclaimer), ""]
    for note in _notes(result):
        out += [_wrap(note), ""]
    for kind, items in _groups(result):
        out += [KIND_HEADINGS[kind], "-" * len(KIND_HEADINGS[kind])]
        for item in items:
            # a checklist item (points) is shown as its list; the paragraph repeats it
            body = "" if item.points else " " + item.text
            out.append(_wrap(f"{item.title}:{body}", "    ", first="* "))
            for label, values in _details(result, item):
                if label:
                    out.append(f"    {label}:")
                for number, value in enumerate(values, 1):
                    marker = f"{number}. " if label == "Steps" else "- "
                    out.append(_item(value, f"      {marker}"))
        out.append("")
    held = _held_back(result)
    if held:
        out += [HELD_BACK, "-" * len(HELD_BACK)]
        out += [_wrap(f"{', '.join(titles)}: {reason} [{because}]", "    ", first="* ")
                for because, reason, titles in held]
        out.append("")
    relevant, others = _why(result)
    out += ["Why (rules that applied)", "-" * 24]
    out += [_wrap(f"{r.title} [{r.id}; evidence: {'; '.join(r.evidence)}]", "    ", first="* ")
            for r in relevant]
    if others:
        out.append(f"  ({others} more intermediate rule{'s' if others > 1 else ''} in "
                   "--format json)")
    out += ["", _footer(result, None), ""]
    return "\n".join(out)


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


def render_markdown(result: Result, *, date: str | None = None) -> str:
    """Markdown for a handout or a web page (``date``: printed in the footer, if given).
    Every text from the rules is escaped (:func:`escape_markdown`)."""
    md = escape_markdown
    out: list[str] = [f"# {md(URGENCY_LABELS[result.urgency])}", "",
                      f"**{WHAT_NOW}:** {md(result.headline)}", "",
                      f"> {md(result.disclaimer)}", ""]
    for note in _notes(result):
        out += [f"**{md(note)}**", ""]
    for kind, items in _groups(result):
        out += [f"## {md(KIND_HEADINGS[kind])}", ""]
        for item in items:
            out += [f"### {md(item.title)}", ""]
            if not item.points:
                out += [md(item.text), ""]
            for label, values in _details(result, item):
                if label:
                    out += [f"**{md(label)}:**", ""]
                numbered = label == "Steps"
                out += [f"{i}. {md(v)}" if numbered else f"- {md(v)}"
                        for i, v in enumerate(values, 1)]
                out.append("")
    held = _held_back(result)
    if held:
        out += [f"## {HELD_BACK}", ""]
        out += [f"- {md(', '.join(titles))}: {md(reason)} ({markdown_code(because)})"
                for because, reason, titles in held]
        out.append("")
    relevant, others = _why(result)
    out += ["## Why", "", "| rule | evidence |", "|---|---|"]
    out += [f"| {md(r.title)} ({markdown_code(r.id)}) | {md('; '.join(r.evidence))} |"
            for r in relevant]
    out += ["", _footer(result, date, markdown=True), ""]
    return "\n".join(out)

PRINT_CSS = """
body { font-family: Georgia, "Times New Roman", serif; font-size: 12pt; line-height: 1.45;
       color: #111; background: #fff; max-width: 46em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 1.7em; margin: 0 0 .3em; }
h2 { font-size: 1.3em; border-bottom: 1px solid #888; margin-top: 1.4em; }
h3 { font-size: 1.1em; margin: 1em 0 .2em; }
.urgency { border: 3px solid #111; padding: .6em 1em; margin-bottom: 1em; }
.urgency-emergency { border-color: #b00000; border-width: 6px; }
.urgency-urgent { border-color: #b35900; }
.now { font-size: 1.15em; margin: 0; }
.notice { border-left: 4px solid #555; padding: .3em .8em; background: #f3f3f3; }
.label { font-weight: bold; margin: .4em 0 .1em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #999; padding: .25em .5em; text-align: left; vertical-align: top; }
code { font-family: "Courier New", monospace; font-size: .9em; }
footer { margin-top: 2em; font-size: .9em; color: #333; }
@page { size: auto; margin: 15mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 11pt; }
  .notice { background: none; }
  article, tr, .urgency, .notice { break-inside: avoid; page-break-inside: avoid; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_advice(result: Result, item: Advice) -> list[str]:
    out = ["<article>", f"<h3>{_e(item.title)}</h3>"]
    if not item.points:
        out.append(f"<p>{_e(item.text)}</p>")
    for label, values in _details(result, item):
        if label:
            out.append(f'<p class="label">{_e(label)}:</p>')
        tag = "ol" if label == "Steps" else "ul"
        out += [f"<{tag}>", *(f"<li>{_e(value)}</li>" for value in values), f"</{tag}>"]
    return out + ["</article>"]


def _html_why(result: Result) -> list[str]:
    relevant, others = _why(result)
    out = ["<section>", "<h2>Why: the rules that applied</h2>", "<table>",
           "<thead><tr><th>Rule</th><th>Evidence</th></tr></thead>", "<tbody>"]
    out += [f"<tr><td>{_e(r.title)} (<code>{_e(r.id)}</code>)</td>"
            f"<td>{_e('; '.join(r.evidence))}</td></tr>" for r in relevant]
    out += ["</tbody>", "</table>"]
    if others:
        out.append(f"<p>{others} more intermediate rule{'s' if others > 1 else ''} "
                   "in the JSON output.</p>")
    return out + ["</section>"]


def render_html(result: Result, *, date: str | None = None) -> str:
    """A self-contained, printable HTML page (inline CSS, no scripts, no external links)."""
    label = URGENCY_LABELS[result.urgency]
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>Back pain plan: {_e(label)}</title>", f"<style>{PRINT_CSS}</style>",
           "</head>", "<body>",
           f'<header class="urgency urgency-{result.urgency.value}">',
           f"<h1>{_e(label)}</h1>",
           f'<p class="now"><strong>{WHAT_NOW}:</strong> {_e(result.headline)}</p>',
           "</header>", f'<p class="notice" role="note">{_e(result.disclaimer)}</p>']
    out += [f'<p class="notice"><strong>{_e(note)}</strong></p>' for note in _notes(result)]
    for kind, items in _groups(result):
        out += ["<section>", f"<h2>{_e(KIND_HEADINGS[kind])}</h2>"]
        for item in items:
            out += _html_advice(result, item)
        out.append("</section>")
    held = _held_back(result)
    if held:
        out += ["<section>", f"<h2>{HELD_BACK}</h2>", "<ul>"]
        out += [f"<li>{_e(', '.join(titles))}: {_e(reason)} (<code>{_e(because)}</code>)</li>"
                for because, reason, titles in held]
        out += ["</ul>", "</section>"]
    out += _html_why(result)
    out += [f"<footer><p>{_e(_footer(result, date))}</p></footer>", "</body>", "</html>", ""]
    return "\n".join(out)


class Format(StrEnum):
    """The formats of a plan (``triage run --format``)."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"


RENDERERS: dict[str, Renderer] = {
    Format.TEXT: render_text,
    Format.MARKDOWN: render_markdown,
    Format.HTML: render_html,
    Format.JSON: render_json,
}
