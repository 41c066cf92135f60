"""Many answer sets at once: one output line per row, in input order, in worker processes.

The names below are imported when first used, so that ``triage.batch.formats`` (the
command line's option type) can be imported without the rest (``triage run`` starts
faster)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from triage.batch.lines import CSV_COLUMNS, Line, RowTriage, Settings, csv_header
    from triage.batch.run import Summary, triage_records
    from triage.batch.workers import WorkerDied

__all__ = ["CSV_COLUMNS", "Line", "RowTriage", "Settings", "Summary", "csv_header",
           "triage_records", "WorkerDied"]

_HOMES = {"CSV_COLUMNS": "lines", "Line": "lines", "RowTriage": "lines", "Settings": "lines",
          "csv_header": "lines", "Summary": "run", "triage_records": "run",
          "WorkerDied": "workers"}


def __getattr__(name: str) -> object:
    """The public names, each from its module when first asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'triage.batch' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"triage.batch.{home}"), name)
    globals()[name] = value
    return value
