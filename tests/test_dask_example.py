"""The README's recipe for very large batches (examples/dask_batch.py) writes, for each
input file, exactly what `triage batch` writes for it: Dask keeps each file's rows in
one partition, in order, so no reordering is needed to compare byte for byte."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from conftest import ROOT, RULES, healthy_adult
from typer.testing import CliRunner

from triage.cli import app

EXAMPLE = ROOT / "examples" / "dask_batch.py"


def example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dask_batch", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def responses(folder: Path) -> list[Path]:
    """Two small JSONL files, with what `triage batch` must report: bad rows, a blank
    line, a CRLF, a row without an id, and an empty file."""
    good = healthy_adult()
    first = folder / "part-00.jsonl"
    first.write_bytes(b"\r\n".join([
        json.dumps({**good, "id": "p0-1"}).encode(), b"",
        json.dumps({**good, "id": "p0-2", "fever": True}).encode(),
        json.dumps({"id": "p0-3", "age": 200}).encode(), b"not json"]) + b"\n")
    second = folder / "part-01.jsonl"
    second.write_text("\n".join([
        json.dumps({**good, "saddle_numbness": "not_sure"}),
        json.dumps({k: v for k, v in good.items() if k != "night_pain"} | {"id": 7})]) + "\n",
        encoding="utf-8")
    (folder / "part-02.jsonl").write_bytes(b"")
    return sorted(folder.glob("part-*.jsonl"))


def batch(path: Path, *options: str) -> bytes:
    result = CliRunner().invoke(app, ["batch", str(path), "--quiet", "--rules", str(RULES),
                                      *options])
    assert result.exit_code in (0, 2), result.output
    return result.stdout_bytes


def test_the_recipe_writes_what_triage_batch_writes(tmp_path: Path) -> None:
    inputs = responses(tmp_path)
    module = example()
    settings = module.Settings(rules=str(RULES))
    written = module.triage_files(str(tmp_path / "part-*.jsonl"), tmp_path / "out", settings,
                                  scheduler="synchronous")
    assert [path.name for path in written] == [path.name for path in inputs]
    for source, result in zip(inputs, written, strict=True):
        assert result.read_bytes() == batch(source), source.name
    assert b'"error":"row 4: age: 200 is out of range' in written[0].read_bytes()
    assert written[2].read_bytes() == b""


@pytest.mark.processes
def test_the_recipe_run_as_a_script_on_dask_s_process_pool(tmp_path: Path) -> None:
    """As a user runs it: a script, Dask's local process pool (the rules compiled in each
    worker), conservative and another locale."""
    inputs = responses(tmp_path)
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), str(tmp_path / "part-*.jsonl"), str(tmp_path / "out"),
         "--scheduler", "processes", "--rules", str(RULES), "--missing", "conservative",
         "--locale", "US"], capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    for source in inputs:
        assert (tmp_path / "out" / source.name).read_bytes() == batch(
            source, "--missing", "conservative", "--locale", "us")


def test_the_script_refuses_an_unknown_locale_before_any_work(tmp_path: Path) -> None:
    responses(tmp_path)
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), str(tmp_path / "part-*.jsonl"), str(tmp_path / "out"),
         "--locale", "mars", "--rules", str(RULES)],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2
    assert "unknown locale 'mars'" in done.stderr
    assert not (tmp_path / "out").exists()
