"""One output line per batch row: the row's answers triaged, as a JSONL object or a CSV row.

A row with bad input becomes an error line naming the row and the problem; a bug hit
by one row (an unexpected exception) becomes an "internal error" line. Either way the
other rows go on.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from triage import api
from triage.engine import Engine
from triage.errors import TriageError
from triage.intake.rows import Record, parse_record
from triage.language.model import Result
from triage.pipeline import triage_answers
from triage.records import record

from .formats import OutputFormat

OUTPUT_FORMATS = tuple(fmt.value for fmt in OutputFormat)
CSV_COLUMNS = ("row", "id", "urgency", "headline", "advice", "excluded", "unscreened", "error")
ERROR = "error"
INTERNAL = "internal"


@record
class Settings:
    """How every row is triaged and written; picklable, sent once to each worker."""

    rules: str | None = None
    missing: str = "refuse"
    locale: str | None = None
    input_format: str = "jsonl"
    output_format: str = "jsonl"


Line = tuple[str, str]  # (output text with its newline, urgency value | "error" | "internal")


class RowTriage:
    """Turns rows into output lines with one compiled engine (one per process)."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine if engine is not None else api.engine(settings.rules)

    def __call__(self, header: tuple[str, ...] | None, records: list[Record]) -> list[Line]:
        return [self.one(header, record) for record in records]

    def one(self, header: tuple[str, ...] | None, record: Record) -> Line:
        """The output line of one row; never raises for a bad row or a bug."""
        number, row_id = record[0], None
        try:
            row_id, raw = parse_record(self.settings.input_format, header, record)
            result = triage_answers(self.engine, raw, source=f"row {number}",
                                    missing=self.settings.missing, locale=self.settings.locale)
        except TriageError as exc:
            return self._error(number, row_id, "; ".join(str(exc).splitlines())), ERROR
        except Exception as exc:  # a bug: this row says so loudly, the batch goes on
            return self._error(number, row_id, f"row {number}: internal error "
                               f"({type(exc).__name__}); this is a bug, please report it"
                               ), INTERNAL
        return self._result(number, row_id, result), result.urgency.value

    def _error(self, number: int, row_id: Any, message: str) -> str:
        if self.settings.output_format == "csv":
            return csv_line([number, _text(row_id), "", "", "", "", "", message])
        return json_line({"row": number, "id": row_id, "error": message})

    def _result(self, number: int, row_id: Any, result: Result) -> str:
        if self.settings.output_format == "csv":
            return csv_line([number, _text(row_id), result.urgency.value, result.headline,
                             ";".join(item.id for item in result.advice),
                             ";".join(dict.fromkeys(item.id for item in result.excluded)),
                             ";".join(result.unscreened), ""])
        return json_line({**result.to_dict(), "row": number, "id": row_id})


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def json_line(obj: dict[str, Any]) -> str:
    """One compact JSON object per line, keys sorted (byte-identical across runs)."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP: CSV injection


def csv_line(cells: list[Any]) -> str:
    """One CSV line; a text cell a spreadsheet would read as a formula (an id such as
    ``=HYPERLINK(...)``, ``+1+1`` or ``@SUM(...)``) gets a leading ``'``, as OWASP
    recommends, so it is shown as text and never run."""
    cells = ["'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell
             for cell in cells]
    # csv quotes a cell holding "\n" (the line end) but not one holding "\r", which CSV
    # readers take as a line end too: such a line has every cell quoted.
    quote_all = any(isinstance(cell, str) and "\r" in cell for cell in cells)
    buffer = io.StringIO()
    writer = (csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL) if quote_all
              else csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_MINIMAL))
    writer.writerow(cells)
    return buffer.getvalue()


def csv_header() -> str:
    return csv_line(list(CSV_COLUMNS))
