"""The fixed words of the plan, the same in every format."""

from __future__ import annotations

from collections.abc import Callable

from .blocks import Footer

WHAT_NOW = "What to do now"
HELD_BACK = "Held back for your safety"


def footer_text(footer: Footer, escape: Callable[[str], str] = str,
                code: Callable[[str], str] = str) -> str:
    """``[Date: D. ]Rule set NAME VERSION (sha256 DIGEST)``, the name written with
    ``escape`` and the digest with ``code`` (markdown's; plain by default)."""
    ruleset = f"Rule set {escape(footer.ruleset)} (sha256 {code(footer.digest)})"
    return f"Date: {footer.date}. {ruleset}" if footer.date else ruleset
