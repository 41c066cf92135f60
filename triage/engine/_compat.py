"""Let experta 1.9.4 import on Python 3.10+.

experta pins ``frozendict==1.2``, which subclasses ``collections.Mapping``; those
aliases were removed from :mod:`collections` in Python 3.10. This module puts the
abstract base classes back under their old names. It is imported by
:mod:`triage.engine` before experta and nowhere else.
"""

import collections
import collections.abc

_ALIASES = ("Callable", "Hashable", "Iterable", "Mapping", "MutableMapping",
            "MutableSet", "Sequence", "Set")

for _name in _ALIASES:
    if not hasattr(collections, _name):
        setattr(collections, _name, getattr(collections.abc, _name))
