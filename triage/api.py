"""The library entry points: load a rule set, triage one answer set."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from .engine import Engine
from .intake.answers import check_locale
from .language import MANIFEST
from .language.model import Result, Ruleset
from .pipeline import triage_answers
from .rulecache import load_cached


def default_rules_dir() -> Path:
    """The shipped rule set: inside the installed package, or ``rules/`` in a source tree."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / MANIFEST).is_file():
            return candidate
    raise FileNotFoundError("the shipped rule set was not found next to the triage package")


@lru_cache(maxsize=8)
def _engine_for(directory: str) -> Engine:
    return Engine(load_cached(directory))


def engine(rules: str | Path | None = None) -> Engine:
    """A compiled engine for a rule set directory (default: the shipped rules), cached in
    the process; the loaded rule set is also cached on disk (:mod:`triage.rulecache`)."""
    directory = Path(rules) if rules is not None else default_rules_dir()
    return _engine_for(str(directory.resolve()))


def ruleset(rules: str | Path | None = None) -> Ruleset:
    """The loaded, checked rule set (default: the shipped rules)."""
    return engine(rules).ruleset


def triage(answers: Mapping[str, Any], *, rules: str | Path | None = None,
           missing: str = "refuse", locale: str | None = None) -> Result:
    """Triage one answer set: the public call for integrators.

    ``answers`` maps question ids to values (as in an answers file). Raises
    :class:`triage.AnswersError` for a wrong id or value and
    :class:`triage.MissingDangerSignsError` for unanswered danger signs unless
    ``missing="conservative"``. Inputs and the returned :class:`Result` are picklable.
    """
    compiled = engine(rules)
    locale = check_locale(compiled.ruleset, locale)
    return triage_answers(compiled, answers, missing=missing, locale=locale)
