"""Garbage collection at start-up: a command builds tens of thousands of objects while it
imports and compiles (classes, functions, the rule set, the Rete network) and no garbage
that only the cycle collector could free, yet the collector keeps walking them all: about
a tenth of `triage run`'s CPU. :func:`paused` holds it off while the package imports;
:func:`freeze` moves what start-up built out of its reach (``gc.freeze``, as Python's
documentation advises for long-lived start-up objects), so later collections, and the
one at exit, skip it. Both leave the collector on: nothing here changes what is freed."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """No cycle collection inside the block; the collector is left as it was found."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def freeze() -> None:
    """Exempt every object alive now from later collections (they live as long as the
    process: modules, the compiled rules)."""
    gc.freeze()
