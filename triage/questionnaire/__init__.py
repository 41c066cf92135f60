"""The questionnaire: which question comes next (a pure function of the answers), which
questions are relevant, and the data dictionary."""

from .flow import (
    Screen,
    answered,
    back,
    flow_order,
    group_heading,
    next_question,
    next_screen,
    number,
    progress,
    pruned,
    section_name,
    show_value,
    step_heading,
    summary_rows,
)
from .relevance import applies, is_emergency, relevant, still_relevant

__all__ = ["Screen", "answered", "applies", "back", "flow_order", "group_heading",
           "is_emergency", "next_question", "next_screen", "number", "progress", "pruned",
           "relevant", "section_name", "show_value", "step_heading", "still_relevant",
           "summary_rows"]
