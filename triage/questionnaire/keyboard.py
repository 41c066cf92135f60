"""Reading an answer typed at the keyboard: words, menu numbers, and a word read as the
one choice it begins or nearly spells (``lifting``, ``liftng`` -> lifting_or_bending).

Only typed answers are read this leniently, and never a danger sign's: answers files and
batch rows stay strict (:func:`triage.language.values.coerce`).
"""

from __future__ import annotations

import re
from typing import Any

from triage.language.questions import NOT_SURE, Question
from triage.language.values import ValueProblem, coerce, typed_choice, typed_not_sure
from triage.problems import shown, suggest


def parse(question: Question, raw: str) -> Any:
    """A typed value from what was typed: words or menu numbers; raise ValueProblem."""
    return understood(question, raw)[0]


def typed_allowed(question: Question) -> str:
    """What may be typed, as the prompt says it: "yes, no or not sure" (a file's
    spelling ``not_sure`` is not what a person types)."""
    return question.allowed_text().replace(NOT_SURE, "not sure")


def understood(question: Question, raw: str) -> tuple[Any, bool]:
    """:func:`_understood`, with a refusal naming the answers as the prompt shows them."""
    try:
        return _understood(question, raw)
    except ValueProblem as exc:
        if NOT_SURE not in exc.reason:
            raise
        raise ValueProblem(exc.reason.replace(question.allowed_text(), typed_allowed(question))
                           .replace(NOT_SURE, "not sure"), exc.suggestion, exc.given) from None


def _understood(question: Question, raw: str) -> tuple[Any, bool]:
    """The typed value, and whether a word was read as the unique choice it begins
    (``lifting`` -> lifting_or_bending), so the person can be told what was taken.

    Only here, at the keyboard, and never for a danger sign: answers files and batch
    rows stay strict (values.coerce). A danger sign takes "not sure", "unsure" or
    "don't know" as ``not_sure``.
    """
    if question.takes_not_sure and typed_not_sure(raw):
        return NOT_SURE, False
    if question.type == "choice":
        value, guessed = _word(question, raw)
        return coerce(question, value), guessed
    if question.type == "multi":
        items = [item.strip() for item in re.split(r"[,;]", raw) if item.strip()]
        if not items:
            raise ValueProblem(f"expected {question.allowed_text()}")
        words, problems = [], []
        for item in items:
            try:
                words.append(_word(question, item))
            except ValueProblem as exc:
                problems.append(str(exc))
        if problems:
            raise ValueProblem("; ".join(problems) + f" (expected {question.allowed_text()})")
        return (coerce(question, [value for value, _ in words]),
                any(guessed for _, guessed in words))
    return coerce(question, raw), False


PREFIX_MIN = 3  # shorter words are never read as a choice they begin


def _word(question: Question, raw: str) -> tuple[str, bool]:
    """One typed word or menu number as a choice value; (value, read from a prefix?)."""
    if raw.isdigit():  # a menu number: ASCII digits only ('²' and '٣' are digits too)
        number = int(raw) if raw.isascii() and len(raw) <= 3 else 0
        if not 1 <= number <= len(question.choices):
            raise ValueProblem(f"{number or shown(raw)} is not on the list; type a number "
                               f"from 1 to {len(question.choices)}, or the word")
        return question.choices[number - 1].value, False
    key = "_".join(raw.lower().split())
    if key in question.values:
        return key, False
    if (word := typed_choice(question, raw)) is not None:  # "m" -> male, as files take it
        return word, False
    # A danger sign's answer is never guessed: the word or the number, exactly.
    guessing = len(key) >= PREFIX_MIN and not question.danger_sign
    matches = _begun_by(question, key) if guessing else []
    if len(matches) == 1:
        return matches[0], True
    if matches:
        raise ValueProblem(f"{shown(raw)} could be " + " or ".join(matches))
    closest = _closest(question, key) if guessing else None
    suggestion, given = (closest, "") if closest else (suggest(raw, question.values), raw)
    if question.type == "choice":
        raise ValueProblem(f"{shown(raw)} is not allowed; expected {question.allowed_text()}",
                           suggestion, given)
    raise ValueProblem(f"{shown(raw)} is not on the list", suggestion, given)


def _words(question: Question) -> dict[str, set[str]]:
    """Each word of a choice's value or label, with the choices it belongs to."""
    found: dict[str, set[str]] = {}
    for choice in question.choices:
        for word in [*choice.value.split("_"), *re.findall(r"[a-z0-9]+", choice.label.lower())]:
            found.setdefault(word, set()).add(choice.value)
    return found


def _begun_by(question: Question, key: str) -> list[str]:
    """The choices whose value, or a word of whose value or label, begins with ``key``."""
    chosen = {value for word, values in _words(question).items() if word.startswith(key)
              for value in values}
    return [c.value for c in question.choices if c.value in chosen or c.value.startswith(key)]


def _closest(question: Question, key: str) -> str | None:
    """The choice a misspelt word of one choice means (``liftng`` -> lifting_or_bending)."""
    words = {word: values for word, values in _words(question).items()
             if len(values) == 1 and len(word) >= PREFIX_MIN}
    import difflib  # here: only a misspelt answer needs it

    close = difflib.get_close_matches(key, sorted(words), n=1, cutoff=0.75)
    return next(iter(words[close[0]])) if close else None
