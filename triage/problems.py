"""Problems: what is wrong, where, and what was probably meant. One place formats them.

Every part of the library that finds something wrong with its input (the YAML reader,
the condition parser, the loader, the answers check, the clinical cases, the
invariants) records a :class:`Problem`: its :class:`Place` (a file and line, or the
name of what was read: ``row 5``, ``<stdin>``, ``--locale``), the message, and a
suggestion as data (``str | None``, as rule-engine's ``suggest_symbol`` gives it).
``str(problem)`` is the one line a person reads: ``answers.yaml:12: leg_weakness:
'worse' is not allowed; expected none, stable or worsening (did you mean 'worsening'?)``.
Tools that need the place read ``problem.place.file`` and ``problem.place.line``.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from triage.records import record

MAX_SHOWN = 60  # characters of a value echoed in a message
MAX_SUGGESTED = 100  # longer words get no "did you mean" (and would be slow to compare)


@record(order=True)
class Place:
    """Where a problem is: a file and line (0: the whole file), or the name of what was
    read (``row 5``, ``<stdin>``, ``--locale``) with no line."""

    file: str
    line: int = 0
    column: int = 0  # 1-based, where a parser knows it (0: the whole line)

    def __bool__(self) -> bool:
        return bool(self.file)  # a place that names nothing is no place

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.column}" if self.column else (
            f"{self.file}:{self.line}")


NOWHERE = Place("")  # the place of something not read from a file (built in code)
Source = str | Place  # what answers were read from: a name (a file, ``row 5``) or a place


def place_of(source: Source, line: int = 0) -> Place:
    """Line ``line`` of ``source`` (0: the source itself, at its own line if it has one)."""
    if isinstance(source, Place):
        return Place(source.file, line) if line else source
    return Place(source, line)


@record
class Problem:
    """One thing wrong: where, what, and what was probably meant."""

    place: Place | None
    message: str
    suggestion: str | None = None  # the known word closest to what was written
    given: str = ""  # what was written, when a suggestion is made
    note: bool = False  # not a fault: a check skipped because of another problem

    @classmethod
    def misspelt(cls, place: Place | None, message: str, word: Any,
                 known: Iterable[str]) -> Problem:
        """A problem about ``word``, with the closest of the ``known`` words suggested."""
        return cls(place, message, suggest(str(word), known), str(word))

    @property
    def text(self) -> str:
        """The message and the suggestion, without the place."""
        return self.message + hint(self.suggestion, self.given)

    def __str__(self) -> str:
        return f"{self.place}: {self.text}" if self.place else self.text


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate the word most likely means, or None.

    Close spellings first; failing that, the one candidate that contains the word
    (``lifting`` -> ``lifting_or_bending``). Never the word itself.
    """
    if len(word) > MAX_SUGGESTED:
        return None
    options = sorted(candidates)
    import difflib  # here: only a misspelling needs it

    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if not close and len(word) >= 3:
        close = [option for option in options if word.lower() in option.lower()]
    if len(close) != 1 or close[0] == word:
        return None
    return close[0]


def hint(suggestion: str | None, given: str = "") -> str:
    """``' (did you mean X?)'``, or ''. When what was given only looks like the
    suggestion (a Cyrillic 'а' in 'age'), the characters that differ are named, since
    the two look the same on screen."""
    if suggestion is None:
        return ""
    odd = [char for char in dict.fromkeys(given) if not char.isascii() or not char.isprintable()]
    if odd and suggestion.isascii():
        names = ", ".join(f"U+{ord(char):04X} {unicodedata.name(char, 'unnamed')}"
                          for char in odd[:3])
        return f" (did you mean {suggestion!r}? what was given has {names})"
    return f" (did you mean {suggestion!r}?)"


def bounded_lines(lines: Iterable[tuple[str, str]], more: str = "",
                  per_file: int = 20) -> list[str]:
    """Non-blank ``(file, line)`` problem lines, at most ``per_file`` per file, each
    file's hidden lines counted at the end (``more`` is added to that count, e.g. where
    to see them all). A line keeps its indentation (a caret under a column needs it)."""
    shown_lines: list[str] = []
    seen: Counter[str] = Counter()
    for file, line in lines:
        line = line.rstrip()
        if not line.strip():
            continue
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


EXCERPT_WIDTH = 72  # characters of a source line shown under a message


def excerpt(text: str, line: int, column: int) -> str:
    """Line ``line`` of ``text`` (1-based) with a caret under ``column``, as two lines
    starting with a gutter (``  12 | when: x``); a tab shows as an arrow, a long line is
    cut around the column. '' if there is no such line."""
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return ""
    source = lines[line - 1].replace("\t", "\u2192")
    column = max(1, min(column, len(source) + 1))
    start = max(0, column - EXCERPT_WIDTH // 2) if len(source) > EXCERPT_WIDTH else 0
    cut = printable(source[start:start + EXCERPT_WIDTH])
    gutter = f"  {line} | "
    return (f"{gutter}{'...' if start else ''}{cut}\n"
            f"{' ' * (len(gutter) - 2)}| {' ' * (column - 1 - start + (3 if start else 0))}^")


def kind_of(value: Any) -> str:
    """What a value is, in words: 'a list', 'a number', 'text', 'yes or no', 'nothing'."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "yes or no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "a date" if type(value).__name__ in ("date", "datetime") else "a value"


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


def printable(text: str) -> str:
    """Text (a path, a name) with every character that would break a one-line message
    written as an escape: a newline as \\n, a control character as \\x1b."""
    if text.isprintable():
        return text
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


def openable(path: Path) -> str:
    """A path as the user can open it: relative to the working folder when inside it,
    else absolute, with characters that would break a one-line message escaped. Every
    file place in a message is written this way."""
    absolute = path.resolve()
    try:
        return printable(str(absolute.relative_to(Path.cwd())))
    except ValueError:
        return printable(str(absolute))
