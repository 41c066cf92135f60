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


def typed_line(values: list[Any]) -> str:
    """The answers to a screen of yes/no questions as typed on one line: y, n or ns."""
    return " ".join("ns" if value == "not_sure" else "y" if value else "n" for value in values)


def script(engine, source: dict[str, Any], start: dict[str, Any] | None = None
           ) -> list[tuple[tuple[str, ...], str]]:
    """(the question ids of the screen, text typed) for every screen the flow shows, in
    order: one line per screen."""
    answers: dict[str, Any] = dict(start or {})
    lines = []
    while (screen := flow.next_screen(engine, answers)) is not None:
        ids = tuple(question.id for question in screen.questions)
        text = (typed_line([source[qid] for qid in ids]) if screen.grouped
                else typed(source[ids[0]]))
        lines.append((ids, text))
        answers.update({qid: source[qid] for qid in ids})
    return lines


def asked(steps: list[tuple[tuple[str, ...], str]]) -> list[str]:
    """The question ids asked in these steps, in order."""
    return [qid for ids, _ in steps for qid in ids]


def lines(steps: list[tuple[tuple[str, ...], str]]) -> str:
    return "".join(text + "\n" for _, text in steps)
