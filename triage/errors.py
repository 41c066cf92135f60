"""One error hierarchy: every expected failure carries its exit status and its place."""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import Self

from triage.problems import Place, Problem

NOTE = "note: "  # starts the line of a problem that is a note (a check skipped), not a fault


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
    """Root of every error a user can cause: the problems found (each one line to show)
    and the exit status. ``str(err)`` is the text to show."""

    exit_status = ExitStatus.BAD_INPUT

    def __init__(self, message: str, place: Place | str | None = None,
                 suggestion: str | None = None, given: str = "") -> None:
        where = Place(place) if isinstance(place, str) else place
        self._setup([Problem(where, message, suggestion, given)])

    @classmethod
    def of(cls, problems: Sequence[Problem]) -> Self:
        """The error for several problems at once: one line each."""
        error = cls.__new__(cls)
        error._setup(problems, "\n".join(map(str, problems)))
        return error

    def _setup(self, problems: Sequence[Problem], text: str | None = None) -> None:
        self.problems = list(problems)
        Exception.__init__(self, text if text is not None else str(self.problems[0]))

    @property
    def message(self) -> str:
        """The first problem's text, without its place."""
        return self.problems[0].text

    @property
    def place(self) -> Place | None:
        return self.problems[0].place

    def lines(self) -> list[tuple[str, str]]:
        """(file, line) for each line to show: one per problem."""
        return [(problem.place.file if problem.place else "", line)
                for problem in self.problems
                for line in (NOTE + str(problem) if problem.note else str(problem)).splitlines()]


class RulesetError(TriageError):
    """A rule set could not be loaded. Holds every problem found, each with file:line."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        count = sum(not problem.note for problem in problems)
        self.heading = f"rule set has {count} problem{'s' if count != 1 else ''}:"
        self._setup(problems, self.heading + "\n  " + "\n  ".join(map(str, problems)))

    def lines(self) -> list[tuple[str, str]]:
        return [("", self.heading), *super().lines()]


class AnswersError(TriageError):
    """Answers are malformed: wrong id, wrong type, value out of range."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self._setup(problems, "\n".join(map(str, problems)))


class MissingDangerSignsError(TriageError):
    """Danger-sign (or other required) questions were left unanswered and no conservative
    mode was asked for."""

    def __init__(self, missing: list[str], source: Place | str = "answers") -> None:
        self.missing = missing
        super().__init__(missing_message(missing), place=source)


def missing_message(missing: list[str]) -> str:
    return ("questions needed for safety not answered: " + ", ".join(missing)
            + " (answer them, or treat them as not screened with --missing conservative)")


MAX_LINES_PER_FILE = 20  # error lines shown per file (or row); the rest are counted
MAX_REPORT_LINES_PER_FILE = 100  # the same for the report of `triage rules check`
