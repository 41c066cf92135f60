"""Plan assembly: the result built from what fired, independent of firing order.

* urgency is the highest urgency of any fired rule (a question needed for safety left
  blank never gives less than a same-day check);
* advice is everything recommended minus everything excluded (exclusion wins);
* the rules that set the urgency come first in the explanation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.language.model import Exclusion, FiredRule, Result, Rule, Ruleset, Urgency, fill, filled


def _not_answered(ruleset: Ruleset, answers: Mapping[str, Any]) -> tuple[str, ...]:
    """Questions that apply to this person (by ``ask_when``) but were not answered."""
    return tuple(q.id for q in ruleset.questions if not q.needed(answers)
                 and answers.get(q.id) is None
                 and q.applies(answers))


def assemble(ruleset: Ruleset, fired: list[Rule], findings: set[str],
             answers: Mapping[str, Any], locale: str | None,
             kind_order: Mapping[str, int], advice_order: Mapping[str, int]) -> Result:
    """Build the result from what fired. Independent of firing order by construction."""
    unscreened = ruleset.missing_required(answers)
    urgency = Urgency.highest(rule.then.urgency for rule in fired if rule.then.urgency)
    if unscreened and urgency.rank < Urgency.URGENT.rank:
        # backstop for the rule that says so (RT-UNSCREENED): a question needed for safety
        # left blank is never read as "no", so never less than a same-day check
        urgency = Urgency.URGENT
    locale = locale or ruleset.default_locale
    services = tuple(sorted(ruleset.locales[locale].items()))
    recommended = {aid for rule in fired for aid in rule.then.recommend}
    excluded = _exclusions(ruleset, fired, recommended)
    removed = {item.id for item in excluded}
    advice = sorted((ruleset.advice[aid] for aid in recommended - removed),
                    key=lambda item: (kind_order[item.kind], advice_order[item.id]))
    shown = {item.id for item in advice}
    reasons: dict[str, tuple[str, ...]] = {}
    for rule in fired:  # file order
        for aid in rule.then.recommend:
            why = fill(rule.reason, services)
            if aid in shown and why and why not in reasons.get(aid, ()):
                reasons[aid] = reasons.get(aid, ()) + (why,)
    # the rules that set the urgency come first in the explanation, then file order
    explained = sorted(fired, key=lambda rule: -(rule.then.urgency.rank
                                                  if rule.then.urgency else -1))
    return Result(
        urgency=urgency, headline=fill(ruleset.headlines[urgency], services),
        advice=tuple(filled(item, services) for item in advice), excluded=tuple(excluded),
        findings=tuple(sorted(findings)),
        fired_rules=tuple(FiredRule(rule.id, rule.title, rule.evidence, rule.then.urgency,
                                    rule.then.recommend) for rule in explained),
        unscreened=unscreened, not_answered=_not_answered(ruleset, answers),
        ruleset=ruleset.info(),
        disclaimer=fill(ruleset.disclaimer, services),
        emergency_number=ruleset.locales[locale]["emergency_number"],
        reasons=reasons, locale=locale)


def _exclusions(ruleset: Ruleset, fired: list[Rule], recommended: set[str]) -> list[Exclusion]:
    found = []
    for rule in fired:
        for pattern in rule.then.exclude:
            for aid in recommended & ruleset.advice_matching(pattern):
                found.append(Exclusion(aid, rule.id, rule.title, ruleset.advice[aid].title))
    return sorted(set(found), key=lambda e: (e.id, e.because))
