"""Renderers: Result -> text. One signature, chosen by ``--format``.

Every renderer is a pure function of the result, so the same answers and rules
give byte-identical output (no timestamps, stable order).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable

from .model import Advice, Exclusion, Result, Urgency

Renderer = Callable[[Result], str]

URGENCY_LABELS = {
    Urgency.EMERGENCY: "EMERGENCY",
    Urgency.URGENT: "URGENT: see a doctor today",
    Urgency.ROUTINE: "ROUTINE: book a GP or physiotherapist appointment",
    Urgency.SELF_CARE: "SELF-CARE: look after it at home",
}
KIND_HEADINGS = {
    "emergency": "Get emergency help now",
    "doctor": "See a professional",
    "activity": "Keep active",
    "stretch": "Stretches and exercises",
    "heat_cold": "Heat and cold",
    "otc": "Medicines from a pharmacy",
    "info": "Good to know",
}
WIDTH = 78


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
        groups.setdefault(item.kind, []).append(item)
    return [(kind, groups[kind]) for kind in KIND_HEADINGS if kind in groups]


def _details(result: Result, item: Advice) -> list[tuple[str, list[str]]]:
    """Labelled detail lists of one advice item, in reading order."""
    dose = [f"{label}: {value}" for label, value in
            (("Hold", item.hold), ("Repeat", item.repetitions), ("How often", item.frequency))
            if value]
    return [(label, values) for label, values in (
        ("Steps", list(item.steps)), ("", dose), ("Skip it if", list(item.skip_if)),
        ("Cautions", list(item.cautions)), ("", list(item.points)),
    ) if values]


def _held_back(excluded: tuple[Exclusion, ...]) -> list[tuple[tuple[str, str], list[str]]]:
    """Exclusions grouped by the rule that made them, each with the advice titles."""
    groups: dict[tuple[str, str], list[str]] = {}
    for item in excluded:
        groups.setdefault((item.because, item.reason), []).append(item.title)
    return sorted(groups.items())


def render_text(result: Result) -> str:
    """Plain text for a terminal or a printout (no colour, no markup)."""
    out: list[str] = []
    rule = "=" * WIDTH
    out += [rule, URGENCY_LABELS[result.urgency], rule,
            _wrap(result.headline), "",
            _wrap(result.disclaimer), ""]
    if result.unscreened:
        out += [_wrap("Not screened (these danger-sign questions were not answered, so this "
                      "result cannot be self-care): "
                      + ", ".join(q.replace("_", " ") for q in result.unscreened)), ""]
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
    if result.excluded:
        out += ["Not suggested for you", "-" * 21]
        out += [_wrap(f"{reason} [{because}]: {', '.join(titles)}", "    ", first="* ")
                for (because, reason), titles in _held_back(result.excluded)]
        out.append("")
    out += ["Why (rules that applied)", "-" * 24]
    out += [_wrap(f"{r.title} [{r.id}; evidence: {'; '.join(r.evidence)}]", "    ", first="* ")
            for r in result.fired_rules]
    info = result.ruleset
    out += ["", f"Rule set {info['name']} {info['version']} (sha256 {info['sha256'][:12]})", ""]
    return "\n".join(out)


def render_markdown(result: Result) -> str:
    """Markdown for a handout or a web page."""
    out: list[str] = [f"# {URGENCY_LABELS[result.urgency]}", "",
                      f"**{result.headline}**", "",
                      f"> {result.disclaimer}", ""]
    if result.unscreened:
        out += ["**Not screened:** these danger-sign questions were not answered, so this "
                "result cannot be self-care: "
                + ", ".join(f"`{q}`" for q in result.unscreened), ""]
    for kind, items in _groups(result):
        out += [f"## {KIND_HEADINGS[kind]}", ""]
        for item in items:
            out += [f"### {item.title}", ""]
            if not item.points:
                out += [item.text, ""]
            for label, values in _details(result, item):
                if label:
                    out += [f"**{label}:**", ""]
                numbered = label == "Steps"
                out += [f"{i}. {v}" if numbered else f"- {v}" for i, v in enumerate(values, 1)]
                out.append("")
    if result.excluded:
        out += ["## Not suggested for you", ""]
        out += [f"- {reason} (`{because}`): {', '.join(titles)}"
                for (because, reason), titles in _held_back(result.excluded)]
        out.append("")
    out += ["## Why", "", "| rule | evidence |", "|---|---|"]
    out += [f"| {r.title} (`{r.id}`) | {'; '.join(r.evidence)} |" for r in result.fired_rules]
    info = result.ruleset
    out += ["", f"Rule set {info['name']} {info['version']} (sha256 `{info['sha256'][:12]}`)", ""]
    return "\n".join(out)


RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
