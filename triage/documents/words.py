"""The fixed words of the plan, the same in every format."""

from __future__ import annotations

from collections.abc import Callable

from .blocks import Footer, YourAnswers

WHAT_NOW = "What to do now"
HELD_BACK = "Held back for your safety"
YOUR_ANSWERS = "Your answers"
DANGER_SIGNS_NO = "Danger signs you said no to"
SAID_NO = "You said no to"
NOT_ANSWERED = "Not answered"
APPENDIX = "For your doctor: the rules behind this plan"
RECAP = "Your result"


def said_lines(block: YourAnswers) -> list[tuple[str, tuple[str, ...]]]:
    """The one-line lists at the end of "Your answers": (heading, names), when any."""
    return [(heading, names) for heading, names in
            ((SAID_NO, block.said_no), (DANGER_SIGNS_NO, block.no_signs),
             (NOT_ANSWERED, block.not_answered)) if names]


def intermediate(count: int, where: str) -> str:
    """How many intermediate rules the appendix leaves to the JSON output."""
    return f"{count} more intermediate rule{'s' if count > 1 else ''} in {where}."


def footer_text(footer: Footer, escape: Callable[[str], str] = str,
                code: Callable[[str], str] = str) -> str:
    """``[Date: D. ]Rule set NAME VERSION (sha256 DIGEST)``, the name written with
    ``escape`` and the digest with ``code`` (markdown's; plain by default)."""
    ruleset = f"Rule set {escape(footer.ruleset)} (sha256 {code(footer.digest)})"
    return f"Date: {footer.date}. {ruleset}" if footer.date else ruleset


def dose_line(dose: tuple[str, ...]) -> str:
    """How long, how many and how often, on one line: "Hold: 20 seconds. Repeat: 3 times."."""
    return " ".join(part if part.endswith(".") else f"{part}." for part in dose)
