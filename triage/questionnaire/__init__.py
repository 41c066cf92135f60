"""The questionnaire: which question comes next (a pure function of the answers), which
questions are relevant, and the data dictionary."""

from .flow import (
    Screen,
    answered,
    back,
    flow_order,
    next_question,
    next_screen,
    number,
    progress,
    pruned,
    show_value,
    summary_rows,
)
from .relevance import applies, is_emergency, relevant, still_relevant

__all__ = ["Screen", "answered", "applies", "back", "flow_order", "is_emergency",
           "next_question", "next_screen", "number", "progress", "pruned", "relevant",
           "show_value", "still_relevant", "summary_rows"]
