"""Which rules are behind a counterexample of ``triage rules verify``: the rules that
produced the result (those that set its urgency, gave advice the invariant forbids, or
held back advice it requires) and the rules the invariant expected to act (those whose
outcome would satisfy it and that read the answers the counterexample turns on)."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from triage.language.conditions import finding_polarity, questions_read
from triage.language.model import Invariant, Result, Rule, Ruleset, Urgency
from triage.records import record


@record
class Blame:
    """The rules behind one counterexample, as ids."""

    result_from: tuple[str, ...]  # fired rules that set the urgency or the offending advice
    expected: tuple[str, ...]  # rules whose outcome would satisfy the invariant
    fired: frozenset[str]

    def lines(self) -> list[str]:
        """The two lines a report prints."""
        out = ["the result comes from: " + (", ".join(self.result_from)
                                            or "no rule (the default, self care)")]
        if self.expected:
            out.append("the rules that would satisfy it: " + ", ".join(
                f"{rid} ({'fired' if rid in self.fired else 'did not fire'})"
                for rid in self.expected))
        else:
            out.append("the rules that would satisfy it: none (no rule that reads these "
                       "answers has that outcome: one is missing or was weakened)")
        return out


def _reads(ruleset: Ruleset) -> dict[str, set[str]]:
    """Each rule id -> the questions it reads, directly or through the findings it uses."""
    direct = {rule.id: _questions(rule) for rule in ruleset.rules}
    by_finding: dict[str, set[str]] = {}
    for _ in range(6):  # findings chain a few steps deep
        for rule in ruleset.rules:
            for name in rule.then.findings:
                by_finding.setdefault(name, set()).update(direct[rule.id])
        for rule in ruleset.rules:
            for name, _negated in finding_polarity(rule.when):
                direct[rule.id] |= by_finding.get(name, set())
    return direct


def _questions(rule: Rule) -> set[str]:
    try:
        return set(questions_read(rule.when))
    except TypeError:
        return set()


def _matches(advice_id: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(advice_id, pattern) for pattern in patterns)


def _satisfies(rule: Rule, invariant: Invariant, result: Result, missing: list[str],
               offending: list[str]) -> bool:
    """Would this rule's outcome meet a demand the result fails?"""
    expect, then = invariant.expect, rule.then
    got = Urgency(result.urgency)
    level = then.urgency.rank if then.urgency is not None else -1
    wanted = expect.urgency or expect.urgency_at_least
    low = wanted is not None and got.rank < wanted.rank
    forbidden = got in expect.not_urgency
    if low and wanted is not None and level >= wanted.rank:
        return True
    if forbidden and level > got.rank and then.urgency not in expect.not_urgency:
        return True
    if set(then.recommend) & set(missing):
        return True
    if any(_matches(aid, then.exclude) for aid in offending):
        return True
    # another kind of demand (plan, blank answers, safety net, not sure, if_urgency):
    # the rules that would have raised the urgency
    return not (low or forbidden or missing or offending) and level > got.rank


def blame(ruleset: Ruleset, invariant: Invariant, result: Result,
          answers: Mapping[str, Any], baseline: Mapping[str, Any]) -> Blame:
    """The rules behind ``result`` (the counterexample's) and the rules the invariant
    expected, among those reading an answer that differs from ``baseline``."""
    rules = {rule.id: rule for rule in ruleset.rules}
    fired = [f.id for f in result.fired_rules if f.id in rules]
    given = {item.id for item in result.advice}
    expect = invariant.expect
    missing = [aid for aid in expect.includes if aid not in given]
    offending = [aid for aid in given if _matches(aid, expect.excludes)]
    source = [rid for rid in fired
              if rules[rid].then.urgency == Urgency(result.urgency)
              or set(rules[rid].then.recommend) & set(offending)
              or any(_matches(aid, rules[rid].then.exclude) for aid in missing)]
    deciding = {qid for qid, value in answers.items() if value != baseline.get(qid)}
    reads = _reads(ruleset)
    if expect.includes_any and not given & set(expect.includes_any):
        missing += list(expect.includes_any)
    expected = [rule.id for rule in ruleset.active_rules
                if _satisfies(rule, invariant, result, missing, offending)
                and (not deciding or reads[rule.id] & deciding)]
    return Blame(tuple(source), tuple(expected), frozenset(fired))
