"""Frozen records: ``@record`` is ``@dataclass(frozen=True)`` with its methods made on first use.

``dataclasses`` writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__`` and ``__delattr__`` as source text and compiles it when the class is
defined: about 0.7 ms a class, 28 ms of `triage run`'s start-up for the 41 records it
imports (issue 14), though a run calls a method of only half of them (a rule set read
from the cache is unpickled, which calls none). ``@record`` defines the class as written
and leaves a stand-in under each of those names; the first time any of them, or
``__dataclass_fields__`` (``dataclasses.fields``, ``replace``, ``asdict``), is looked up,
the stand-ins are removed and ``dataclasses.dataclass(frozen=True, ...)`` processes the
class, exactly as it would have at definition: the same methods, fields and errors.

Type checkers see an ordinary frozen dataclass (``dataclass_transform``). A class that
defines one of those names itself is processed at once (the stand-ins would hide it).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T", bound=type)

# What dataclass(frozen=True) writes into the class; each stands in until first use.
_MADE = ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__",
         "__match_args__", "__dataclass_fields__", "__dataclass_params__")
_ORDER = ("__lt__", "__le__", "__gt__", "__ge__")  # and these with order=True
_LOCK = threading.RLock()


class _Pending:
    """A class waiting for ``dataclasses`` to process it."""

    __slots__ = ("cls", "options", "names", "done")

    def __init__(self, cls: type, options: dict[str, Any], names: tuple[str, ...]) -> None:
        self.cls, self.options, self.names, self.done = cls, options, names, False

    def make(self) -> None:
        with _LOCK:  # two threads may meet the class at once; it is processed once
            if self.done:
                return
            for name in self.names:
                if isinstance(self.cls.__dict__.get(name), _StandIn):
                    delattr(self.cls, name)
            self.done = True
            dataclasses.dataclass(self.cls, frozen=True, **self.options)


class _StandIn:
    """Makes the class's methods when first looked up, then gives what was asked for."""

    __slots__ = ("pending", "name")

    def __init__(self, pending: _Pending, name: str) -> None:
        self.pending, self.name = pending, name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        self.pending.make()
        found = getattr(self.pending.cls if instance is None else instance, self.name)
        if isinstance(found, _StandIn):  # pragma: no cover (would be a bug here)
            raise RuntimeError(f"{self.pending.cls.__qualname__}.{self.name} was not made")
        return found


@overload
def record(cls: T, /) -> T: ...
@overload
def record(*, eq: bool = True, repr: bool = True,
           order: bool = False) -> Callable[[T], T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def record(cls: T | None = None, /, *, eq: bool = True, repr: bool = True,
           order: bool = False) -> T | Callable[[T], T]:
    """``@dataclass(frozen=True, eq=..., repr=..., order=...)``, its methods made on first
    use (see the module's docstring)."""
    options = {"eq": eq, "repr": repr, "order": order}
    names = _MADE + _ORDER if order else _MADE

    def wrap(cls: T) -> T:
        if any(name in cls.__dict__ for name in names):
            return dataclasses.dataclass(cls, frozen=True, **options)  # type: ignore[return-value]
        pending = _Pending(cls, options, names)
        for name in names:
            setattr(cls, name, _StandIn(pending, name))
        return cls

    return wrap if cls is None else wrap(cls)
