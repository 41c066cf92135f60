"""backtriage: rule-based triage for back stiffness and back pain.

Not a diagnosis. The library works without the command line::

    import triage
    result = triage.triage({"age": 38, ...})
    result.urgency, result.to_dict()
"""

from ._gc import paused as _paused

with _paused():  # see triage._gc: about a tenth of start-up is the collector
    from .api import default_rules_dir, engine, ruleset, triage
    from .errors import AnswersError, ExitStatus, MissingDangerSignsError, RulesetError, TriageError
    from .intake.answers import Answers, check_answers
    from .language.model import Advice, Result, Ruleset, Urgency


__all__ = [
    "Advice", "Answers", "AnswersError", "ExitStatus", "MissingDangerSignsError", "Result",
    "Ruleset", "RulesetError", "TriageError", "Urgency", "check_answers", "default_rules_dir",
    "engine", "load_ruleset", "ruleset", "triage",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    """``triage.load_ruleset``, imported when first used: a command that finds its rule set
    in the cache (:mod:`triage.rulecache`) starts without the loader."""
    if name == "load_ruleset":
        from .language.loader import load_ruleset

        return load_ruleset
    raise AttributeError(f"module 'triage' has no attribute {name!r}")
