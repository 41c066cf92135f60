"""Check raw answers (from a file, a form or a prompt) against the questionnaire."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from triage.errors import (
    MAX_LINES_PER_FILE,
    AnswersError,
    MissingDangerSignsError,
    TriageError,
    did_you_mean,
    missing_message,
    shown,
)
from triage.language.model import Ruleset
from triage.language.values import ValueProblem, coerce
from triage.language.yamlio import line_of

MISSING_MODES = ("refuse", "conservative")
# Problems described in full per answer set, the rest counted: with the count and the
# danger-sign line, what one file may show in an error message.
MAX_PROBLEMS = MAX_LINES_PER_FILE - 2


@dataclass(frozen=True)
class Answers:
    """Typed answers, ready for :meth:`triage.engine.Engine.evaluate`.

    Unanswered danger signs are not carried here: the engine finds them in the answers
    itself, so they cannot be dropped on the way.
    """

    values: dict[str, Any]


def check_answers(ruleset: Ruleset, raw: Any, source: str = "answers",
                  missing: str = "refuse") -> Answers:
    """Type and range-check every answer; report all problems at once.

    A danger sign (or a question marked ``required`` where it applies) left unanswered is
    never taken as "no": with ``missing="refuse"`` it is an error listing every missing
    id; with ``missing="conservative"`` it stays unanswered, and the engine lists it as
    unscreened and gives at least a same-day check, with no home treatment.
    """
    if missing not in MISSING_MODES:
        raise TriageError(f"{shown(missing)} is not one of {', '.join(MISSING_MODES)}"
                          f"{did_you_mean(str(missing), MISSING_MODES)}", place="missing")
    if not isinstance(raw, Mapping):
        raise AnswersError([f"{source}: answers must be a mapping of question id to value"])
    questions = ruleset.question_map
    values: dict[str, Any] = {}
    problems: list[str] = []
    more = 0
    for key, value in raw.items():
        if key not in questions:
            if len(problems) < MAX_PROBLEMS:
                problems.append(f"{_place(raw, key, source)}unknown answer id {shown(key)}"
                                f"{did_you_mean(str(key), questions)}")
            else:
                more += 1
            continue
        if value is None:
            continue
        try:
            values[key] = coerce(questions[key], value)
        except ValueProblem as exc:
            if len(problems) < MAX_PROBLEMS:
                problems.append(f"{_place(raw, key, source)}{key}: {exc}")
            else:
                more += 1
    if more:
        problems.append(f"{source}: and {more:,} more problem{'s' if more != 1 else ''} "
                        "like these")
    absent = [qid for qid in ruleset.missing_required(values) if raw.get(qid) is None]
    if problems:
        if absent and missing == "refuse":  # say everything at once
            problems.append(f"{source}: {missing_message(absent)}")
        raise AnswersError(problems)
    if absent and missing == "refuse":
        raise MissingDangerSignsError(absent, source)
    return Answers(values)


def _place(raw: Any, key: Any, source: str) -> str:
    line = line_of(raw, key)
    return f"{source}:{line}: " if line else f"{source}: "


def check_locale(ruleset: Ruleset, locale: str | None, option: str = "locale") -> str | None:
    """The locale, lower-cased (None: the rule set's default), or an error naming the
    locales the rule set knows."""
    if locale is None:
        return None
    if not isinstance(locale, str) or locale.lower() not in ruleset.locales:
        raise TriageError(f"unknown locale {shown(locale)}; choose from "
                          + ", ".join(sorted(ruleset.locales)), place=option)
    return locale.lower()
