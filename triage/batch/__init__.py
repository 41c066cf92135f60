"""Many answer sets at once: one output line per row, in input order, in worker processes."""

from triage.batch.lines import CSV_COLUMNS, Line, RowTriage, Settings, csv_header
from triage.batch.run import Summary, triage_records
from triage.batch.workers import WorkerDied

__all__ = ["CSV_COLUMNS", "Line", "RowTriage", "Settings", "Summary", "csv_header",
           "triage_records", "WorkerDied"]
