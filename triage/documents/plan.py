"""The patient's plan as a document: what the result says, in reading order.

Built once from a :class:`~triage.language.model.Result`; the text printout, the markdown
handout and the printable page are the same document written three ways. The order is
the one a frightened person and their doctor need: the urgency and what to do now, then
"Your answers" (the worrying ones first), then the plan, then (optionally) an appendix
for clinicians with the rules and their evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from triage.language.model import Advice, Answer, Result, Urgency
from triage.language.questions import NOT_SURE, amount

from .blocks import (
    Banner,
    Block,
    Document,
    Entry,
    Footer,
    HeldBack,
    Notice,
    Recap,
    Section,
    Why,
    YourAnswers,
)
from .style import plan_stylesheet
from .words import HELD_BACK, YOUR_ANSWERS

URGENCY_LABELS = {
    Urgency.EMERGENCY: "EMERGENCY",
    Urgency.URGENT: "URGENT: see a doctor today",
    Urgency.ROUTINE: "ROUTINE: book a GP or physiotherapist appointment",
    Urgency.SELF_CARE: "SELF-CARE: look after it at home",
}
# Sections in reading order: advice kinds, except that the safety net (advice ids
# starting "safety.") gets a section of its own near the top, where it is seen. The
# first two say what to do now, so they come before "Your answers".
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
NOW_KINDS = ("emergency", "doctor")
# "Your answers" in the order a GP takes a history; the rest follow in questionnaire order.
HISTORY_ORDER = ("age", "sex", "pregnant", "pregnancy_weeks", "pregnancy_warning_signs",
                 "duration_days", "pain_severity", "location", "onset", "triggers")
LABELS = {  # where the id's own words read badly as a label
    "duration_days": "Pain for", "pain_severity": "Pain score", "location": "Where",
    "morning_stiffness_minutes": "Morning stiffness", "iv_drug_use": "Injecting drugs",
    "pregnancy_weeks": "Weeks pregnant", "daily_life_impact": "Effect on daily life",
    "nsaid_allergy": "NSAID allergy", "asthma_worse_with_nsaids": "Asthma worse with NSAIDs",
}


def plan_document(result: Result, date: str | None = None, *,
                  appendix: bool = False) -> Document:
    """The plan for ``result``; ``date``, if given, is printed in the running header and
    the footer; ``appendix``: add the rules and their evidence, for clinicians."""
    label = URGENCY_LABELS[result.urgency]
    groups = _groups(result)
    blocks: list[Block] = [Banner(result.urgency.value, label, result.headline)]
    blocks += [_section(kind, items, result) for kind, items in groups if kind in NOW_KINDS]
    blocks.append(Notice(result.disclaimer))
    blocks += [Notice(note, strong=True) for note in _notes(result)]
    if result.answers:
        blocks.append(your_answers(result.answers,
                                   emergency=result.urgency is Urgency.EMERGENCY))
    blocks += [_section(kind, items, result) for kind, items in groups
               if kind not in NOW_KINDS]
    held = _held_back(result)
    if held:
        blocks.append(HeldBack(HELD_BACK, held))
    if appendix:
        blocks.append(_why(result))
    info = result.ruleset
    ruleset = f"{info['name']} {info['version']}"
    blocks += [Footer(ruleset, info["sha256"][:12], date), Recap(label)]
    return Document(f"Back pain plan: {label}", tuple(blocks),
                    plan_stylesheet(ruleset, date), viewport=True)


def _groups(result: Result) -> list[tuple[str, list[Advice]]]:
    groups: dict[str, list[Advice]] = {}
    for item in result.advice:
        section = "safety" if item.id.startswith("safety.") else item.kind
        groups.setdefault(section, []).append(item)
    return [(kind, groups[kind]) for kind in KIND_HEADINGS if kind in groups]


def _section(kind: str, items: list[Advice], result: Result) -> Section:
    """A section of advice; a safety net of one checklist takes that checklist's title as
    its heading, so the heading is not said twice ("Get help if" / "When to get help")."""
    entries = tuple(_entry(result, item) for item in items)
    if kind == "safety" and len(entries) == 1:
        return Section(entries[0].title, (replace(entries[0], title=""),), kind)
    return Section(KIND_HEADINGS[kind], entries, kind)


def _entry(result: Result, item: Advice) -> Entry:
    """One advice item: a checklist item (points) is shown as its list, without the
    paragraph that repeats it; its details in reading order."""
    dose = tuple(f"{label}: {value}" for label, value in
                 (("Hold", item.hold), ("Repeat", item.repetitions),
                  ("How often", item.frequency)) if value)
    details = (("Because", tuple(result.reasons.get(item.id, ()))), ("Steps", item.steps),
               ("Skip it if", item.skip_if), ("Cautions", item.cautions),
               ("", tuple(point.text for point in item.points)))
    return Entry(item.title, None if item.points else item.text,
                 tuple((label, tuple(values)) for label, values in details if values), dose)


# ---------------------------------------------------------------- your answers

def your_answers(answers: Iterable[Answer], *, emergency: bool = False) -> YourAnswers:
    """The answers as a doctor reads them: the danger signs answered yes or not sure (or
    left blank) first; then age, sex, duration, severity, where, onset, triggers and the
    rest; the other questions answered no, then the danger signs answered no, by name.

    After an ``emergency`` sign the questions stop, so the blanks are moot: they are
    named in one line, not listed one by one as concerns."""
    answers = tuple(answers)
    blank = tuple(_in_list(a.id) for a in answers if emergency and a.value is None)
    shown = [a for a in answers if not (emergency and a.value is None)]
    concerns = tuple((answer_label(a.id), answer_value(a)) for a in shown
                     if a.danger_sign and a.value not in (False, "none"))
    no_signs = tuple(_in_list(a.id) for a in shown
                     if a.danger_sign and a.value in (False, "none"))
    rest = [a for a in shown if not a.danger_sign]
    rank = {qid: n for n, qid in enumerate(HISTORY_ORDER)}
    rest.sort(key=lambda a: rank.get(a.id, len(rank)))  # stable: questionnaire order
    return YourAnswers(YOUR_ANSWERS, concerns,
                       tuple((answer_label(a.id), answer_value(a)) for a in rest
                             if a.value is not False),
                       tuple(_in_list(a.id) for a in rest if a.value is False), no_signs,
                       blank)


def _in_list(qid: str) -> str:
    """A label inside a sentence: lower-case, unless it starts with an abbreviation."""
    label = answer_label(qid)
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def answer_label(qid: str) -> str:
    """A question's short label: its id in words, or a plainer label where it reads badly."""
    return LABELS.get(qid) or qid.replace("_", " ").capitalize()


def answer_value(answer: Answer) -> str:
    """An answer in words: "yes", "not sure", "14 days", "lifting or bending"..."""
    value: Any = answer.value
    if value is None:
        return "not answered"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value == NOT_SURE:
        return "not sure"
    if isinstance(value, int):
        return amount(value, answer.unit)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item).replace("_", " ") for item in value) or "none"
    return str(value).replace("_", " ")


# ---------------------------------------------------------------- held back, appendix

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
    """The rules a clinician needs to see: those that set the urgency (at its level: a
    rule raising it to a lower level is moot), gave shown advice or held advice back;
    and how many others (intermediate steps) are in the JSON only."""
    shown = {item.id for item in result.advice}
    holding = {because for because, _, _ in _held_back(result)}
    relevant = [rule for rule in result.fired_rules
                if rule.urgency is result.urgency or shown.intersection(rule.recommends)
                or rule.id in holding]
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
