"""Read untrusted YAML safely, keeping line numbers for error messages.

Only the safe loader is used (libyaml's ``CSafeLoader`` where available). Mappings
come back as :class:`YDict` and sequences as :class:`YList`, which remember the line
of each key and item, so that a problem can be reported as ``file:line``.

Numbers are read as a person means them, as in YAML 1.2's core schema: decimal only.
``065`` is 65 (YAML 1.1 reads it as octal 53), and ``0x41``, ``0o101``, ``0b1``,
``1:05`` (sexagesimal) and ``6_5`` are not numbers at all: they stay text, which the
checks then refuse where a number is expected. A whole number longer than
:data:`MAX_DIGITS` digits stays text too (no answer is that long, and Python refuses
to convert 4,300 digits). Booleans (``yes``/``no``/``true``/``false``/``on``/``off``),
null and dates are read as YAML 1.1 reads them.

Defences against hostile files: a size cap on what is read (not on what the file system
says), regular files only, a cap on nesting depth and on the total number of nodes
(which also stops "billion laughs" alias expansion), duplicate keys rejected, and any
non-standard tag (``!!python/object`` and friends) rejected by the safe constructor.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from triage.errors import TriageError
from triage.problems import Place, excerpt, shown

try:  # pragma: no cover - depends on how PyYAML was built
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Base = yaml.SafeLoader

MAX_BYTES = 2_000_000
MAX_DEPTH = 40
MAX_NODES = 200_000
MAX_DIGITS = 100

INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
DECIMAL_INT = re.compile(r"[-+]?[0-9]+")
DECIMAL_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"
                           r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")


class YamlError(TriageError):
    """A YAML file could not be read."""


class YDict(dict):  # type: ignore[type-arg]
    """A dict that knows its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class YList(list):  # type: ignore[type-arg]
    """A list that knows its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def line_of(container: Any, key: Any) -> int:
    """Line of ``key`` inside ``container`` (0 if unknown)."""
    if isinstance(container, (YDict, YList)):
        return container.line_of(key)
    return 0


class _Loader(_Base):  # type: ignore[misc]
    # YAML 1.1's resolvers, less its number forms; decimal ones are added below.
    yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in (INT_TAG, FLOAT_TAG)]
        # the C loader's class attribute is missing from the type stubs
        for first, resolvers in _Base.yaml_implicit_resolvers.items()}  # type: ignore[attr-defined]

    def construct_decimal_int(self, node: yaml.ScalarNode) -> int | str:
        text = self.construct_scalar(node)
        if not DECIMAL_INT.fullmatch(text):
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown(text)} is not a whole number written in decimal",
                node.start_mark)
        if len(text.lstrip("+-")) > MAX_DIGITS:
            return str(text)  # too long for any answer; the checks say so, by name
        return int(text, 10)

    def construct_decimal_float(self, node: yaml.ScalarNode) -> float:
        text = self.construct_scalar(node)
        if not DECIMAL_FLOAT.fullmatch(text):
            raise yaml.constructor.ConstructorError(
                None, None, f"{shown(text)} is not a number written in decimal",
                node.start_mark)
        lowered = text.lower()
        if lowered.endswith(".inf"):
            return float("-inf") if text.startswith("-") else float("inf")
        return float("nan") if lowered == ".nan" else float(text)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> YDict:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None, None, f"expected a mapping, found {node.id}", node.start_mark)
        self.flatten_mapping(node)
        result = YDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    None, None, "a mapping key must be a plain value", key_node.start_mark
                ) from None
            if key in result:
                raise yaml.constructor.ConstructorError(
                    None, None,
                    f"duplicate key {shown(key)} (first on line {result.key_lines[key]})",
                    key_node.start_mark)
            result[key] = self.construct_object(value_node, deep=True)
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_yaml_seq(self, node: yaml.SequenceNode):  # type: ignore[no-untyped-def]
        result = YList()
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        yield result
        result.extend(self.construct_object(child, deep=True) for child in node.value)

    def construct_yaml_map(self, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
        yield self.construct_mapping(node, deep=True)


_Loader.add_implicit_resolver(INT_TAG, re.compile(DECIMAL_INT.pattern.join("^$")),
                              list("-+0123456789"))
_Loader.add_implicit_resolver(FLOAT_TAG, re.compile(f"^(?:{DECIMAL_FLOAT.pattern})$"),
                              list("-+0123456789."))
_Loader.add_constructor(INT_TAG, _Loader.construct_decimal_int)
_Loader.add_constructor(FLOAT_TAG, _Loader.construct_decimal_float)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_yaml_seq)
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)


def _check_shape(node: yaml.Node, where: str) -> None:
    """Refuse documents nested too deeply or with too many nodes (alias bombs)."""
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    seen = 0
    while stack:
        current, depth = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise YamlError(f"too many values (more than {MAX_NODES:,}, after expanding aliases)",
                            Place(where, current.start_mark.line + 1))
        if depth > MAX_DEPTH:
            raise YamlError(f"nested more than {MAX_DEPTH} levels deep",
                            Place(where, current.start_mark.line + 1))
        if isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))


INDENTATION = ("indentation: this line is not lined up with the lines above it (the keys "
               "of a mapping, and the '-' of each list item, start in the same column; "
               "indent with spaces)")
HINTS = (  # what the parser says -> what a person did (the first that matches)
    ("mapping values are not allowed", "a colon where none can be: check this line's "
     "indentation against the line above, or put text that contains ': ' in quotes"),
    ("could not find expected ':'", "a missing colon: write a key as 'key: value', with a "
     "colon and a space"),
    ("did not find expected key", INDENTATION),
    ("did not find expected '-' indicator", INDENTATION),
    ("expected <block end>", INDENTATION),
)
FLOW_HINTS = {  # said at the bracket that is not closed
    "flow sequence": "an unclosed '[': the list that starts here needs a ']' at its end (and "
    "commas between its items)",
    "flow mapping": "an unclosed '{': the mapping that starts here needs a '}' at its end (and "
    "commas between its items)"}
QUOTE_HINT = "an unclosed quote: the quote that starts here has no closing quote"
TAB_HINT = "a tab character: YAML is indented with spaces only (replace the tab with spaces)"


def _syntax_error(exc: yaml.YAMLError, text: str, where: str) -> YamlError:
    """The error for ``exc``: a plain hint at ``file:line:column`` (the parser's own words
    after it, for experts), then the line and a caret under the column."""
    problem = str(getattr(exc, "problem", None) or str(exc).splitlines()[0])
    context = str(getattr(exc, "context", None) or "")
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is None:
        return YamlError(problem, where)
    line, column = mark.line + 1, mark.column + 1
    source = (text.splitlines()[line - 1:line] or [""])[0]
    start = getattr(exc, "context_mark", None)  # where what is unfinished started
    flow = next((words for said, words in FLOW_HINTS.items() if said in context), None)
    hint: str | None
    if "\t" in source[:column] + source.lstrip(" ")[:1]:
        hint, column = TAB_HINT, source.index("\t") + 1
    elif start is not None and ("quoted scalar" in context or flow
                                or "could not find expected ':'" in problem):
        hint = QUOTE_HINT if "quoted scalar" in context else flow or HINTS[1][1]
        line, column = start.line + 1, start.column + 1
    else:
        hint = next((words for said, words in HINTS if said in problem), None)
    if "could not determine a constructor for the tag" in problem:
        problem = problem.replace("could not determine a constructor for the tag",
                                  "tag not allowed (only plain YAML is read):")
    quote = _open_quote(text, line) if hint not in (QUOTE_HINT, TAB_HINT) else 0
    if hint and quote:
        hint += f"; or the quote opened on line {quote} is not closed"
    parser = f"{context}: {problem}" if context else problem
    message = f"{hint} (YAML parser: {parser})" if hint else problem
    shown_line = excerpt(text, line, column)
    return YamlError(message + (f"\n{shown_line}" if shown_line else ""),
                     Place(where, line, column))


OPENING_QUOTE = re.compile(r"""(?:^\s*-|:)\s+(["'])""")


def _open_quote(text: str, before: int) -> int:
    """The line (before line ``before``) of a value whose opening quote is not closed on
    its line, or 0: a quote left open swallows the lines after it, and the parser then
    complains further down."""
    for number, source in enumerate(text.splitlines()[:before - 1], 1):
        found = OPENING_QUOTE.search(source.split(" #")[0])
        if found:
            rest = source[found.end():]
            closing = rest.replace("''", "") if found[1] == "'" else rest.replace('\\"', "")
            if found[1] not in closing:
                return number
    return 0


def loads(text: str, where: str = "<string>") -> Any:
    """Parse one YAML document from ``text``; errors name ``where:line``."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise YamlError(f"file is larger than {MAX_BYTES // 1_000_000} MB", where)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_shape(node, where)
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _syntax_error(exc, text, where) from None
    except RecursionError:
        raise YamlError(f"nested more than {MAX_DEPTH} levels deep", where) from None
    finally:
        loader.dispose()


def read_limited(path: Path, where: str, *, regular_only: bool = True) -> bytes:
    """The bytes of a file, at most :data:`MAX_BYTES`: the cap is on what is read, since a
    device or a pipe reports size 0 (``/dev/zero`` would never end). ``regular_only``
    refuses anything but a regular file (a FIFO would block, a device not end); answers
    files may be a pipe (``<(...)``, ``/dev/stdin``), so they pass False."""
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
    if regular_only:
        flags |= getattr(os, "O_NONBLOCK", 0)  # opening a FIFO must not wait for a writer
    try:
        handle = os.fdopen(os.open(path, flags), "rb")
    except OSError as exc:
        raise YamlError(f"cannot read file: {exc.strerror or exc}", where) from None
    with handle:
        try:
            mode = os.fstat(handle.fileno())
            if stat.S_ISDIR(mode.st_mode):
                raise YamlError("is a folder, not a file", where)
            if regular_only and not stat.S_ISREG(mode.st_mode):
                raise YamlError("not a regular file (a device, pipe or socket)", where)
            if stat.S_ISREG(mode.st_mode) and mode.st_size > MAX_BYTES:
                raise YamlError(f"file is larger than {MAX_BYTES // 1_000_000} MB", where)
            data = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise YamlError(f"cannot read file: {exc.strerror or exc}", where) from None
    if len(data) > MAX_BYTES:
        raise YamlError(f"file is larger than {MAX_BYTES // 1_000_000} MB", where)
    return data


def load_file(path: Path, where: str | None = None) -> Any:
    """Read and parse a YAML (or JSON) file: a regular file of at most :data:`MAX_BYTES`."""
    where = where or str(path)
    raw = read_limited(path, where)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise YamlError(f"not UTF-8 text (byte {exc.start})", where) from None
    return loads(text, where)
