"""``@record`` (triage.records) behaves as ``@dataclass(frozen=True)`` does, only later:
the same fields, constructor, repr, equality, hashing, ordering, frozenness, pickling and
``dataclasses`` helpers, whichever of them is used first, for a class, a subclass and
many threads at once; and a command that reads the rule set from the cache leaves the
rule set's records unmade (the start-up saving of issue 14)."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
import threading
from collections.abc import Callable
from dataclasses import FrozenInstanceError, field
from typing import Any

import pytest

from triage.records import _MADE, _StandIn, record

Decorator = Callable[[type], type]


def eager(**options: Any) -> Decorator:
    return lambda cls: dataclasses.dataclass(cls, frozen=True, **options)


def lazy(**options: Any) -> Decorator:
    return lambda cls: record(**options)(cls)


def point_class(decorate: Decorator) -> type:
    @decorate
    class Point:
        """A point with a label."""

        x: int
        y: int = 0
        tags: tuple[str, ...] = field(default_factory=tuple)
        note: str = field(default="", compare=False, repr=False)

    return Point


def unmade(cls: type) -> bool:
    return any(isinstance(cls.__dict__.get(name), _StandIn) for name in _MADE)


# Each way a program might first touch a record, and what it then sees.
FIRST_USES: dict[str, Callable[[type], Any]] = {
    "construct": lambda cls: repr(cls(1, 2, ("a",), "n")),
    "fields": lambda cls: [(f.name, f.default, f.compare, f.repr)
                           for f in dataclasses.fields(cls)],
    "signature": lambda cls: str(inspect.signature(cls)),
    "is_dataclass": lambda cls: dataclasses.is_dataclass(cls),
    "match_args": lambda cls: cls.__match_args__,
    "params": lambda cls: (cls.__dataclass_params__.frozen, cls.__dataclass_params__.eq),
}


@pytest.mark.parametrize("first", sorted(FIRST_USES))
def test_a_record_is_what_a_frozen_dataclass_is_whatever_is_used_first(first: str) -> None:
    made, expected = point_class(lazy()), point_class(eager())
    assert unmade(made)
    assert FIRST_USES[first](made) == FIRST_USES[first](expected)
    assert not unmade(made)
    for use in FIRST_USES.values():
        assert use(made) == use(expected)
    a, b = made(1, 2, ("a",), "one"), made(1, 2, ("a",), "two")
    assert a == b and hash(a) == hash(b) and a != made(2)  # note is compare=False
    assert repr(a) == repr(expected(1, 2, ("a",), "one")) \
        and repr(a).endswith("Point(x=1, y=2, tags=('a',))")
    assert dataclasses.replace(a, y=5) == made(1, 5, ("a",))
    assert dataclasses.asdict(a) == {"x": 1, "y": 2, "tags": ("a",), "note": "one"}
    with pytest.raises(FrozenInstanceError):
        a.x = 3  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        del a.x  # type: ignore[misc]
    with pytest.raises(TypeError):
        made()  # x is required, as in the dataclass


def test_the_first_use_may_be_an_assignment_and_it_is_refused() -> None:
    made = point_class(lazy())
    instance = object.__new__(made)  # as pickle makes one: no method of the class runs
    assert unmade(made)
    with pytest.raises(FrozenInstanceError):
        instance.x = 1


def test_a_record_unpickled_before_its_methods_exist_compares_and_hashes() -> None:
    made = point_class(lazy())
    made.__module__, made.__qualname__ = __name__, "PICKLED"
    globals()["PICKLED"] = made
    try:
        data = pickle.dumps(made(3, 4))
        fresh = point_class(lazy())
        fresh.__module__, fresh.__qualname__ = __name__, "PICKLED"
        globals()["PICKLED"] = fresh
        copy = pickle.loads(data)
        assert unmade(fresh)  # unpickling called none of its methods
        assert copy == fresh(3, 4) and hash(copy) == hash(fresh(3, 4))
        assert not unmade(fresh)
    finally:
        del globals()["PICKLED"]


@pytest.mark.parametrize("options", [{"eq": False, "repr": False}, {"order": True}])
def test_options_are_those_of_dataclass(options: dict[str, bool]) -> None:
    made, expected = point_class(lazy(**options)), point_class(eager(**options))
    a, b = made(1), made(1)
    if options.get("order"):
        assert made(1) < made(2) and sorted([made(3), made(1)]) == [made(1), made(3)]
        assert (made(1) <= made(1)) == (expected(1) <= expected(1))
    else:
        assert a != b and hash(a) != hash(b)  # identity, as with eq=False
        assert repr(a).startswith("<") == repr(expected(1)).startswith("<")
    assert made.__dataclass_params__.order == expected.__dataclass_params__.order


def test_a_subclass_of_a_record_makes_its_base_too() -> None:
    base = point_class(lazy())

    @record
    class Labelled(base):  # type: ignore[valid-type, misc]
        label: str = "here"

    item = Labelled(1, 2, (), "", "there")
    assert unmade(base) is False
    assert [f.name for f in dataclasses.fields(item)] == ["x", "y", "tags", "note", "label"]
    assert item == Labelled(1, 2, (), "", "there") != Labelled(1, 2)
    with pytest.raises(FrozenInstanceError):
        item.label = "moved"  # type: ignore[misc]


def test_a_class_that_defines_a_made_method_itself_keeps_it() -> None:
    @record
    class Named:
        name: str

        def __repr__(self) -> str:
            return f"<{self.name}>"

    assert not unmade(Named)  # processed at once: a stand-in would have hidden it
    assert repr(Named("x")) == "<x>" and Named("x") == Named("x")


def test_many_threads_meeting_a_record_at_once_all_see_it_made_once() -> None:
    made = point_class(lazy())
    calls = []
    original = dataclasses.dataclass

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    results: list[Any] = []
    barrier = threading.Barrier(8)

    def use() -> None:
        barrier.wait()
        results.append(made(1, 2) == made(1, 2))

    dataclasses.dataclass = counting  # type: ignore[assignment]
    try:
        threads = [threading.Thread(target=use) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        dataclasses.dataclass = original
    assert results == [True] * 8 and len(calls) == 1

