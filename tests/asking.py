"""Scripts for `triage ask`: what a person would type to give a set of answers."""

from __future__ import annotations

from typing import Any

from conftest import healthy_adult

from triage import questionnaire as flow


def person(**changes: Any) -> dict[str, Any]:
    """A complete typed answer set (the healthy adult of conftest) with some changes."""
    return {**healthy_adult(), "triggers": ("lifting_or_bending",), "pregnancy_weeks": 20,
            "pregnancy_warning_signs": False, "heart_failure": False, **changes}


def typed(value: Any) -> str:
    """An answer as a person types it."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(value)
    return str(value)


def script(engine, source: dict[str, Any], start: dict[str, Any] | None = None
           ) -> list[tuple[str, str]]:
    """(question id, text typed) for every question the flow asks, in order."""
    answers: dict[str, Any] = dict(start or {})
    lines = []
    while (question := flow.next_question(engine, answers)) is not None:
        lines.append((question.id, typed(source[question.id])))
        answers[question.id] = source[question.id]
    return lines


def lines(steps: list[tuple[str, str]]) -> str:
    return "".join(text + "\n" for _, text in steps)
