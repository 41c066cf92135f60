"""One error hierarchy: every expected failure carries its exit status and its place."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from enum import IntEnum
from pathlib import Path
from typing import Any


class ExitStatus(IntEnum):
    """Process exit codes (a public contract, see the README)."""

    OK = 0
    CHECK_FAILED = 1
    BAD_INPUT = 2
    INTERNAL_ERROR = 70
    INTERRUPTED = 130
    OUTPUT_CLOSED = 141  # standard output closed by its reader (128 + SIGPIPE), as `| head`
    TERMINATED = 143  # SIGTERM (128 + 15), where a command stops cleanly on it


class Terminated(KeyboardInterrupt):
    """SIGTERM, where a command handles it: it stops as for Ctrl-C (files left as they
    were, answers saved), and says so."""


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


MAX_SHOWN = 60  # characters of a value echoed in a message
MAX_LINES_PER_FILE = 20  # error lines shown per file (or row); the rest are counted
MAX_REPORT_LINES_PER_FILE = 100  # the same for the report of `triage rules check`
_FILE = re.compile(r"^(?P<file>.+?)(?::\d+)?: ")
MAX_SUGGESTED = 100  # longer words get no "did you mean" (and would be slow to compare)


def shown(value: Any, limit: int = MAX_SHOWN) -> str:
    """A value as a message echoes it, on one line and bounded: text quoted with its
    escapes (a newline shows as \\n), anything else as written; cut after ``limit``
    characters, with the length said."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 200:
        return "a number of more than 60 digits"
    if isinstance(value, str):
        return repr(value) if len(value) <= limit else (
            f"{value[:limit]!r}... ({len(value):,} characters)")
    text = printable(str(value))
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def bounded_lines(lines: Iterable[str], more: str = "",
                  per_file: int = MAX_LINES_PER_FILE) -> list[str]:
    """Non-blank problem lines, at most ``per_file`` per file (the place before
    ``:line:``), each file's hidden lines counted at the end (``more`` is added to that
    count, e.g. where to see them all)."""
    shown_lines: list[str] = []
    seen: Counter[str] = Counter()
    for line in lines:
        line = line.strip()
        if not line:
            continue
        found = _FILE.match(line)
        file = found["file"] if found else ""
        seen[file] += 1
        if seen[file] <= per_file:
            shown_lines.append(line)
    for file, count in seen.items():
        if count > per_file:
            hidden = count - per_file
            place = f"{file}: " if file else ""
            shown_lines.append(f"{place}... and {hidden:,} more line{'s' if hidden != 1 else ''}"
                               f" like these{more}")
    return shown_lines


def printable(text: str) -> str:
    """Text (a path, a name) with every character that would break a one-line message
    written as an escape: a newline as \\n, a control character as \\x1b."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """Return ' (did you mean X?)' for the closest candidate, or ''.

    Close spellings first; failing that, the one candidate that contains the word
    (``lifting`` -> ``lifting_or_bending``). Never the word itself; and when the word
    only looks like the candidate (a Cyrillic 'а' in 'age'), the characters that differ
    are named, since the two look the same on screen.
    """
    word = str(word)
    if len(word) > MAX_SUGGESTED:
        return ""
    options = sorted(candidates)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close and len(word) >= 3:
        close = [option for option in options if word.lower() in option.lower()]
    if len(close) != 1 or close[0] == word:
        return ""
    odd = [char for char in dict.fromkeys(word) if not char.isascii() or not char.isprintable()]
    if odd and close[0].isascii():
        names = ", ".join(f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}"
                          for char in odd[:3])
        return f" (did you mean {close[0]!r}? what was given has {names})"
    return f" (did you mean {close[0]!r}?)"


def openable(path: Path) -> str:
    """A path as the user can open it: relative to the working folder when inside it,
    else absolute, with characters that would break a one-line message escaped. Every
    file place in a message is written this way."""
    absolute = path.resolve()
    try:
        return printable(str(absolute.relative_to(Path.cwd())))
    except ValueError:
        return printable(str(absolute))
