"""Renderers: Result -> text. One signature, chosen by ``--format``.

Every renderer is a pure function of the result, so the same answers and rules
give byte-identical output (no timestamps, stable order).
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable

from .model import Advice, FiredRule, Result, Urgency

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
HELD_BACK = "Held back for your safety"


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
    if result.unscreened:
        notes.append("Not screened: these danger-sign questions were not answered, so this "
                     "result cannot be self-care: "
                     + ", ".join(q.replace("_", " ") for q in result.unscreened) + ".")
    if result.not_answered and result.urgency.rank <= Urgency.ROUTINE.rank:
        notes.append("Not answered: " + ", ".join(q.replace("_", " ")
                                                  for q in result.not_answered)
                     + ". Advice that depends on these may be missing from this plan.")
    return notes


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
    info = result.ruleset
    out += ["", f"Rule set {info['name']} {info['version']} (sha256 {info['sha256'][:12]})", ""]
    return "\n".join(out)


def render_markdown(result: Result) -> str:
    """Markdown for a handout or a web page."""
    out: list[str] = [f"# {URGENCY_LABELS[result.urgency]}", "",
                      f"**{result.headline}**", "",
                      f"> {result.disclaimer}", ""]
    for note in _notes(result):
        out += [f"**{note}**", ""]
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
    held = _held_back(result)
    if held:
        out += [f"## {HELD_BACK}", ""]
        out += [f"- {', '.join(titles)}: {reason} (`{because}`)"
                for because, reason, titles in held]
        out.append("")
    relevant, others = _why(result)
    out += ["## Why", "", "| rule | evidence |", "|---|---|"]
    out += [f"| {r.title} (`{r.id}`) | {'; '.join(r.evidence)} |" for r in relevant]
    info = result.ruleset
    out += ["", f"Rule set {info['name']} {info['version']} (sha256 `{info['sha256'][:12]}`)", ""]
    return "\n".join(out)


RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
