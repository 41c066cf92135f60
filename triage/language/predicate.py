"""What a condition is to the code below the condition language: a predicate on answers."""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any, Protocol


class Predicate(Protocol):
    """Something that holds or not for typed answers and asserted findings (a condition
    of the rule language), and says so in words."""

    def holds(self, answers: Mapping[str, Any], findings: Set[str]) -> bool:
        """Whether it holds (an answer not given makes a comparison false)."""

    def describe(self) -> str:
        """The predicate in words, for the data dictionary."""
