"""One error hierarchy: every expected failure carries its exit status and its place."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from enum import IntEnum
from pathlib import Path


class ExitStatus(IntEnum):
    """Process exit codes (a public contract, see the README)."""

    OK = 0
    CHECK_FAILED = 1
    BAD_INPUT = 2
    INTERNAL_ERROR = 70
    INTERRUPTED = 130


class TriageError(Exception):
    """Root of every error a user can cause. ``str(err)`` is the one line to show."""

    exit_status = ExitStatus.BAD_INPUT

    def __init__(self, message: str, place: str | None = None) -> None:
        self.message = message
        self.place = place
        super().__init__(f"{place}: {message}" if place else message)


class RulesetError(TriageError):
    """A rule set could not be loaded. Holds every problem found, each with file:line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = len(problems)
        head = f"rule set has {count} problem{'s' if count != 1 else ''}"
        super().__init__(head + ":\n  " + "\n  ".join(problems))


class AnswersError(TriageError):
    """Answers are malformed: wrong id, wrong type, value out of range."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class MissingDangerSignsError(TriageError):
    """Danger-sign (or other required) questions were left unanswered and no conservative
    mode was asked for."""

    def __init__(self, missing: list[str], source: str = "answers") -> None:
        self.missing = missing
        super().__init__(missing_message(missing), place=source)


def missing_message(missing: list[str]) -> str:
    return ("questions needed for safety not answered: " + ", ".join(missing)
            + " (answer them, or treat them as not screened with --missing conservative;"
            " from Python: missing=\"conservative\")")


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return ' (did you mean X?)' for the closest candidate, or ''.

    Close spellings first; failing that, the one candidate that contains the word
    (``lifting`` -> ``lifting_or_bending``).
    """
    options = sorted(candidates)
    close = difflib.get_close_matches(str(word), options, n=1, cutoff=0.6)
    if not close and len(str(word)) >= 3:
        close = [option for option in options if str(word).lower() in option.lower()]
    return f" (did you mean {close[0]!r}?)" if len(close) == 1 else ""


def openable(path: Path) -> str:
    """A path as the user can open it: relative to the working folder when inside it,
    else absolute. Every file place in a message is written this way."""
    absolute = path.resolve()
    try:
        return str(absolute.relative_to(Path.cwd()))
    except ValueError:
        return str(absolute)
