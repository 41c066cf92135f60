"""The questionnaire: which question comes next (a pure function of the answers), which
questions are relevant, and the data dictionary."""

from .flow import (
    answered,
    back,
    flow_order,
    next_question,
    number,
    pruned,
    show_value,
    summary_rows,
)
from .relevance import applies, final_result, is_emergency, relevant

__all__ = ["answered", "applies", "back", "final_result", "flow_order", "is_emergency",
           "next_question", "number", "pruned", "relevant", "show_value", "summary_rows"]
