"""Answers saved part-way through ``triage ask`` and read back to carry on.

The saved file is YAML that ``triage run`` reads too. Reading it back is lenient where
it can be: an unknown id or a bad value is a note, and that question is asked again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from triage.errors import TriageError
from triage.language.model import Ruleset
from triage.language.values import ValueProblem, coerce
from triage.problems import shown
from triage.records import record
from triage.safewrite import Target, write_text

from .flow import answered, pruned


def answers_yaml(ruleset: Ruleset, answers: Mapping[str, Any], name: str, *,
                 web: bool = False, stopped: bool = False) -> str:
    """The answers as YAML that ``triage run`` reads, with a comment on how to carry on
    (``web``: given on the web form, where the questionnaire ends with the plan;
    ``stopped``: it ended early, at an emergency answer, so the questions after it were
    not asked and ``triage run`` needs ``--missing conservative`` to read them)."""
    ordered = {q.id: _plain(answers[q.id]) for q in answered(ruleset, answers)}
    again = (f"# The questions stopped at an emergency answer; those after it were not "
             f"asked.\n# See the plan again with: triage run --missing conservative {name}\n"
             if stopped else f"# See the plan again with: triage run {name}\n")
    heading = (f"# Answers given on the backtriage web form (rule set {ruleset.name} "
               f"{ruleset.version}).\n" + again if web
               else f"# Answers saved by `triage ask` (rule set {ruleset.name} "
               f"{ruleset.version}).\n# Carry on with: triage ask --resume {name}   "
               f"(or: triage run {name})\n")
    return (heading
            + (yaml.safe_dump(ordered, sort_keys=False, allow_unicode=True) if ordered else ""))


def save_answers(target: Target, ruleset: Ruleset, answers: Mapping[str, Any]) -> None:
    """Write the answers as YAML that ``triage run`` reads, replacing the file safely
    (temporary file + rename, through a symlink, keeping its permissions)."""
    write_text(target, answers_yaml(ruleset, answers, target.real.name))


def _written(value: Any) -> str:
    """A saved value as the file has it (yes/no for booleans), bounded."""
    return ("yes" if value else "no") if isinstance(value, bool) else shown(value)


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@record
class Resumed:
    """Saved answers read back: the ones kept, and a note for each one dropped."""

    answers: dict[str, Any]
    notes: list[str]


def resumed(ruleset: Ruleset, raw: Any, where: str) -> Resumed:
    """Saved answers (as read from ``where``), each checked; an unknown id or a bad value
    is dropped with a note, so that question is asked again."""
    if raw is None:
        return Resumed({}, [])
    if not isinstance(raw, Mapping):
        raise TriageError(f"{where}: answers must be a mapping of question id to value")
    questions = ruleset.question_map
    values: dict[str, Any] = {}
    notes = []
    for key, value in raw.items():
        if key not in questions:
            notes.append(f"{where}: ignoring unknown answer id {shown(key)} "
                         f"(its value {_written(value)} is not used)")
        elif value is not None:
            try:
                values[key] = coerce(questions[key], value)
            except ValueProblem as exc:
                notes.append(f"{where}: {key}: {exc}; this question will be asked again")
    kept = pruned(ruleset, values)
    for key in [key for key in values if key not in kept]:
        notes.append(f"{where}: {key}: {_written(raw[key])} is not used: the question does not "
                     "apply to the other saved answers")
    return Resumed(kept, notes)
