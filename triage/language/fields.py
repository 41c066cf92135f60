"""Reading the fields of rule-set records: every problem recorded with its file:line.

The loader and the readers of each kind of file (questionnaire, advice, findings, rules,
invariants, hazards) share one :class:`FieldReader`: it reads a file safely, checks a
record's keys, and reads text, lists of text and choices, checking that a one-line field
stays one line of printable text.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from triage.problems import Place, Problem, openable, shown

from . import yamlio
from .model import PLACEHOLDERS, Urgency

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
ALLOWED_PLACEHOLDERS = set(PLACEHOLDERS)
# Prose may run over several lines; every other text field is one line (see printable).
PROSE_KEYS = ("rationale", "text", "help", "statement", "meaning", "description",
              "disclaimer", "corrects_source", "steps", "skip_if", "cautions", "points",
              "cause", "effect", "harm")
MAX_LINE_FIELD = 500
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class FieldReader:
    """Problems collected while loading, and the helpers that record them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.unreadable: set[str] = set()  # files whose later checks would only echo the error

    def rel(self, path: Path) -> str:
        """The path as the user can open it: relative to the working folder, else absolute."""
        return openable(path)

    def problem(self, where: str, line: int, message: str) -> None:
        self.problems.append(Problem(Place(where, line), message))

    def misspelt(self, where: str, line: int, message: str, word: Any,
                 known: Iterable[str]) -> None:
        """A problem about ``word``, suggesting the closest of the ``known`` words."""
        self.problems.append(Problem.misspelt(Place(where, line), message, word, known))

    def read(self, path: Path) -> Any:
        try:
            return yamlio.load_file(path, self.rel(path))
        except yamlio.YamlError as exc:
            self.problems.extend(exc.problems)
            self.unreadable.add(self.rel(path))
            return None

    def keys(self, record: Mapping[str, Any], allowed: tuple[str, ...], where: str,
             what: str) -> None:
        for key in record:
            if key not in allowed and not str(key).startswith("x-"):
                self.misspelt(where, yamlio.line_of(record, key),
                              f"unknown key {shown(key)} in {what}", key, allowed)

    def text(self, record: Mapping[str, Any], key: str, where: str, required: bool = True,
             what: str = "") -> str:
        value = record.get(key)
        if value is None or value == "":
            if required:
                self.problem(where, yamlio.line_of(record, key) or node_line(record),
                             f"{what}missing {key!r}")
            return ""
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.problem(where, yamlio.line_of(record, key), f"{what}{key!r} must be text")
            return ""
        self.printable(str(value), key, where, yamlio.line_of(record, key), what)
        return str(value).strip()

    def printable(self, value: str, key: str, where: str, line: int, what: str) -> None:
        """Clinician text reaches every output (terminal, markdown, HTML): no control
        characters (an ESC would drive the terminal, a bidi override reorder what is read),
        and in a one-line field (ids, titles, reviewers, evidence...) no line break and at
        most MAX_LINE_FIELD characters, so it cannot break a heading, table or message."""
        allowed = "\n\t" if key in PROSE_KEYS else ""
        text = value.strip()
        plain = text.replace("\n", "").replace("\t", "") if allowed else text
        odd = None if plain.isprintable() else next(  # the slow look only when needed
            (char for char in text if char not in allowed
             and (unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in BIDI_CONTROLS)),
            None)
        if odd is not None:
            kind = "a line break" if odd in "\n\r\u2028\u2029" else "a control character"
            self.problem(where, line, f"{what}{key!r} contains {kind} (U+{ord(odd):04X}); "
                         + ("it must be one line" if kind == "a line break"
                            else "remove it"))
        elif key not in PROSE_KEYS and len(value) > MAX_LINE_FIELD:
            self.problem(where, line, f"{what}{key!r} is {len(value):,} characters; a one-line "
                         f"field holds at most {MAX_LINE_FIELD}")

    def choice(self, record: Mapping[str, Any], key: str, where: str, allowed: tuple[str, ...],
               what: str = "") -> str:
        """A required text field that must be one of ``allowed`` ('' if it is not)."""
        value = self.text(record, key, where, what=what)
        if value and value not in allowed:
            self.misspelt(where, yamlio.line_of(record, key),
                          f"{what}{key} {shown(value)} is not one of {', '.join(allowed)}",
                          value, allowed)
            return ""
        return value

    def texts(self, record: Mapping[str, Any], key: str, where: str, required: bool = False,
              what: str = "") -> tuple[str, ...]:
        value = record.get(key)
        if value is None:
            if required:
                self.problem(where, node_line(record), f"{what}missing {key!r}")
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            hint = (" (put quotes around text that contains ': ')"
                    if isinstance(value, list) and any(isinstance(v, Mapping) for v in value)
                    else "")
            self.problem(where, yamlio.line_of(record, key),
                         f"{what}{key!r} must be a list of text{hint}")
            return ()
        if required and not value:
            self.problem(where, yamlio.line_of(record, key), f"{what}{key!r} must not be empty")
        for index, item in enumerate(value):
            self.printable(item, key, where, yamlio.line_of(value, index)
                           or yamlio.line_of(record, key), what)
        return tuple(v.strip() for v in value)


def node_line(node: Any) -> int:
    return getattr(node, "line", 0)


def records(ctx: FieldReader, data: Any, key: str, where: str) -> list[Any]:
    if not isinstance(data, Mapping) or not isinstance(data.get(key), list):
        if where not in ctx.unreadable:
            ctx.problem(where, node_line(data), f"expected a top-level {key!r} list")
            ctx.unreadable.add(where)
        return []
    good = []
    for index, record in enumerate(data[key]):
        if isinstance(record, Mapping):
            good.append(record)
        else:
            ctx.problem(where, yamlio.line_of(data[key], index),
                        f"each {key} item must be a mapping")
    return good



def collect(ctx: FieldReader, paths: list[Path], key: str, kind: str,
             build: Callable[[Mapping[str, Any], str], Any]) -> dict[str, Any]:
    """Build every record of the ``key`` lists in ``paths``, refusing duplicate ids."""
    items: dict[str, Any] = {}
    for path in paths:
        where = ctx.rel(path)
        for record in records(ctx, ctx.read(path), key, where):
            item = build(record, where)
            if item is not None:
                add_unique(ctx, items, item, record, where, kind)
    return items


def add_unique(ctx: FieldReader, items: dict[str, Any], item: Any, record: Any, where: str,
               kind: str) -> None:
    """Keep ``item`` under its id, or report its id as a duplicate (naming the first)."""
    if item.id in items:
        ctx.problem(where, node_line(record), f"duplicate {kind} id {item.id!r} "
                    f"(first at {items[item.id].place})")
    else:
        items[item.id] = item


def read_urgency(ctx: FieldReader, value: Any, where: str, line: int, what: str) -> Urgency | None:
    try:
        return Urgency(value)
    except ValueError:
        levels = [level.value for level in Urgency]
        ctx.misspelt(where, line, f"{what}urgency {shown(value)} is not one of "
                     f"{', '.join(levels)}", value, levels)
        return None


def check_placeholders(ctx: FieldReader, text: Any, where: str, line: int, what: str) -> None:
    if not isinstance(text, str):
        return
    for name in PLACEHOLDER.findall(text):
        if name not in ALLOWED_PLACEHOLDERS:
            ctx.misspelt(where, line, f"{what}unknown placeholder {{{name}}}; use one of "
                         + ", ".join("{" + known + "}" for known in PLACEHOLDERS),
                         name, PLACEHOLDERS)


