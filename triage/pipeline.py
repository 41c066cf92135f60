"""The one path from raw answers to a result.

``triage run``, ``triage batch``, ``triage ask``, ``triage rules test``, ``rules diff``,
``rules verify`` and :func:`triage.triage` all triage through :func:`triage_answers`, so
each of them checks, and prints, the same result for the same answers:

1. check the raw answers against the questionnaire (:mod:`triage.intake.answers`): wrong
   ids and values refused, a danger sign left blank refused unless ``missing`` is
   ``conservative``;
2. run the rules on the typed answers (:mod:`triage.engine`);
3. name, as "not answered", only the blank questions whose answer could still change the
   plan (:mod:`triage.questionnaire.relevance`);
4. assemble the plan from what fired (:mod:`triage.engine.plan`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from triage.engine import Engine
from triage.engine.plan import Firing, applicable_unanswered, assemble
from triage.intake.answers import check_answers
from triage.language.model import Result
from triage.problems import Source


def triage_answers(engine: Engine, raw: Any, *, source: Source = "answers",
                   missing: str = "refuse", locale: str | None = None) -> Result:
    """The result for raw answers (a mapping of question id to value, as read from a file,
    a row or the prompt). Raises :class:`~triage.errors.AnswersError` for a wrong id or
    value and :class:`~triage.errors.MissingDangerSignsError` for a danger sign left blank
    (unless ``missing="conservative"``), each naming ``source``. ``locale`` is checked by
    the caller (None: the rule set's default)."""
    answers = check_answers(engine.ruleset, raw, source=source, missing=missing).values
    firing = engine.run(answers)
    return assemble(engine.ruleset, firing, answers, locale,
                    _still_relevant(engine, answers, firing))


def _still_relevant(engine: Engine, answers: Mapping[str, Any],
                    firing: Firing) -> tuple[str, ...]:
    """The blank questions still relevant. With none blank (a complete answers file) the
    relevance test is not needed, nor its module, so ``triage run`` starts without it."""
    if not applicable_unanswered(engine.ruleset, answers):
        return ()
    from triage.questionnaire.relevance import still_relevant
    return still_relevant(engine, answers, firing)
