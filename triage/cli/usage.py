"""How commands describe themselves in ``--help``: typer's help, with clean usage lines
(``ANSWERS``, not ``{ANSWERS|-}``) and each command's description in full in a list of
commands (click cuts it at a width, with "...")."""

from __future__ import annotations

import inspect
from typing import Any

from typer.core import TyperCommand

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}  # -h as well, on every command


def first_paragraph(text: str | None) -> str:
    """The first paragraph of a help text, on one line."""
    return " ".join(inspect.cleandoc(text or "").split("\n\n")[0].split())


class Command(TyperCommand):
    """A typer command whose usage line shows a required argument as its name and whose
    entry in a list of commands is its first paragraph, whole (the list wraps it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:  # "[default: 1; 0 or more]", not "x>=0"; and the
            kind = param.type  # error "-1 is not in the range 0 or more"
            if getattr(kind, "min", None) is not None and getattr(kind, "max", 0) is None:
                kind._describe_range = lambda low=kind.min: f"{low} or more"  # type: ignore[attr-defined]
            if getattr(kind, "name", "") in {"integer range", "int range"}:
                kind.name = "whole number"  # "'two' is not a valid whole number"

    def get_short_help_str(self, limit: int = 45) -> str:
        return first_paragraph(self.short_help or self.help)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return [piece[1:-1] if piece.startswith("{") and piece.endswith("}") else piece
                for piece in super().collect_usage_pieces(ctx)]
