"""The output formats of ``triage batch``, in a module of their own: the command line
needs them as an option type when it starts, and ``triage run`` should not load the
batch machinery to get them."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    """The formats of batch output (``triage batch --format``)."""

    JSONL = "jsonl"
    CSV = "csv"
