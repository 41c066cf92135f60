"""The patient's plan as a document: what the result says, in reading order.

Built once from a :class:`~triage.language.model.Result`; the text printout, the markdown
handout and the printable page are the same document written three ways.
"""

from __future__ import annotations

from triage.language.model import Advice, Result, Urgency

from .blocks import Banner, Block, Document, Entry, Footer, HeldBack, Notice, Section, Why
from .style import PLAN_CSS
from .words import HELD_BACK

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


def plan_document(result: Result, date: str | None = None) -> Document:
    """The plan for ``result``; ``date``, if given, is printed in the footer."""
    label = URGENCY_LABELS[result.urgency]
    blocks: list[Block] = [Banner(result.urgency.value, label, result.headline),
                           Notice(result.disclaimer)]
    blocks += [Notice(note, strong=True) for note in _notes(result)]
    blocks += [Section(KIND_HEADINGS[kind], tuple(_entry(result, item) for item in items))
               for kind, items in _groups(result)]
    held = _held_back(result)
    if held:
        blocks.append(HeldBack(HELD_BACK, held))
    blocks.append(_why(result))
    info = result.ruleset
    blocks.append(Footer(f"{info['name']} {info['version']}", info["sha256"][:12], date))
    return Document(f"Back pain plan: {label}", tuple(blocks), PLAN_CSS, viewport=True)


def _groups(result: Result) -> list[tuple[str, list[Advice]]]:
    groups: dict[str, list[Advice]] = {}
    for item in result.advice:
        section = "safety" if item.id.startswith("safety.") else item.kind
        groups.setdefault(section, []).append(item)
    return [(kind, groups[kind]) for kind in KIND_HEADINGS if kind in groups]


def _entry(result: Result, item: Advice) -> Entry:
    """One advice item: a checklist item (points) is shown as its list, without the
    paragraph that repeats it; its details in reading order."""
    dose = tuple(f"{label}: {value}" for label, value in
                 (("Hold", item.hold), ("Repeat", item.repetitions),
                  ("How often", item.frequency)) if value)
    details = (("Because", tuple(result.reasons.get(item.id, ()))), ("Steps", item.steps),
               ("", dose), ("Skip it if", item.skip_if), ("Cautions", item.cautions),
               ("", tuple(point.text for point in item.points)))
    return Entry(item.title, None if item.points else item.text,
                 tuple((label, tuple(values)) for label, values in details if values))


def _held_back(result: Result) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(rule id, reason, advice titles) for each rule that held advice back.

    Shown only with a home plan (self-care, routine): with an emergency or same-day
    sign, listing the stretches not to do would bury the one thing to do.
    """
    if result.urgency.rank > Urgency.ROUTINE.rank:
        return ()
    groups: dict[tuple[str, str], list[str]] = {}
    for item in result.excluded:
        groups.setdefault((item.because, item.reason), []).append(item.title)
    return tuple((because, reason, tuple(titles))
                 for (because, reason), titles in sorted(groups.items()))


def _why(result: Result) -> Why:
    """The rules a person needs to see: those that set the urgency, gave shown advice or
    held advice back; and how many others (intermediate steps) are in the JSON only."""
    shown = {item.id for item in result.advice}
    holding = {because for because, _, _ in _held_back(result)}
    relevant = [rule for rule in result.fired_rules
                if rule.urgency or shown.intersection(rule.recommends) or rule.id in holding]
    return Why(tuple((rule.title, rule.id, tuple(rule.evidence)) for rule in relevant),
               len(result.fired_rules) - len(relevant))


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
