"""Read an answers document (YAML or JSON) from a file or standard input."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from . import yamlio
from .errors import TriageError


class AnswersFileError(TriageError):
    """The answers file could not be read or parsed."""


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_answers(text: str, where: str) -> Any:
    """JSON if it looks like JSON (duplicate keys refused), otherwise YAML with line numbers."""
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text, object_pairs_hook=_reject_duplicates)
        except json.JSONDecodeError as exc:
            raise AnswersFileError(f"invalid JSON: {exc.msg}", f"{where}:{exc.lineno}") from None
        except ValueError as exc:
            raise AnswersFileError(f"invalid JSON: {exc}", where) from None
        except RecursionError:
            raise AnswersFileError("invalid JSON: nested too deeply", where) from None
    try:
        return yamlio.loads(text, where)
    except yamlio.YamlError as exc:
        raise AnswersFileError(exc.message, exc.place) from None


def read_answers(source: str, stdin: IO[str] | None = None) -> tuple[Any, str]:
    """Return (parsed document, place name) for a path or ``-`` (standard input)."""
    if source == "-":
        stream = stdin or sys.stdin
        if stream.isatty():
            print("triage: reading answers from standard input (end with Ctrl-D)",
                  file=sys.stderr)
        return parse_answers(stream.read(yamlio.MAX_BYTES + 1), "<stdin>"), "<stdin>"
    path = Path(source)
    if path.is_dir():
        raise AnswersFileError("is a folder, not an answers file", source)
    if not path.is_file():
        raise AnswersFileError("no such answers file", source)
    if path.stat().st_size > yamlio.MAX_BYTES:
        raise AnswersFileError(f"file is larger than {yamlio.MAX_BYTES // 1_000_000} MB",
                               source)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AnswersFileError("answers file is not UTF-8 text", source) from None
    except OSError as exc:
        raise AnswersFileError(f"cannot read: {exc.strerror}", source) from None
    return parse_answers(text, source), source
