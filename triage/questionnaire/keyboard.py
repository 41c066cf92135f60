"""Reading an answer typed at the keyboard: words, menu numbers, and a word read as the
one choice it begins or nearly spells (``lifting``, ``liftng`` -> lifting_or_bending).

Only typed answers are read this leniently, and never a danger sign's: answers files and
batch rows stay strict (:func:`triage.language.values.coerce`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    if question.takes_not_sure and (typed_not_sure(raw) or _not_sure_number(question, raw)):
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


def _not_sure_number(question: Question, raw: str) -> bool:
    """The menu number of "not sure", listed after a danger sign's choices."""
    return question.type == "choice" and raw.strip() == str(len(question.choices) + 1)


class GroupProblem(ValueProblem):
    """A screen's answer line that cannot be read: nothing on it is taken."""


_GROUP_YES = {"y", "yes"}
_GROUP_NO = {"n", "no"}
_GROUP_NOT_SURE = {"ns", "not_sure", "unsure"}
_NONE_OF_THESE = {"0", "none", "none_of_these"}


def group_answers(questions: Sequence[Question], raw: str) -> list[Any]:
    """The answers typed on one line for the yes/no questions of a screen, one each, in
    order: ``y``/``yes``, ``n``/``no`` and, for a danger sign, ``ns``/``not sure``.
    Without danger signs, ``0`` or ``none`` answers every one "no". The number of
    answers must match: a missing answer is never read as "no"."""
    words = re.sub(r"not\s+sure|don'?t\s+know|don’t\s+know|do\s+not\s+know", "not_sure",
                   raw.lower())
    words = re.sub(r"none\s+of\s+these", "none_of_these", words)
    tokens = [token for token in re.split(r"[\s,;]+", words) if token]
    danger = any(question.danger_sign for question in questions)
    count = len(questions)
    if not danger and len(tokens) == 1 and tokens[0] in _NONE_OF_THESE:
        return [False] * count
    if len(tokens) != count:
        raise GroupProblem(f"{len(tokens)} answer{'s' if len(tokens) != 1 else ''} given; "
                           f"please type {count}, one for each question, in order")
    values: list[Any] = []
    for index, (question, token) in enumerate(zip(questions, tokens, strict=True), 1):
        if token in _GROUP_YES:
            values.append(True)
        elif token in _GROUP_NO:
            values.append(False)
        elif token in _GROUP_NOT_SURE and question.takes_not_sure:
            values.append(NOT_SURE)
        else:
            allowed = "y, n or ns" if question.takes_not_sure else "y or n"
            raise GroupProblem(f"answer {index}, {shown(token)}, is not {allowed}")
    return values


PREFIX_MIN = 3  # shorter words are never read as a choice they begin


def _word(question: Question, raw: str) -> tuple[str, bool]:
    """One typed word or menu number as a choice value; (value, read from a prefix?)."""
    if raw.isdigit():  # a menu number: ASCII digits only ('²' and '٣' are digits too)
        number = int(raw) if raw.isascii() and len(raw) <= 3 else 0
        if not 1 <= number <= len(question.choices):
            listed = len(question.choices) + (1 if question.takes_not_sure else 0)
            raise ValueProblem(f"{number or shown(raw)} is not on the list; type a number "
                               f"from 1 to {listed}, or the word")
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
