"""Very large batches with Dask: the README's recipe, as a tested example
(tests/test_dask_example.py runs it and compares with `triage batch`).

Each input file is one Dask partition, triaged by the code of `triage batch` itself
(``Records`` reads the rows, ``RowTriage`` writes each output line), so
``OUT/<name>.jsonl`` is byte for byte what ``triage batch <name>.jsonl`` writes: the same
lines, in the same order, row numbers counted in that file, a bad row an error line and
the others going on. The rules are compiled once per worker process.

Split one huge file into pieces first (a partition's results are held in memory: about
4 KB a row, so 10,000 rows a piece is about 40 MB)::

    split -l 10000 -d --additional-suffix=.jsonl responses.jsonl part-
    python examples/dask_batch.py 'part-*.jsonl' results/          # local processes
    python examples/dask_batch.py 'part-*.jsonl' results/ --scheduler synchronous

On a cluster, create a ``dask.distributed.Client`` and call ``triage_files(pattern, out,
scheduler=None)`` (every worker needs backtriage installed). The same function maps over
Spark too: ``sc.parallelize(paths, len(paths)).flatMap(lambda p: triage_file(p,
Settings()))``.
"""

from __future__ import annotations

import argparse
import glob
import sys
from functools import lru_cache
from pathlib import Path

import dask.bag as db

import triage
from triage.batch.lines import RowTriage, Settings
from triage.intake.answers import check_locale
from triage.intake.rows import Records


@lru_cache(maxsize=4)
def row_triage(settings: Settings) -> RowTriage:
    """The rules compiled once per worker process (and per settings)."""
    return RowTriage(settings)


def triage_file(path: str, settings: Settings) -> str:
    """The output of one JSONL file, one line per row: what `triage batch` writes."""
    triage = row_triage(settings)
    with open(path, "rb") as stream:
        return "".join(triage.one(None, record)[0] for record in Records(stream, "jsonl", path))


def triage_files(pattern: str, out: str | Path, settings: Settings | None = None,
                 scheduler: str | None = "processes") -> list[Path]:
    """Triage every file matching ``pattern`` into ``out``/<its name>.jsonl; the files
    written, in the order of the input names. ``scheduler``: Dask's local ``processes``,
    ``threads`` or ``synchronous``, or None for the default (a distributed ``Client``)."""
    paths = sorted(glob.glob(pattern))
    if not paths:
        raise SystemExit(f"dask_batch: no file matches {pattern!r}")
    names = [Path(path).stem for path in paths]
    if len(set(names)) != len(names):
        raise SystemExit("dask_batch: two input files have the same name")
    Path(out).mkdir(parents=True, exist_ok=True)
    chosen = settings or Settings()
    bag = db.from_sequence(paths, npartitions=len(paths))  # one file, one partition
    # one text per partition, its lines ended: to_textfiles adds no line end of its own
    outputs = bag.map(triage_file, chosen)
    outputs.to_textfiles(str(Path(out) / "*.jsonl"), name_function=names.__getitem__,
                         scheduler=scheduler)
    return [Path(out) / f"{name}.jsonl" for name in names]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pattern", help="input files, a glob such as 'part-*.jsonl'")
    parser.add_argument("out", help="folder for the results (one .jsonl per input file)")
    parser.add_argument("--scheduler", default="processes",
                        choices=["processes", "threads", "synchronous"])
    parser.add_argument("--rules", default=None, help="rule set directory")
    parser.add_argument("--missing", default="refuse", choices=["refuse", "conservative"])
    parser.add_argument("--locale", default=None)
    args = parser.parse_args(argv)
    rules = str(Path(args.rules).resolve()) if args.rules else None
    try:  # a wrong locale or rule set is said once, before any work
        locale = check_locale(triage.ruleset(rules), args.locale, option="--locale")
    except triage.TriageError as exc:
        print(f"dask_batch: {exc}", file=sys.stderr)
        return 2
    settings = Settings(rules=rules, missing=args.missing, locale=locale)
    for path in triage_files(args.pattern, args.out, settings, args.scheduler):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
