"""Turn a raw answer value into its typed form for one question, or say why not."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from triage.errors import MAX_LINES_PER_FILE
from triage.problems import Problem, Source, hint, place_of, shown, suggest

from .questions import NOT_SURE, Question
from .yamlio import line_of

# What a person types at the keyboard for "not sure" to a danger sign. Answer files take
# only ``not_sure`` (or "not sure"): see :func:`coerce`.
NOT_SURE_WORDS = frozenset({"not_sure", "not sure", "unsure", "don't know", "dont know",
                            "do not know", "don’t know"})
_YES = {"yes", "true", "y"}
_NO = {"no", "false", "n"}
_WHOLE = re.compile(r"(-?[0-9]+)(?:\.0*)?")
# Answers people type for a number of days (``duration_days``): a number and a unit. A
# month is read as 30 days. "m" is not a unit here: minutes or months?
_DAYS_PER = {"day": 1, "days": 1, "d": 1, "week": 7, "weeks": 7, "wk": 7, "wks": 7,
             "month": 30, "months": 30}
_DAY_WORDS = {"today": 0, "yesterday": 1}
_WITH_UNIT = re.compile(r"(-?[0-9]+(?:\.0*)?)\s*([a-z]+)")
_OUT_OF = re.compile(r"(-?[0-9]+(?:\.0*)?)\s*(?:/|out\s+of)\s*([0-9]+)")
# Problems described in full per answer set, the rest counted: with the count and the
# danger-sign line, what one file may show in an error message.
MAX_PROBLEMS = MAX_LINES_PER_FILE - 2


class ValueProblem(ValueError):
    """The value does not fit the question; the reason says what is allowed, and the
    suggestion (data) what was probably meant."""

    def __init__(self, reason: str, suggestion: str | None = None, given: str = "") -> None:
        self.reason, self.suggestion, self.given = reason, suggestion, given
        super().__init__(reason + hint(suggestion, given))


def _show(raw: Any) -> str:
    if isinstance(raw, bool):  # YAML yes/no and JSON true/false both arrive as bool
        return "yes (true)" if raw else "no (false)"
    return shown(raw)


def coerce(question: Question, raw: Any, *, lenient: bool = True) -> Any:
    """Return the typed value (bool, int, str or tuple of str) or raise ValueProblem.

    ``lenient`` reads the answers people type (files, batch rows, the keyboard): "3 days",
    "4/10", "m" for male, "no" for a choice worded "No, ...", "a, b" for a list. A danger
    sign's answer is never read leniently. Rule conditions pass ``lenient=False``.
    """
    kind = question.type
    if question.takes_not_sure and _is_not_sure(raw):
        return NOT_SURE
    if kind == "yes_no":
        return _yes_no(question, raw)
    if kind == "integer":
        return _integer(question, raw, lenient)
    if kind == "choice":
        return _choice(question, raw, lenient)
    return _multi(question, raw, lenient)


def _is_not_sure(raw: Any) -> bool:
    """``not_sure`` exactly, in any letter case, with a space or an underscore: a file's
    danger-sign answer is never guessed from a prefix or a near miss."""
    return isinstance(raw, str) and "_".join(raw.lower().split()) == NOT_SURE


def typed_not_sure(raw: str) -> bool:
    """Is this what a person types for "not sure" ("not sure", "unsure", "don't know")?
    For the keyboard only (``triage ask``); files take ``not_sure``."""
    return " ".join(raw.lower().replace("_", " ").split()) in NOT_SURE_WORDS


def _yes_no(question: Question, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _YES | _NO:
        return raw.strip().lower() in _YES
    raise ValueProblem(f"{_show(raw)} is not allowed; expected {question.allowed_text()}")


def _whole(question: Question, text: str) -> int | None:
    """A whole number written in decimal ("38", "-1", "038", and "38.0" as spreadsheets
    export whole numbers), or None."""
    whole = _WHOLE.fullmatch(text)
    if whole is None:
        return None
    if len(whole[1]) > 12:  # not worth converting (nor safe: int() caps digit strings)
        raise ValueProblem(f"{whole[1][:12]}... is out of range; "
                           f"expected {question.allowed_text()}")
    return int(whole[1])


def typed_forms(question: Question) -> str:
    """The other forms an integer answer may take, for messages ("" if none)."""
    if question.unit == "days":
        return ' (or "3 days", "2 weeks", "1 month" = 30 days, "today", "yesterday")'
    if question.unit == f"out of {question.maximum}":
        return f' (or "4/{question.maximum}", "4 out of {question.maximum}")'
    return ""


def _with_unit(question: Question, text: str) -> int | None:
    """A number with a unit, as people type it: "3 days", "2 weeks", "today" for a number
    of days; "4/10", "4 out of 10" out of 10; "38 years" in the question's own unit."""
    text = " ".join(text.lower().split())
    if question.unit == "days" and text in _DAY_WORDS:
        return _DAY_WORDS[text]
    if question.unit == f"out of {question.maximum}" and (part := _OUT_OF.fullmatch(text)):
        if part[2].lstrip("0") != str(question.maximum):
            raise ValueProblem(f"{shown(text)} is not out of {question.maximum}; expected "
                               f"{question.allowed_text()}{typed_forms(question)}")
        return _whole(question, part[1])
    if (part := _WITH_UNIT.fullmatch(text)) is None:
        return None
    number, unit = _whole(question, part[1]), part[2]
    if number is None:
        return None
    if question.unit == "days" and unit in _DAYS_PER:
        return number * _DAYS_PER[unit]
    own = question.unit
    if own and unit in (own, own.rstrip("s")):
        return number
    return None


