"""The plan: the result built, in one step, from what fired. Independent of firing order.

* urgency is the highest urgency of any fired rule (a question needed for safety left
  blank never gives less than a same-day check);
* advice is everything recommended minus everything excluded (exclusion wins);
* the rules that set the urgency come first in the explanation.

The engine (:mod:`triage.engine.network`) says what fired; this module is the only place
that turns that into a :class:`~triage.language.model.Result`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from triage.language.model import (
    Advice,
    Answer,
    Exclusion,
    FiredRule,
    Result,
    Rule,
    Ruleset,
    Urgency,
    fill,
    filled,
)
from triage.records import record


@record
class Firing:
    """What one engine run gives: the rules that fired (in file order) and the findings."""

    rules: tuple[Rule, ...]
    findings: frozenset[str]


Advised = tuple[Urgency, tuple[str, ...]]  # what a person is told: urgency and advice ids


def applicable_unanswered(ruleset: Ruleset, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Questions that apply to this person (by ``ask_when``) but were not answered (the
    danger signs and required questions among them are ``unscreened`` instead)."""
    return tuple(q.id for q in ruleset.questions if not q.needed(answers)
                 and answers.get(q.id) is None and q.applies(answers))


def urgency_of(ruleset: Ruleset, rules: Sequence[Rule],
               answers: Mapping[str, Any]) -> tuple[Urgency, tuple[str, ...]]:
    """The urgency, and the questions needed for safety that were left blank."""
    unscreened = ruleset.missing_required(answers)
    urgency = Urgency.highest(rule.then.urgency for rule in rules if rule.then.urgency)
    if (unscreened or ruleset.not_sure(answers)) and urgency.rank < Urgency.URGENT.rank:
        # backstop for the rules that say so (RT-UNSCREENED, RT-NOT-SURE): a question
        # needed for safety left blank, or a danger sign answered "not sure", is never
        # read as "no", so never less than a same-day check
        urgency = Urgency.URGENT
    return urgency, unscreened


def advice_of(ruleset: Ruleset, rules: Sequence[Rule]) -> tuple[list[Advice], list[Exclusion]]:
    """The advice given, in reading order, and what was held back (exclusion wins)."""
    recommended = {aid for rule in rules for aid in rule.then.recommend}
    excluded = _exclusions(ruleset, rules, recommended)
    removed = {item.id for item in excluded}
    order = ruleset.advice_order
    advice = sorted((ruleset.advice[aid] for aid in recommended - removed),
                    key=lambda item: order[item.id])
    return advice, excluded


def advised(ruleset: Ruleset, firing: Firing, answers: Mapping[str, Any]) -> Advised:
    """Urgency and advice ids, without building the whole result (the relevance test
    compares many of these)."""
    advice, _ = advice_of(ruleset, firing.rules)
    return urgency_of(ruleset, firing.rules, answers)[0], tuple(item.id for item in advice)


def assemble(ruleset: Ruleset, firing: Firing, answers: Mapping[str, Any],
             locale: str | None, not_answered: tuple[str, ...]) -> Result:
    """The result of one answer set: urgency, advice, what was held back and why, in the
    locale's service names. ``not_answered``: the unanswered questions to name."""
    fired = firing.rules
    urgency, unscreened = urgency_of(ruleset, fired, answers)
    locale = locale or ruleset.default_locale
    services = tuple(sorted(ruleset.locales[locale].items()))
    advice, excluded = advice_of(ruleset, fired)
    shown = {item.id for item in advice}
    reasons: dict[str, tuple[str, ...]] = {}
    for rule in fired:  # file order
        if not rule.then.recommend:
            continue
        why = fill(rule.reason, services)
        for aid in rule.then.recommend:
            if aid in shown and why and why not in reasons.get(aid, ()):
                reasons[aid] = reasons.get(aid, ()) + (why,)
    # the rules that set the urgency come first in the explanation, then file order
    explained = sorted(fired, key=lambda rule: -(rule.then.urgency.rank
                                                  if rule.then.urgency else -1))
    return Result(
        urgency=urgency, headline=fill(ruleset.headlines[urgency], services),
        advice=tuple(filled(item, services) for item in advice), excluded=tuple(excluded),
        findings=tuple(sorted(firing.findings)),
        fired_rules=tuple(FiredRule(rule.id, rule.title, rule.evidence, rule.then.urgency,
                                    rule.then.recommend) for rule in explained),
        unscreened=unscreened, not_answered=not_answered,
        ruleset=ruleset.info(),
        disclaimer=fill(ruleset.disclaimer, services),
        emergency_number=ruleset.locales[locale]["emergency_number"],
        reasons=reasons, locale=locale, answers=_answers(ruleset, answers, not_answered))


def _answers(ruleset: Ruleset, answers: Mapping[str, Any],
             not_answered: tuple[str, ...]) -> tuple[Answer, ...]:
    """The answers to show on the plan, in questionnaire order: every answer given, every
    danger sign, and the blanks that could still change the plan."""
    blanks = set(not_answered)
    return tuple(Answer(q.id, answers.get(q.id), q.danger_sign, q.unit)
                 for q in ruleset.questions
                 if q.id in answers or q.danger_sign or q.id in blanks)


def _exclusions(ruleset: Ruleset, fired: Sequence[Rule],
                recommended: set[str]) -> list[Exclusion]:
    # each exclusion's fields, each once (as a set of the records would keep them),
    # ordered by advice id and rule id; records made only for those kept
    found: dict[tuple[str, str, str, str], None] = {}
    for rule in fired:
        for pattern in rule.then.exclude:
            for aid in recommended & ruleset.advice_matching(pattern):
                found[(aid, rule.id, rule.title, ruleset.advice[aid].title)] = None
    return [Exclusion(*fields) for fields in sorted(found, key=_by_advice_and_rule)]


def _by_advice_and_rule(fields: tuple[str, str, str, str]) -> tuple[str, str]:
    return fields[0], fields[1]
