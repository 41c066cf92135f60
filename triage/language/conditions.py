"""The condition language of rules and ``ask_when``: parse, check, evaluate, describe.

A condition is a tree. Leaves test one answer (``is``, ``in``, ``>=``, ``<=``,
``between``), whether an answer is missing (``unanswered``) or whether a finding has
been asserted (``finding``); ``all``, ``any`` and ``not`` combine them. For a
``multi`` question (a list answer), ``is: x`` means "x is among the answers" and
``in: [x, y]`` means "any of them is".

A leaf on an answer that was not given is false, so ``not`` of it is true: ``not``
means "not known to be". Use ``unanswered`` to speak about missing answers, and
``unscreened: true`` for "a question needed for safety (a danger sign, or a question
marked ``required`` where it applies) was not answered".

Writing a rule so that a blank answer cannot switch it off: test ``not`` the benign
values (``not: {onset: gradual}`` holds for sudden *and* for a blank onset).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import field, replace
from typing import Any

from triage.problems import Place, Problem, shown
from triage.records import record

from .predicate import Predicate
from .questions import Question
from .values import ValueProblem, coerce

OPERATORS = ("is", "in", ">=", "<=", "between")
KEYWORDS = ("all", "any", "not", "finding", "unanswered", "unscreened")


@record
class Compare:
    """A question's answer compared with a value by ``op``; ``multi`` for a multi-choice
    question."""

    question: str
    op: str
    value: Any
    multi: bool = False

    def holds(self, answers: Mapping[str, Any], findings: Set[str]) -> bool:
        return test(self, answers.get(self.question))

    def describe(self) -> str:
        name = self.question.replace("_", " ")
        shown = _show(self.value)
        if self.op == "is":
            return f"{name} includes {shown}" if self.multi else f"{name} is {shown}"
        if self.op == "in":
            verb = "includes any of" if self.multi else "is one of"
            return f"{name} {verb} {shown}"
        if self.op == ">=":
            return f"{name} is at least {shown}"
        if self.op == "<=":
            return f"{name} is at most {shown}"
        return f"{name} is between {_show(self.value[0])} and {_show(self.value[1])}"


@record
class HasFinding:
    """Holds when a rule has asserted the finding ``name``."""

    name: str
    line: int = field(default=0, compare=False)  # where it is written, for messages

    def holds(self, answers: Mapping[str, Any], findings: Set[str]) -> bool:
        return self.name in findings

    def describe(self) -> str:
        return f"finding {self.name!r} holds"


@record
class Unanswered:
    """Holds when the question was left blank."""

    question: str

    def holds(self, answers: Mapping[str, Any], findings: Set[str]) -> bool:
        return answers.get(self.question) is None

    def describe(self) -> str:
        return f"{self.question.replace('_', ' ')} was not answered"


@record
class Unscreened:
    """Some question that must be answered (see :meth:`Question.needed`) was not."""

    questions: tuple[Question, ...] = field(compare=False, repr=False)

    def holds(self, answers: Mapping[str, Any], findings: Set[str]) -> bool:
        return any(answers.get(q.id) is None and q.needed(answers) for q in self.questions)

    def describe(self) -> str:
        return "a danger sign or another required question was not answered"


@record
class All:
    """Holds when every item holds."""

    items: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, Any], findings: Set[str]) -> bool:
        return all(item.holds(answers, findings) for item in self.items)

    def describe(self) -> str:
        if not self.items:
            return "always"
        return " and ".join(_group(item) for item in self.items)


@record
class AnyOf:
    """Holds when at least one item holds."""

    items: tuple[Condition, ...]

    def holds(self, answers: Mapping[str, Any], findings: Set[str]) -> bool:
        return any(item.holds(answers, findings) for item in self.items)

    def describe(self) -> str:
        return " or ".join(_group(item) for item in self.items)


@record
class Not:
    """Holds when its item does not."""

    item: Condition

    def holds(self, answers: Mapping[str, Any], findings: Set[str]) -> bool:
        return not self.item.holds(answers, findings)

    def describe(self) -> str:
        return f"not ({self.item.describe()})"


Condition = Compare | HasFinding | Unanswered | Unscreened | All | AnyOf | Not


def test(leaf: Compare, value: Any) -> bool:
    """Does an answer value satisfy a comparison? (``None`` = not answered: never.)"""
    if value is None:
        return False
    if leaf.multi:
        wanted = leaf.value if leaf.op == "in" else (leaf.value,)
        return any(item in value for item in wanted)
    if leaf.op == "is":
        return bool(value == leaf.value)
    if leaf.op == "in":
        return value in leaf.value
    if not isinstance(value, int) or isinstance(value, bool):
        return False  # a number test never holds for a non-number
    if leaf.op == ">=":
        return bool(value >= leaf.value)
    if leaf.op == "<=":
        return bool(value <= leaf.value)
    low, high = leaf.value
    return bool(low <= value <= high)


def finding_polarity(condition: Condition, negated: bool = False):  # type: ignore[no-untyped-def]
    """Yield (finding name, is_negated) for every finding the condition tests."""
    if isinstance(condition, HasFinding):
        yield condition.name, negated
    elif isinstance(condition, (All, AnyOf)):
        for item in condition.items:
            yield from finding_polarity(item, negated)
    elif isinstance(condition, Not):
        yield from finding_polarity(condition.item, not negated)


def finding_line(condition: Condition, name: str) -> int:
    """The line where the condition first tests finding ``name`` (0 if unknown)."""
    if isinstance(condition, HasFinding):
        return condition.line if condition.name == name else 0
    items = (condition.items if isinstance(condition, (All, AnyOf))
             else (condition.item,) if isinstance(condition, Not) else ())
    return next((line for item in items if (line := finding_line(item, name))), 0)


def holds_partly_known(condition: Condition, answers: Mapping[str, Any],
                       findings: Set[str],
                       unknown: frozenset[str] | set[str]) -> bool | None:
    """The condition's value when the findings in ``unknown`` may or may not hold and
    every other finding holds exactly when it is in ``findings``: True or False whatever
    the unknown ones are, or None when it depends on them (Kleene's three-valued logic)."""
    if isinstance(condition, HasFinding):
        return None if condition.name in unknown else condition.name in findings
    if isinstance(condition, Not):
        value = holds_partly_known(condition.item, answers, findings, unknown)
        return None if value is None else not value
    if isinstance(condition, (All, AnyOf)):
        decisive = isinstance(condition, AnyOf)  # the value that settles the group
        result: bool | None = not decisive
        for item in condition.items:
            value = holds_partly_known(item, answers, findings, unknown)
            if value is decisive:
                return decisive
            if value is None:
                result = None
        return result
    return condition.holds(answers, findings)


def questions_read(condition: Condition | Predicate) -> set[str]:
    """Every question id the condition reads (comparisons and ``unanswered``). A kind of
    condition this function does not know raises TypeError, so that a caller relying on
    the answer can take every question as read rather than miss one."""
    if isinstance(condition, (Compare, Unanswered)):
        return {condition.question}
    if isinstance(condition, HasFinding):
        return set()
    if isinstance(condition, Unscreened):  # each required question, and what decides it
        read = {question.id for question in condition.questions}
        for question in condition.questions:
            for when in (question.ask_when, question.required_when):
                if when is not None:
                    read |= questions_read(when)
        return read
    if isinstance(condition, (All, AnyOf, Not)):
        items = (condition.item,) if isinstance(condition, Not) else condition.items
        return set().union(*(questions_read(item) for item in items))
    raise TypeError(f"questions_read: unknown condition {type(condition).__name__}")


def _group(item: Condition) -> str:
    text = item.describe()
    return f"({text})" if isinstance(item, (All, AnyOf)) and len(item.items) > 1 else text


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    return str(value)


class Parser:
    """Reads condition trees from YAML, collecting every problem with its place."""

    def __init__(self, questions: Mapping[str, Question], problems: list[Problem],
                 allow_findings: bool = True) -> None:
        self.questions = questions
        self.problems = problems
        self.allow_findings = allow_findings

    def problem(self, where: str, line: int, message: str) -> None:
        self.problems.append(Problem(Place(where, line), message))

    def misspelt(self, where: str, line: int, message: str, word: Any,
                 known: Iterable[str]) -> None:
        self.problems.append(Problem.misspelt(Place(where, line), message, word, known))

    def parse(self, node: Any, where: str, line: int) -> Condition:
        line = getattr(node, "line", line) or line
        if not isinstance(node, Mapping) or not node:
            self.problem(where, line, "a condition must be a mapping such as "
                         "'saddle_numbness: yes', 'all: [...]', 'any: [...]' or 'not: {...}'")
            return All(())
        leaves = [self._parse_key(key, value, where, _line(node, key, line))
                  for key, value in node.items()]
        return leaves[0] if len(leaves) == 1 else All(tuple(leaves))

    def _parse_key(self, key: Any, value: Any, where: str, line: int) -> Condition:
        if key in ("all", "any"):
            return self._parse_group(key, value, where, line)
        if key == "not":
            return Not(self.parse(value, where, line))
        if key == "finding":
            if not self.allow_findings:
                self.problem(where, line, "findings cannot be used here (only answers)")
            if not isinstance(value, str) or not value:
                self.problem(where, line, "finding: needs a finding name")
                return All(())
            return HasFinding(value, line)
        if key == "unanswered":
            if self._question(value, where, line) is None:
                return All(())
            return Unanswered(value)
        if key == "unscreened":
            if not self.allow_findings:
                self.problem(where, line, "unscreened cannot be used here (only in rules)")
            if value is not True:
                self.problem(where, line, "unscreened: takes only 'true'")
                return All(())
            return Unscreened(tuple(q for q in self.questions.values()
                                    if q.danger_sign or q.required))
        question = self._question(key, where, line)
        if question is None:
            return All(())
        return self._parse_leaf(question, value, where, line)

    def _parse_group(self, key: str, value: Any, where: str, line: int) -> Condition:
        if not isinstance(value, list) or (key == "any" and not value):
            self.problem(where, line, f"{key}: needs a list of conditions")
            return All(())
        items = tuple(self.parse(item, where, _line(value, index, line))
                      for index, item in enumerate(value))
        return All(items) if key == "all" else AnyOf(items)

    def _question(self, key: Any, where: str, line: int) -> Question | None:
        if isinstance(key, str) and key in self.questions:
            return self.questions[key]
        known = list(self.questions) + list(KEYWORDS)
        self.misspelt(where, line, f"unknown question id {shown(key)}", key, known)
        return None

    def _parse_leaf(self, question: Question, value: Any, where: str, line: int) -> Condition:
        if isinstance(value, Mapping):
            if len(value) != 1:
                self.problem(where, line, f"{question.id}: give exactly one of "
                             + ", ".join(OPERATORS))
                return All(())
            op, operand = next(iter(value.items()))
        else:
            op, operand = "is", value
        if op not in OPERATORS:
            self.misspelt(where, line, f"{question.id}: unknown operator {shown(op)}; "
                          f"use one of {', '.join(OPERATORS)}", op, OPERATORS)
            return All(())
        operand = self._operand(question, op, operand, where, line)
        if operand is None:
            return All(())
        return Compare(question.id, op, operand, multi=question.type == "multi")

    def _operand(self, question: Question, op: str, operand: Any, where: str,
                 line: int) -> Any:
        numeric = op in (">=", "<=", "between")
        if numeric and question.type != "integer":
            self.problem(where, line, f"{question.id}: {op} needs a number question, "
                         f"but {question.id} is {question.type}")
            return None
        if op in ("in", "between"):
            if not isinstance(operand, list) or not operand or (op == "between"
                                                               and len(operand) != 2):
                want = "[low, high]" if op == "between" else "a list of values"
                self.problem(where, line, f"{question.id}: {op} needs {want}")
                return None
            values = [self._value(question, item, where, line) for item in operand]
            if any(item is None for item in values):
                return None
            if op == "between" and values[0] > values[1]:
                self.problem(where, line, f"{question.id}: between needs low <= high")
                return None
            return tuple(values)
        return self._value(question, operand, where, line)

    def _value(self, question: Question, raw: Any, where: str, line: int) -> Any:
        single = question if question.type != "multi" else _as_choice(question)
        try:
            return coerce(single, raw, lenient=False)  # rules are written exactly
        except ValueProblem as exc:
            self.problems.append(Problem(Place(where, line), f"{question.id}: {exc.reason}",
                                         exc.suggestion, exc.given))
            return None


def _as_choice(question: Question) -> Question:
    return replace(question, type="choice")


def _line(container: Any, key: Any, default: int) -> int:
    line_of = getattr(container, "line_of", None)
    return (line_of(key) if line_of else 0) or default
