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


def coerce(question: Question, raw: Any) -> Any:
    """Return the typed value (bool, int, str or tuple of str) or raise ValueProblem."""
    kind = question.type
    if question.takes_not_sure and _is_not_sure(raw):
        return NOT_SURE
    if kind == "yes_no":
        return _yes_no(question, raw)
    if kind == "integer":
        return _integer(question, raw)
    if kind == "choice":
        return _choice(question, raw)
    return _multi(question, raw)


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


def _integer(question: Question, raw: Any) -> int:
    value: int | None = None
    if isinstance(raw, int) and not isinstance(raw, bool):
        value = raw
    elif isinstance(raw, float) and raw.is_integer():
        value = int(raw)
    elif isinstance(raw, str) and (whole := _WHOLE.fullmatch(raw.strip())):
        # "38", "-1", and "38.0" as spreadsheets export whole numbers
        if len(whole[1]) > 12:  # not worth converting (nor safe: int() caps digit strings)
            raise ValueProblem(f"{whole[1][:12]}... is out of range; "
                               f"expected {question.allowed_text()}")
        value = int(whole[1])
    if value is None:
        raise ValueProblem(f"{_show(raw)} is not allowed; expected {question.allowed_text()}")
    low, high = question.minimum, question.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueProblem(f"{value} is out of range; expected {question.allowed_text()}")
    return value


def _choice(question: Question, raw: Any) -> str:
    allowed = question.values
    if isinstance(raw, str) and raw.strip().lower() in allowed:
        return raw.strip().lower()
    suggestion = suggest(raw, allowed) if isinstance(raw, str) else None
    raise ValueProblem(f"{_show(raw)} is not allowed; expected {question.allowed_text()}",
                       suggestion, raw if isinstance(raw, str) else "")


def _multi(question: Question, raw: Any) -> tuple[str, ...]:
    items = raw.split(";") if isinstance(raw, str) else raw
    if not isinstance(items, (list, tuple)):
        raise ValueProblem(f"{_show(raw)} is not allowed; expected {question.allowed_text()}")
    chosen = {_choice(question, item) for item in items if not (isinstance(item, str)
                                                                and not item.strip())}
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
