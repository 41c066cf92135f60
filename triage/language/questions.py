"""The questions of the data dictionary: their types, allowed values and when they apply.

A question's ``ask_when`` and ``required_when`` are conditions of the rule language, seen
here only as a :class:`~triage.language.predicate.Predicate`: something that holds or
not for some answers and can say so in words. So :mod:`triage.language.conditions`
imports this module, and not the other way round.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.problems import NOWHERE, Place
from triage.records import record

from .predicate import Predicate

QUESTION_TYPES = ("yes_no", "choice", "multi", "integer")
NOT_SURE = "not_sure"  # the answer "not sure" to a danger sign: never "no", never blank


@record
class Choice:
    """One allowed answer of a choice question: its value and its label."""

    value: str
    label: str
    exclusive: bool = False  # for ``multi``: cannot be combined with other values


@record
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
    ask_when: Predicate | None = None
    required: bool = False  # a blank answer is refused where the question applies
    required_when: Predicate | None = None  # ...and, if given, only where this holds
    screen: str = ""  # yes/no questions sharing a screen are shown and answered together
    place: Place = NOWHERE

    def needed(self, answers: Mapping[str, Any]) -> bool:
        """Must this question be answered, given the other answers? Danger signs always;
        a ``required`` question where its ``ask_when`` and ``required_when`` hold."""
        if self.danger_sign:
            return True
        return (self.required and self.applies(answers)
                and (self.required_when is None
                     or self.required_when.holds(answers, frozenset())))

    def applies(self, answers: Mapping[str, Any]) -> bool:
        """Does the question apply to this person: does its ``ask_when`` hold (for the
        answers alone)? Danger signs have none: they always apply."""
        return self.ask_when is None or self.ask_when.holds(answers, frozenset())

    @property
    def takes_not_sure(self) -> bool:
        """Does the question accept ``not_sure``? Every danger sign (yes/no or a choice)
        does: an unsure person is not forced to answer yes or no (HAZ-34)."""
        return self.danger_sign and self.type in ("yes_no", "choice")

    @property
    def values(self) -> tuple[Any, ...]:
        """The allowed values, for messages and the data dictionary (``not_sure`` last,
        for a danger sign)."""
        return self.plain_values + ((NOT_SURE,) if self.takes_not_sure else ())

    @property
    def plain_values(self) -> tuple[Any, ...]:
        """The allowed values without ``not_sure``: yes/no, or the listed choices."""
        if self.type == "yes_no":
            return (True, False)
        return tuple(choice.value for choice in self.choices)

    def allowed_text(self) -> str:
        if self.type == "yes_no":
            return "yes, no or not_sure" if self.takes_not_sure else "yes or no"
        if self.type == "integer":
            return f"a whole number from {self.minimum} to {self.maximum}"
        values = [str(value) for value in self.values]
        if self.type == "multi":
            return "a list of: " + ", ".join(values)
        return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]


_PLURAL_UNITS = frozenset({"years", "months", "weeks", "days", "hours", "minutes"})


def amount(value: int, unit: str | None) -> str:
    """A number with its question's unit, as a person reads it: "1 day", "14 days",
    "38 years", "6 out of 10" (units are written plural in the questionnaire)."""
    unit = unit or ""
    if value == 1 and unit in _PLURAL_UNITS:
        unit = unit[:-1]
    return f"{value} {unit}".strip()
