"""Plain data: the rule set and the result. No experta, no CLI, no I/O here."""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import field, replace
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Any, NamedTuple

from triage.problems import NOWHERE, Place
from triage.records import record

from .conditions import Condition
from .questions import NOT_SURE, Question


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
RULE_STATUSES = ("draft", "active", "retired")


@record
class Point:
    """One line of a checklist (the "get help if" safety net).

    ``when`` (answers only) and ``urgency`` tie the line to the answers it describes:
    a person whose answers already meet ``when`` must get at least ``urgency``
    (``triage rules verify`` proves it with ``expect: {safety_net: consistent}``).
    """

    text: str
    when: Condition | None = None
    urgency: Urgency | None = None
    place: Place = NOWHERE


@record
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
    points: tuple[Point, ...] = ()
    corrects_source: str = ""
    place: Place = NOWHERE


@record
class Outcome:
    """The ``then:`` part of a rule."""

    urgency: Urgency | None = None
    findings: tuple[str, ...] = ()
    recommend: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()  # advice ids, or patterns such as ``otc.*``


@record
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
    reason: str = ""  # the rule's reason in the person's words ("you are 65 or over")
    place: Place = NOWHERE


INVARIANT_SCOPES = ("every_answer_set", "unscreened")


@record
class Expectation:
    """What an invariant demands of every result in its scope (empty fields: no demand)."""

    urgency: Urgency | None = None
    urgency_at_least: Urgency | None = None
    not_urgency: tuple[Urgency, ...] = ()
    excludes: tuple[str, ...] = ()  # advice ids or patterns that must never be advised
    includes: tuple[str, ...] = ()  # advice ids that must always be advised
    includes_any: tuple[str, ...] = ()  # at least one of these advice ids is advised
    # ``if_urgency``: what a result of that urgency must (or must never) advise
    by_urgency: tuple[tuple[Urgency, Expectation], ...] = ()
    plan: bool = False  # exactly one urgency and at least one piece of advice
    blank_never_lowers: bool = False  # leaving an optional answer blank never lowers urgency
    safety_net: bool = False  # every checklist line the answers meet is reflected in urgency
    not_sure_not_below_blank: bool = False  # a danger sign answered not_sure never gives a
    # lower urgency than leaving it blank (under --missing conservative)


@record
class Invariant:
    """A safety property declared in YAML and checked by ``triage rules verify``.

    ``scope`` ``every_answer_set``: every answer set the tool accepts by default (every
    danger sign and every required question answered); ``unscreened``: every answer set
    with at least one of them left unanswered (accepted only with ``--missing
    conservative``).
    ``when`` (answers only) narrows the scope further.
    """

    id: str
    title: str
    statement: str
    evidence: tuple[str, ...]
    scope: str
    when: Condition | None
    expect: Expectation
    place: Place = NOWHERE


@record
class FindingInfo:
    """A glossary entry: a finding rules may assert, and what it means in plain words."""

    id: str
    meaning: str
    place: Place = NOWHERE


SEVERITIES = ("catastrophic", "major", "considerable", "significant", "minor")
LIKELIHOODS = ("very_high", "high", "medium", "low", "very_low")
CONTROL_KINDS = ("questions", "rules", "invariants", "cases")


@record
class Hazard:
    """One entry of the hazard log (in the spirit of DCB0129): what could go wrong, how
    bad and how likely, and the controls (question, rule, invariant and case ids) that
    mitigate it. Risk is read from the matrix in :func:`risk`."""

    id: str
    title: str
    cause: str
    effect: str
    harm: str
    severity: str
    likelihood: str
    residual_likelihood: str
    controls: dict[str, tuple[str, ...]]
    place: Place = NOWHERE
    control_lines: dict[str, int] = field(default_factory=dict, compare=False)

    @property
    def initial_risk(self) -> int:
        return risk(self.severity, self.likelihood)

    @property
    def residual_risk(self) -> int:
        return risk(self.severity, self.residual_likelihood)


def risk(severity: str, likelihood: str) -> int:
    """DCB0129's 5 x 5 matrix: 1 (acceptable) to 5 (unacceptable)."""
    s = len(SEVERITIES) - SEVERITIES.index(severity)  # 5 catastrophic .. 1 minor
    lk = len(LIKELIHOODS) - LIKELIHOODS.index(likelihood)  # 5 very high .. 1 very low
    return _RISK[s - 1][lk - 1]


# rows: severity minor..catastrophic; columns: likelihood very low..very high
_RISK = ((1, 1, 2, 2, 3), (1, 2, 2, 3, 4), (2, 2, 3, 3, 4), (2, 3, 3, 4, 5), (3, 4, 4, 5, 5))