def _integer(question: Question, raw: Any, lenient: bool = True) -> int:
    value: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str):
        value = _whole(question, raw.strip())
        if value is None and lenient:
            value = _with_unit(question, raw.strip())
    if value is None:
        forms = typed_forms(question) if lenient else ""
        raise ValueProblem(f"{_show(raw)} is not allowed; expected "
                           f"{question.allowed_text()}{forms}")
    low, high = question.minimum, question.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueProblem(f"{value} is out of range; expected {question.allowed_text()}")
    return value


def _choice(question: Question, raw: Any, lenient: bool = True) -> str:
    allowed = question.values
    if isinstance(raw, str) and raw.strip().lower() in allowed:
        return raw.strip().lower()
    if lenient and raw is False:  # YAML's bare no, JSON's false: read as the word "no"
        raw = "no"
    if lenient and isinstance(raw, str) and (word := typed_choice(question, raw)):
        return word
    suggestion = suggest(raw, allowed) if isinstance(raw, str) else None
    raise ValueProblem(f"{_show(raw)} is not allowed; expected {question.allowed_text()}",
                       suggestion, raw if isinstance(raw, str) else "")


def typed_choice(question: Question, raw: str) -> str | None:
    """The one choice a typed word means, beyond its value, or None: a single letter that
    begins exactly one choice's value ("m" -> male), and "no" for the choice worded
    "No, ..." (or, not for a danger sign, the choice ``none``). Only for ``choice``
    questions. A danger sign takes no single letter; "no" only where its choice reads
    "No, ..." ("No, there was no fall, accident or injury"), and never "yes"."""
    if question.type != "choice":
        return None
    word = raw.strip().lower()
    if len(word) == 1 and word.isalpha() and not question.danger_sign:
        begun = [value for value in question.plain_values if value.startswith(word)]
        return begun[0] if len(begun) == 1 else None
    if word == "no":
        worded = [choice.value for choice in question.choices
                  if choice.label.lower().startswith("no,")
                  or (choice.value == "none" and not question.danger_sign)]
        return worded[0] if len(worded) == 1 else None
    return None


def _multi(question: Question, raw: Any, lenient: bool = True) -> tuple[str, ...]:
    # a list in one string: "a;b", and "a, b" as ``triage ask`` takes it
    items = re.split(r"[;,]" if lenient else ";", raw) if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)):
        raise ValueProblem(f"{_show(raw)} is not allowed; expected {question.allowed_text()}")
    chosen = {_choice(question, item, lenient) for item in items
              if not (isinstance(item, str) and not item.strip())}
    for choice in question.choices:
        if choice.exclusive and choice.value in chosen and len(chosen) > 1:
            raise ValueProblem(f"{choice.value} cannot be combined with other values")
    order = {value: index for index, value in enumerate(question.values)}
    return tuple(sorted(chosen, key=order.__getitem__))


def typed_answers(questions: Mapping[str, Question], raw: Mapping[Any, Any],
                  source: Source) -> tuple[dict[str, Any], list[Problem]]:
    """Every answer typed (None and absent answers left out), and a problem for each
    unknown id or value that does not fit, named by ``source`` and line: the first
    :data:`MAX_PROBLEMS` in full, the rest counted."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    more = 0
    for key, value in raw.items():
        if key not in questions:
            if len(problems) < MAX_PROBLEMS:
                problems.append(Problem.misspelt(place_of(source, line_of(raw, key)),
                                                 f"unknown answer id {shown(key)}", key,
                                                 questions))
            else:
                more += 1
            continue
        if value is None:
            continue
        try:
            values[key] = coerce(questions[key], value)
        except ValueProblem as exc:
            if len(problems) < MAX_PROBLEMS:
                problems.append(Problem(place_of(source, line_of(raw, key)),
                                        f"{key}: {exc.reason}", exc.suggestion, exc.given))
            else:
                more += 1
    if more:
        problems.append(Problem(place_of(source), f"and {more:,} more problem"
                                f"{'s' if more != 1 else ''} like these"))
    return values, problems
