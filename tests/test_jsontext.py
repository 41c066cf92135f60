"""The fast JSON writer (triage.documents.jsontext) writes exactly what
``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)`` writes - the call
render_json made before - or raises exactly what it raises, on arbitrary JSON-like values:
strings with any code point (lone surrogates, control characters, quotes, backslashes,
non-ASCII), integers of any size, floats with NaN and infinities, booleans, None, empty
and nested lists, tuples and dicts, non-string keys, str/int subclasses (enums)."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from triage.documents.jsontext import dumps_indented

BOUNDED = settings(max_examples=400, deadline=None, derandomize=True,
                   suppress_health_check=[HealthCheck.too_slow])


class Kind(enum.StrEnum):
    A = "a\u00e9\"\\"
    B = "b"


class Level(enum.IntEnum):
    ONE = 1
    BIG = 10**20


def expected(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def outcome(write: Any, value: Any) -> tuple[str, str]:
    """("text", the text) or ("error", the exception's type and message)."""
    try:
        return ("text", write(value))
    except Exception as error:  # noqa: BLE001 - compared, never hidden
        return ("error", f"{type(error).__name__}: {error}")


# every code point, lone surrogates and control characters included
TEXT = st.text(st.characters(codec=None, categories=None), max_size=12) | st.sampled_from(
    ["", "\"", "\\", "\n\t\r\b\f", "\x00\x1f\x7f", "\ud800", "\udfff", "\u2028\u2029",
     "caf\u00e9 \U0001f600", "</script>"])
NUMBER = (st.integers() | st.integers(min_value=-(10**30), max_value=10**30)
          | st.floats(allow_nan=True, allow_infinity=True)
          | st.sampled_from([0.0, -0.0, 1e16, 1e-7, 5e-324]))
SCALAR = (TEXT | NUMBER | st.booleans() | st.none()
          | st.sampled_from([Kind.A, Kind.B, Level.ONE, Level.BIG]))
KEY = TEXT | st.sampled_from(["id", "kind", "text", "title", Kind.A, Kind.B])
VALUE = st.recursive(
    SCALAR,
    lambda inner: (st.lists(inner, max_size=5) | st.tuples(inner, inner)
                   | st.dictionaries(KEY, inner, max_size=5)),
    max_leaves=40)


@BOUNDED
@given(VALUE)
def test_the_same_text_as_json_dumps(value: Any) -> None:
    assert dumps_indented(value) == expected(value)


# keys json turns into strings (and, mixed with strings, a sort that fails in both)
ODD_KEY = (st.integers() | st.floats(allow_nan=False) | st.booleans() | st.none()
           | st.sampled_from([Level.ONE, Level.BIG]))


@BOUNDED
@given(st.dictionaries(ODD_KEY, SCALAR, max_size=4)
       | st.dictionaries(ODD_KEY | TEXT, SCALAR, max_size=4))
def test_non_string_keys_as_json_writes_them(value: dict[Any, Any]) -> None:
    assert outcome(dumps_indented, value) == outcome(expected, value)


def test_a_result_shaped_value() -> None:
    value = {"urgency": "urgent", "advice": [{"id": "a.b", "evidence": [], "cautions": ["x"],
                                              "kind": Kind.B, "urgency": None}],
             "ruleset": {"version": 3, "name": "back"}, "findings": [], "flags": {}}
    text = dumps_indented(value)
    assert text == expected(value)
    assert text.startswith('{\n  "advice": [\n    {\n      "cautions": [\n        "x"\n')
    assert json.loads(text)["ruleset"] == {"name": "back", "version": 3}


@pytest.mark.parametrize("value", [
    {"when": object()},  # not JSON: json's TypeError
    [1, {2, 3}],
    {(1, 2): "tuple key"},
    [10**5000],  # too many digits for str(): json's ValueError
])
def test_what_json_refuses_is_refused_the_same_way(value: Any) -> None:
    assert outcome(dumps_indented, value) == outcome(expected, value)
    assert outcome(dumps_indented, value)[0] == "error"


def test_a_cycle_is_json_s_error() -> None:
    looped: list[Any] = [1]
    looped.append({"back": looped})
    assert outcome(dumps_indented, looped) == outcome(expected, looped) == (
        "error", "ValueError: Circular reference detected")


def test_deep_nesting_as_json_does() -> None:
    deep: Any = "bottom"
    for _ in range(200):
        deep = {"x": [deep]}
    assert dumps_indented(deep) == expected(deep)
