"""Errors as ``application/problem+json`` (RFC 9457): a type, a title, the status, a
detail in plain words, and, for bad answers, one entry per bad id or value (the same
words the command line prints)."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://backtriage.invalid/problems/"  # a stable name, not a page to fetch


def problem(status: int, slug: str, title: str, detail: str, *,
            errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    """One problem document. ``slug`` names the kind of problem (``bad-answers``,
    ``too-large``...); ``errors`` lists each bad item (``{"id": ..., "message": ...}``)."""
    body: dict[str, Any] = {"type": TYPE_BASE + slug, "title": title, "status": status,
                            "detail": detail}
    if errors is not None:
        body["errors"] = errors
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, indent=None) + "\n"
    return Response(text, status_code=status, media_type=PROBLEM_JSON, headers=headers)
