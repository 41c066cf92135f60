"""Plain data: the rule set and the result. No experta, no CLI, no I/O here."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Any

from .conditions import Condition


class Urgency(StrEnum):
    """The four urgency levels, lowest first. The highest one raised wins."""

    SELF_CARE = "self_care"
    ROUTINE = "routine"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return _RANK[self]

    @classmethod
    def highest(cls, levels: Any) -> Urgency:
        return max(levels, key=lambda level: level.rank, default=cls.SELF_CARE)


_RANK = {level: index for index, level in enumerate(Urgency)}

ADVICE_KINDS = ("emergency", "doctor", "activity", "stretch", "heat_cold", "otc", "info")
QUESTION_TYPES = ("yes_no", "choice", "multi", "integer")
RULE_STATUSES = ("draft", "active", "retired")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    exclusive: bool = False  # for ``multi``: cannot be combined with other values


@dataclass(frozen=True)
class Question:
    """One question of the data dictionary."""

    id: str
    section: str
    type: str
    text: str
    help: str = ""
    choices: tuple[Choice, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""
    danger_sign: bool = False
    ask_when: Condition | None = None
    place: str = ""

    @property
    def values(self) -> tuple[Any, ...]:
        """The allowed values, for messages and the data dictionary."""
        if self.type == "yes_no":
            return (True, False)
        return tuple(choice.value for choice in self.choices)

    def allowed_text(self) -> str:
        if self.type == "yes_no":
            return "yes or no"
        if self.type == "integer":
            return f"a whole number from {self.minimum} to {self.maximum}"
        values = [str(value) for value in self.values]
        if self.type == "multi":
            return "a list of: " + ", ".join(values)
        return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]


@dataclass(frozen=True)
class Advice:
    """One entry of the advice catalogue, referenced by id from rules."""

    id: str
    kind: str
    title: str
    text: str
    evidence: tuple[str, ...]
    steps: tuple[str, ...] = ()
    hold: str = ""
    repetitions: str = ""
    frequency: str = ""
    skip_if: tuple[str, ...] = ()
    cautions: tuple[str, ...] = ()
    points: tuple[str, ...] = ()
    corrects_source: str = ""
    place: str = ""


@dataclass(frozen=True)
class Outcome:
    """The ``then:`` part of a rule."""

    urgency: Urgency | None = None
    findings: tuple[str, ...] = ()
    recommend: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()  # advice ids, or patterns such as ``otc.*``


@dataclass(frozen=True)
class Rule:
    """One clinical rule, as read from YAML and checked."""

    id: str
    title: str
    category: str
    when: Condition
    then: Outcome
    rationale: str
    evidence: tuple[str, ...]
    status: str
    reviewed_by: str
    reviewed_on: str
    place: str = ""


INVARIANT_SCOPES = ("every_answer_set", "unscreened")


@dataclass(frozen=True)
class Expectation:
    """What an invariant demands of every result in its scope (empty fields: no demand)."""

    urgency: Urgency | None = None
    urgency_at_least: Urgency | None = None
    not_urgency: tuple[Urgency, ...] = ()
    excludes: tuple[str, ...] = ()  # advice ids or patterns that must never be advised
    plan: bool = False  # exactly one urgency and at least one piece of advice


@dataclass(frozen=True)
class Invariant:
    """A safety property declared in YAML and checked by ``triage rules verify``.

    ``scope`` ``every_answer_set``: every answer set with all danger signs answered;
    ``unscreened``: every answer set with at least one danger sign left unanswered.
    ``when`` (answers only) narrows the scope further.
    """

    id: str
    title: str
    statement: str
    evidence: tuple[str, ...]
    scope: str
    when: Condition | None
    expect: Expectation
    place: str = ""


@dataclass(frozen=True)
class FindingInfo:
    """A glossary entry: a finding rules may assert, and what it means in plain words."""

    id: str
    meaning: str
    place: str = ""


@dataclass(frozen=True)
class Ruleset:
    """A whole knowledge base: questionnaire, advice catalogue, rules and wording."""

    name: str
    version: str
    sha256: str
    root: str
    questions: tuple[Question, ...]
    advice: dict[str, Advice]
    rules: tuple[Rule, ...]
    headlines: dict[Urgency, str]
    disclaimer: str
    emergency_numbers: dict[str, str]
    default_locale: str
    cases: tuple[str, ...] = ()  # case files or folders, relative to root
    invariants: tuple[Invariant, ...] = ()
    baseline: dict[str, Any] | None = None  # benign answers for shrinking counterexamples
    findings: dict[str, FindingInfo] = field(default_factory=dict)  # the glossary, if any

    @cached_property
    def question_map(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}

    @cached_property
    def danger_signs(self) -> tuple[str, ...]:
        return tuple(question.id for question in self.questions if question.danger_sign)

    @cached_property
    def active_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.status == "active")

    @cached_property
    def _matching(self) -> dict[str, frozenset[str]]:
        return {}

    def advice_matching(self, pattern: str) -> frozenset[str]:
        """The advice ids an ``exclude`` entry names: an id, or a pattern like ``otc.*``."""
        found = self._matching.get(pattern)
        if found is None:
            found = self._matching[pattern] = frozenset(fnmatch.filter(self.advice, pattern))
        return found

    def info(self) -> dict[str, str]:
        return {"name": self.name, "version": self.version, "sha256": self.sha256}


@dataclass(frozen=True)
class Exclusion:
    id: str
    because: str
    reason: str
    title: str = ""


@dataclass(frozen=True)
class FiredRule:
    id: str
    title: str
    evidence: tuple[str, ...]
    urgency: Urgency | None = None
    recommends: tuple[str, ...] = ()


@dataclass(frozen=True)
class Result:
    """One triage outcome with its explanation. Picklable; renderers read only this."""

    urgency: Urgency
    headline: str
    advice: tuple[Advice, ...]
    excluded: tuple[Exclusion, ...]
    findings: tuple[str, ...]
    fired_rules: tuple[FiredRule, ...]
    unscreened: tuple[str, ...]
    not_answered: tuple[str, ...]
    ruleset: dict[str, str]
    disclaimer: str
    emergency_number: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of DESIGN.md (plus a few documented extra keys)."""
        return {
            "urgency": self.urgency.value,
            "headline": self.headline,
            "advice": [_advice_dict(item) for item in self.advice],
            "excluded": [{"id": e.id, "title": e.title, "because": e.because,
                          "reason": e.reason} for e in self.excluded],
            "findings": list(self.findings),
            "fired_rules": [{"id": r.id, "title": r.title, "evidence": list(r.evidence),
                             "urgency": r.urgency.value if r.urgency else None}
                            for r in self.fired_rules],
            "unscreened": list(self.unscreened),
            "not_answered": list(self.not_answered),
            "ruleset": dict(self.ruleset),
            "disclaimer": self.disclaimer,
            "emergency_number": self.emergency_number,
        }


def fill(text: str, emergency_number: str) -> str:
    """Substitute the one placeholder that advice text may use."""
    return text.replace("{emergency_number}", emergency_number)


@lru_cache(maxsize=1024)
def filled(advice: Advice, emergency_number: str) -> Advice:
    """The advice with ``{emergency_number}`` substituted in every text field.

    Cached: the same few catalogue entries are filled for every answer set.
    """
    changes: dict[str, Any] = {}
    for name in ("title", "text", "corrects_source"):
        changes[name] = fill(getattr(advice, name), emergency_number)
    for name in ("steps", "skip_if", "cautions", "points"):
        changes[name] = tuple(fill(value, emergency_number) for value in getattr(advice, name))
    return replace(advice, **changes)


def _advice_dict(advice: Advice) -> dict[str, Any]:
    item: dict[str, Any] = {"id": advice.id, "kind": advice.kind, "title": advice.title,
                            "text": advice.text}
    for key in ("steps", "skip_if", "cautions", "points"):
        if getattr(advice, key):
            item[key] = list(getattr(advice, key))
    for key in ("hold", "repetitions", "frequency"):
        if getattr(advice, key):
            item[key] = getattr(advice, key)
    item["evidence"] = list(advice.evidence)
    return item
