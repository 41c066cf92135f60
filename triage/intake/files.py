"""Read an answers document (YAML or JSON) from a file or standard input."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from triage.errors import TriageError
from triage.language import yamlio
from triage.problems import Place, excerpt, printable, shown

if TYPE_CHECKING:
    import json


class AnswersFileError(TriageError):
    """The answers file could not be read or parsed."""


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {shown(key)}")
        result[key] = value
    return result


class JsonProblem(ValueError):
    """Text that is not JSON: the reason, and the line and column when known (else 0)."""

    def __init__(self, reason: str, line: int = 0, column: int = 0) -> None:
        self.reason, self.line, self.column = reason, line, column
        super().__init__(reason)


def _decimal(digits: str) -> int | str:
    """A JSON integer; one longer than any answer stays text (the checks refuse it by
    name; Python refuses to convert 4,300 digits)."""
    return int(digits) if len(digits.lstrip("-")) <= yamlio.MAX_DIGITS else digits


def json_value(text: str) -> Any:
    """Parse JSON text, refusing duplicate keys; raise JsonProblem saying why not."""
    import json  # only here: a YAML answers file is read without it (start-up, issue 14)

    try:
        return json.loads(text, object_pairs_hook=_reject_duplicates, parse_int=_decimal)
    except json.JSONDecodeError as exc:
        raise JsonProblem(_json_reason(text, exc), exc.lineno, exc.colno) from None
    except RecursionError:
        raise JsonProblem("nested too deeply") from None
    except ValueError as exc:
        raise JsonProblem(str(exc)) from None


def _json_reason(text: str, exc: json.JSONDecodeError) -> str:
    """JSON's reason, or what a person did: a number written with a leading zero."""
    at = exc.pos
    if (0 < at < len(text) and text[at - 1] == "0" and text[at].isdigit()
            and (at < 2 or not (text[at - 2].isdigit() or text[at - 2] == "."))):
        return "a number with a leading zero (write 65, not 065)"
    before = text[:at].rstrip()
    if at >= len(text.rstrip()):
        hint = "the text ends too early (an unclosed '{' or '[', or a value missing)"
    elif text[at] in "}]" and before.endswith(","):
        hint = "a comma after the last item (remove it)"
    elif exc.msg.startswith("Expecting ',' delimiter"):
        hint = "a missing comma between two items"
    elif exc.msg.startswith("Expecting property name") and text[at] == "'":
        hint = "a name in single quotes (JSON needs double quotes)"
    else:
        return exc.msg
    return f"{hint} (JSON parser: {exc.msg})"


def parse_answers(text: str, where: str) -> Any:
    """JSON if it looks like JSON (duplicate keys refused), otherwise YAML with line numbers."""
    if is_blank(text):
        raise AnswersFileError("nothing on standard input (no answers)" if where == "<stdin>"
                               else "the file is empty (no answers in it)", where)
    if text.lstrip().startswith("{"):
        try:
            return json_value(text)
        except JsonProblem as exc:
            shown_line = excerpt(text, exc.line, exc.column) if exc.line else ""
            raise AnswersFileError(f"invalid JSON: {exc.reason}"
                                   + (f"\n{shown_line}" if shown_line else ""),
                                   Place(where, exc.line, exc.column)) from None
    try:
        return yamlio.loads(text, where)
    except yamlio.YamlError as exc:
        raise AnswersFileError(exc.message, exc.place) from None


def is_blank(text: str) -> bool:
    """Nothing but white space and ``#`` comments (a YAML file with no document)."""
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def read_answers(source: str, stdin: IO[str] | None = None) -> tuple[Any, str]:
    """Return (parsed document, place name) for a path or ``-`` (standard input).

    A path may be a pipe: ``<(...)``, a FIFO, ``/dev/stdin``. Whatever it is, at most
    :data:`triage.yamlio.MAX_BYTES` are read.
    """
    if source == "-":
        return parse_answers(_decoded(read_stdin(stdin), "<stdin>"), "<stdin>"), "<stdin>"
    path, source = Path(source), printable(source)
    if not os.path.lexists(path):
        raise AnswersFileError("no such answers file", source)
    if path.is_dir():
        raise AnswersFileError("is a folder, not an answers file", source)
    try:
        raw = yamlio.read_limited(path, source, regular_only=False)
    except yamlio.YamlError as exc:
        raise AnswersFileError(exc.message, exc.place) from None
    return parse_answers(_decoded(raw, source), source), source


def read_stdin(stdin: IO[str] | None = None) -> bytes:
    """Standard input's bytes, at most one more than :data:`triage.yamlio.MAX_BYTES`
    (decoded by the caller, so bytes that are not UTF-8 are refused with a message)."""
    stream = stdin or sys.stdin
    if stream is None or stream.closed:
        raise AnswersFileError("standard input is closed (nothing to read)", "<stdin>")
    if stream.isatty():
        print("triage: reading answers from standard input (end with Ctrl-D)", file=sys.stderr)
    try:
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            return stream.read(yamlio.MAX_BYTES + 1).encode("utf-8", "surrogateescape")
        return bytes(buffer.read(yamlio.MAX_BYTES + 1))
    except OSError as exc:
        raise AnswersFileError(f"cannot read: {exc.strerror or exc}", "<stdin>") from None


def _decoded(raw: bytes, where: str) -> str:
    if len(raw) > yamlio.MAX_BYTES:
        raise AnswersFileError(f"file is larger than {yamlio.MAX_BYTES // 1_000_000} MB", where)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AnswersFileError(f"answers are not UTF-8 text (byte {exc.start + 1}); save "
                               "them as UTF-8", where) from None
