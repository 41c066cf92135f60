"""Errors as ``application/problem+json`` (RFC 9457): a type, a title, the status, a
detail in plain words, and, for bad answers, one entry per bad id or value (the same
words the command line prints)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from starlette.responses import Response

from triage.errors import MissingDangerSignsError, TriageError, missing_message
from triage.problems import Problem, shown

PROBLEM_JSON = "application/problem+json"
TYPE_BASE = "https://backtriage.invalid/problems/"  # a stable name, not a page to fetch

# What a person of the command line is told to do, and what an API client does instead.
CLI_MISSING = "with --missing conservative"
API_MISSING = "with the parameter missing=conservative"
_MISSING_PREFIX = missing_message(["\0"]).split("\0", 1)[0]


def problem(status: int, slug: str, title: str, detail: str, *,
            errors: list[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None,
            **extensions: Any) -> Response:
    """One problem document. ``slug`` names the kind of problem (``bad-answers``,
    ``too-large``...); ``errors`` lists each bad item (``{"id": ..., "message": ...}``);
    ``extensions`` are further members (``missing``: the ids not answered)."""
    body: dict[str, Any] = {"type": TYPE_BASE + slug, "title": title, "status": status,
                            "detail": detail, **extensions}
    if errors is not None:
        body["errors"] = errors
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, indent=None) + "\n"
    return Response(utf8(text), status_code=status, media_type=PROBLEM_JSON, headers=headers)


def utf8(json_text: str) -> bytes:
    """JSON text as UTF-8. A lone surrogate (JSON's ``"\\ud800"``, which a request may
    hold and an error echo) has no UTF-8 form: it is written back as that escape, which
    is the same JSON string."""
    return json_text.encode("utf-8", "backslashreplace")


def api_words(text: str) -> str:
    """A message of the command line as an API client needs it (a query parameter in
    place of the command's option)."""
    return text.replace(CLI_MISSING, API_MISSING)


def answers_problem(error: TriageError, raw: Any) -> Response:
    """422 for answers that cannot be triaged: one ``errors`` entry per problem, naming
    the answer id it is about (``id``, and ``pointer``, the JSON Pointer into the
    request body), and one per danger sign left unanswered (also listed in
    ``missing``)."""
    keys = list(raw) if isinstance(raw, Mapping) else []
    errors: list[dict[str, Any]] = []
    missing: list[str] = []
    for item in error.problems:
        ids = _missing_ids(error, item)
        if ids:
            missing += ids
            errors += [_entry(qid, f"{qid}: needed for safety, not answered (answer it, or "
                               f"treat it as not screened {API_MISSING})") for qid in ids]
        else:
            errors.append(_entry(_subject(item, keys), api_words(item.text), item.suggestion))
    if missing and len(missing) == len(errors):
        slug, title = "missing-danger-signs", "Questions needed for safety not answered"
    else:
        slug, title = "bad-answers", "The answers cannot be triaged"
    detail = api_words("; ".join(item.text for item in error.problems))
    extensions: dict[str, Any] = {"missing": missing} if missing else {}
    return problem(422, slug, title, detail, errors=errors, **extensions)


def parameter_problem(errors: Iterable[tuple[str, str, str | None]]) -> Response:
    """422 for bad query parameters: (parameter, message, suggestion) each."""
    entries = [{"parameter": name, "message": message,
                **({"suggestion": suggestion} if suggestion else {})}
               for name, message, suggestion in errors]
    return problem(422, "bad-parameters", "Bad query parameters",
                   "; ".join(entry["message"] for entry in entries), errors=entries)


def _entry(qid: str | None, message: str, suggestion: str | None = None) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": qid, "pointer": "" if qid is None else "/" + _escaped(qid),
                             "message": message}
    if suggestion is not None:
        entry["suggestion"] = suggestion
    return entry


def _escaped(key: str) -> str:
    """A key as a JSON Pointer token (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


def _missing_ids(error: TriageError, item: Problem) -> list[str]:
    """The ids a "not answered" problem lists (none for any other problem)."""
    if isinstance(error, MissingDangerSignsError):
        return list(error.missing)
    if not item.message.startswith(_MISSING_PREFIX):
        return []
    listed = item.message[len(_MISSING_PREFIX):].split(" (", 1)[0].split(", ")
    return listed if missing_message(listed) == item.message else []


def _subject(item: Problem, keys: list[Any]) -> str | None:
    """The answer id a problem of the answers check is about: an unknown id
    (``unknown answer id 'agee'``) or a bad value (``age: 200 is not allowed...``).
    None for a problem about the answers as a whole."""
    for key in keys:
        if item.message == f"unknown answer id {shown(key)}" or (
                isinstance(key, str) and item.message.startswith(f"{key}: ")):
            return str(key)
    return None