@record
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
    locales: dict[str, dict[str, str]]  # locale -> service name placeholder -> wording
    default_locale: str
    cases: tuple[str, ...] = ()  # case files or folders, relative to root
    invariants: tuple[Invariant, ...] = ()
    baseline: dict[str, Any] | None = None  # benign answers for shrinking counterexamples
    findings: dict[str, FindingInfo] = field(default_factory=dict)  # the glossary, if any
    hazards: tuple[Hazard, ...] = ()  # the hazard log, if any

    @cached_property
    def question_map(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}

    @cached_property
    def danger_signs(self) -> tuple[str, ...]:
        return tuple(question.id for question in self.questions if question.danger_sign)

    @cached_property
    def emergency_numbers(self) -> dict[str, str]:
        return {name: services["emergency_number"] for name, services in self.locales.items()}

    @cached_property
    def benign(self) -> dict[str, Any]:
        """Benign answers: the ``baseline`` of the invariants file, else no / none / the
        minimum for each question; questions that do not apply to them are left blank.
        Counterexamples are shrunk towards these, and the questionnaire fills questions
        not yet asked with them to judge whether an answer already means an emergency."""
        derived: dict[str, Any] = {}
        for question in self.questions:
            if question.type == "yes_no":
                derived[question.id] = False
            elif question.type == "choice":
                values = question.plain_values
                derived[question.id] = "none" if "none" in values else values[0]
            elif question.type == "multi":
                exclusive = [c.value for c in question.choices if c.exclusive]
                derived[question.id] = tuple(exclusive[:1])
            else:
                derived[question.id] = question.minimum or 0
        given = {k: tuple(v) if isinstance(v, list) else v
                 for k, v in (self.baseline or {}).items()}
        benign = {**derived, **given}
        for question in self.questions:  # not asked of this person: left unanswered
            if question.id not in given and not question.applies(benign):
                benign[question.id] = None
        return benign

    @cached_property
    def screening(self) -> tuple[Question, ...]:
        """The danger signs and the questions marked ``required`` (where they apply)."""
        return tuple(q for q in self.questions if q.danger_sign or q.required)

    def not_sure(self, answers: Mapping[str, Any]) -> tuple[str, ...]:
        """Danger signs answered ``not_sure``, in questionnaire order."""
        return tuple(qid for qid in self.danger_signs if answers.get(qid) == NOT_SURE)

    def missing_required(self, answers: Mapping[str, Any]) -> tuple[str, ...]:
        """Danger signs and required questions that must be answered but were not, in
        questionnaire order: refused by default, listed as unscreened if conservative."""
        return tuple(q.id for q in self.screening
                     if answers.get(q.id) is None and q.needed(answers))

    @cached_property
    def advice_order(self) -> dict[str, tuple[int, int]]:
        """Each advice id's place in reading order: by kind, then catalogue order."""
        return {aid: (ADVICE_KINDS.index(item.kind), index)
                for index, (aid, item) in enumerate(self.advice.items())}

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


@record
class Exclusion:
    """Advice held back from a plan: its id, the id and title of the rule that held it
    back, and the advice's title."""

    id: str
    because: str
    reason: str
    title: str = ""


@record
class FiredRule:
    """A rule that fired, as a result lists it: its evidence, urgency and advice."""

    id: str
    title: str
    evidence: tuple[str, ...]
    urgency: Urgency | None = None
    recommends: tuple[str, ...] = ()


class Answer(NamedTuple):
    """One answer as the plan shows it to the person and their doctor: the question id,
    its typed value (None: not answered), whether it is a danger sign, and its unit. A
    named tuple, not a dataclass: one is made per question for every result (batch)."""

    id: str
    value: Any
    danger_sign: bool = False
    unit: str = ""


@record
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
    reasons: dict[str, tuple[str, ...]] = field(default_factory=dict)  # advice id -> why
    locale: str = ""
    answers: tuple[Answer, ...] = ()  # for the plan's "Your answers"; not in the JSON

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of DESIGN.md (plus a few documented extra keys)."""
        return {
            "urgency": self.urgency.value,
            "headline": self.headline,
            "advice": [_advice_dict(item, self.reasons.get(item.id, ()))
                       for item in self.advice],
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
            "locale": self.locale,
        }


PLACEHOLDERS = ("emergency_number", "urgent_help", "emergency_department", "gp",
                "maternity")
Services = tuple[tuple[str, str], ...]  # (placeholder, wording) pairs of one locale


def fill(text: str, services: Mapping[str, str] | Services) -> str:
    """Substitute the service-name placeholders (``{emergency_number}``, ``{gp}``...)."""
    for name, wording in (services.items() if isinstance(services, Mapping) else services):
        text = text.replace("{" + name + "}", wording)
    return text


@lru_cache(maxsize=1024)
def filled(advice: Advice, services: Services) -> Advice:
    """The advice with the locale's service names substituted in every text field.

    Cached: the same few catalogue entries are filled for every answer set.
    """
    changes: dict[str, Any] = {}
    for name in ("title", "text", "corrects_source"):
        changes[name] = fill(getattr(advice, name), services)
    for name in ("steps", "skip_if", "cautions"):
        changes[name] = tuple(fill(value, services) for value in getattr(advice, name))
    changes["points"] = tuple(replace(point, text=fill(point.text, services))
                              for point in advice.points)
    return replace(advice, **changes)


def _advice_dict(advice: Advice, reasons: tuple[str, ...] = ()) -> dict[str, Any]:
    item: dict[str, Any] = {"id": advice.id, "kind": advice.kind, "title": advice.title,
                            "text": advice.text}
    for key in ("steps", "skip_if", "cautions"):
        if getattr(advice, key):
            item[key] = list(getattr(advice, key))
    if advice.points:
        item["points"] = [point.text for point in advice.points]
    for key in ("hold", "repetitions", "frequency"):
        if getattr(advice, key):
            item[key] = getattr(advice, key)
    if reasons:
        item["reasons"] = list(reasons)
    item["evidence"] = list(advice.evidence)
    return item
