"""Turn a raw answer value into its typed form for one question, or say why not."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from triage.errors import did_you_mean, shown

if TYPE_CHECKING:
    from .model import Question

_YES = {"yes", "true", "y"}
_NO = {"no", "false", "n"}
_WHOLE = re.compile(r"(-?[0-9]+)(?:\.0*)?")


class ValueProblem(ValueError):
    """The value does not fit the question; the message says what is allowed."""


def _show(raw: Any) -> str:
    if isinstance(raw, bool):  # YAML yes/no and JSON true/false both arrive as bool
        return "yes (true)" if raw else "no (false)"
    return shown(raw)


def coerce(question: Question, raw: Any) -> Any:
    """Return the typed value (bool, int, str or tuple of str) or raise ValueProblem."""
    kind = question.type
    if kind == "yes_no":
        return _yes_no(raw)
    if kind == "integer":
        return _integer(question, raw)
    if kind == "choice":
        return _choice(question, raw)
    return _multi(question, raw)


def _yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _YES | _NO:
        return raw.strip().lower() in _YES
    raise ValueProblem(f"{_show(raw)} is not allowed; expected yes or no")


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
    hint = did_you_mean(raw, allowed) if isinstance(raw, str) else ""
    raise ValueProblem(f"{_show(raw)} is not allowed; expected {question.allowed_text()}{hint}")


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
