"""Check raw answers (from a file, a form or a prompt) against the questionnaire."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from triage.errors import AnswersError, MissingDangerSignsError, TriageError, missing_message
from triage.language.model import Ruleset
from triage.language.values import typed_answers
from triage.problems import Problem, Source, kind_of, place_of, shown, suggest
from triage.records import record


class Missing(StrEnum):
    """What to do with unanswered danger signs (``--missing``, ``missing=``)."""

    REFUSE = "refuse"  # bad input, naming every missing id
    CONSERVATIVE = "conservative"  # listed as unscreened; never self-care


MISSING_MODES = tuple(mode.value for mode in Missing)


@record
class Answers:
    """Typed answers, ready for the engine (:meth:`triage.engine.Engine.run`).

    Unanswered danger signs are not carried here: the engine finds them in the answers
    itself, so they cannot be dropped on the way.
    """

    values: dict[str, Any]


def check_answers(ruleset: Ruleset, raw: Any, source: Source = "answers",
                  missing: str = "refuse") -> Answers:
    """Type and range-check every answer; report all problems at once.

    A danger sign (or a question marked ``required`` where it applies) left unanswered is
    never taken as "no": with ``missing="refuse"`` it is an error listing every missing
    id; with ``missing="conservative"`` it stays unanswered, and the engine lists it as
    unscreened and gives at least a same-day check, with no home treatment.
    """
    if missing not in MISSING_MODES:
        raise TriageError(f"{shown(missing)} is not one of {', '.join(MISSING_MODES)}",
                          "missing", suggest(str(missing), MISSING_MODES), str(missing))
    if not isinstance(raw, Mapping):
        raise AnswersError([Problem(place_of(source),
                                    "answers must be a mapping of question id to value "
                                    f"(like 'age: 40'), not {kind_of(raw)}")])
    values, problems = typed_answers(ruleset.question_map, raw, source)
    absent = [qid for qid in ruleset.missing_required(values) if raw.get(qid) is None]
    if problems:
        if absent and missing == "refuse":  # say everything at once
            problems.append(Problem(place_of(source), missing_message(absent)))
        raise AnswersError(problems)
    if absent and missing == "refuse":
        raise MissingDangerSignsError(absent, source)
    return Answers(values)


def check_locale(ruleset: Ruleset, locale: str | None, option: str = "locale") -> str | None:
    """The locale, lower-cased (None: the rule set's default), or an error naming the
    locales the rule set knows."""
    if locale is None:
        return None
    if not isinstance(locale, str) or locale.lower() not in ruleset.locales:
        raise TriageError(f"unknown locale {shown(locale)}; choose from "
                          + ", ".join(sorted(ruleset.locales)), place=option)
    return locale.lower()
