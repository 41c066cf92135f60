"""The output formats of the clinician's commands, in a module of their own: the command
line needs them as option types when it starts, and ``triage run`` should not load the
tools themselves to get them."""

from __future__ import annotations

from enum import StrEnum


class CheckFormat(StrEnum):
    """The formats of the ``rules check`` report (and of ``rules verify``)."""

    TEXT = "text"
    JSON = "json"


class ReviewFormat(StrEnum):
    """The formats of the review document (``triage rules review --format``)."""

    MARKDOWN = "markdown"
    HTML = "html"


class DiffFormat(StrEnum):
    """The formats of ``triage rules diff --format``: a text report, or the review of the
    change as a document."""

    TEXT = "text"
    MARKDOWN = "markdown"
    HTML = "html"
