"""`triage batch --jobs N` as processes: workers end with their parent, a dead worker is
named with the rows reached, --jobs is capped at the CPUs. Real processes and signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import deque
from pathlib import Path

import pytest
from conftest import RULES, healthy_adult

from triage.errors import ExitStatus

pytestmark = pytest.mark.processes
TIMEOUT = 120  # seconds: generous, for a busy 2-core machine


def children(pid: int) -> list[int]:
    """The worker processes of ``pid`` (spawned by multiprocessing)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in command:
            found.append(int(entry.name))
    return found


def alive(pids: list[int]) -> list[int]:
    living = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            living.append(pid)
    return living


def wait_for(condition, seconds: float = TIMEOUT):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


@pytest.fixture
def long_batch(tmp_path):
    """A batch of 20,000 rows with two workers writing to out.jsonl (which holds old
    results): started, and its two workers running."""
    source = tmp_path / "in.jsonl"
    source.write_text((json.dumps(healthy_adult()) + "\n") * 20_000, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("old results\n", encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-m", "triage", "batch", str(source), "-o",
                                str(out), "-j", "2", "--rules", str(RULES)],
                               stderr=subprocess.PIPE, text=True)
    workers = wait_for(lambda: len(children(process.pid)) == 2 and children(process.pid))
    assert workers, "the two workers did not start"
    # rows are being written (to the temporary file beside out.jsonl), so some are done:
    # a fixed sleep was too short on a busy machine, where the workers were still loading
    assert wait_for(lambda: any(path.name.startswith(".out.jsonl.") and path.stat().st_size
                                for path in tmp_path.iterdir())), "no row was written"
    yield process, workers, out
    if process.poll() is None:
        process.kill()
        process.wait(TIMEOUT)
    process.stderr.close()
    for pid in alive(workers):
        os.kill(pid, signal.SIGKILL)


def test_workers_exit_when_their_parent_is_killed(long_batch):
    """SIGKILL to the parent (which cannot handle it): the workers are gone within seconds
    (they kept working for over a minute, holding standard error)."""
    process, workers, out = long_batch
    process.kill()
    process.wait(TIMEOUT)
    assert wait_for(lambda: not alive(workers), 10)
    assert out.read_text("utf-8") == "old results\n"


def test_sigterm_stops_the_batch_cleanly(long_batch):
    """SIGTERM to the parent: 'terminated', exit 143, the workers gone and the old results
    left as they were (nothing half-written)."""
    process, workers, out = long_batch
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == ExitStatus.TERMINATED
    assert stderr.splitlines()[-1] == "triage: terminated"
    assert wait_for(lambda: not alive(workers), 10)
    assert out.read_text("utf-8") == "old results\n"
    assert sorted(path.name for path in out.parent.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_a_killed_worker_is_named_with_the_rows_reached(long_batch):
    """kill -9 of a worker: exit 2, the worker and signal named, the rows it had and the
    summary of the rows done; the old results stay (it was exit 70, 'a bug', and no
    summary)."""
    process, workers, out = long_batch
    os.kill(workers[-1], signal.SIGKILL)
    _, stderr = process.communicate(timeout=TIMEOUT)
    assert process.returncode == ExitStatus.BAD_INPUT
    summary, error = stderr.splitlines()[-2:]
    assert summary.startswith("triage: batch: stopped after ")
    assert summary.endswith("out.jsonl was left as it was)")
    assert f"(pid {workers[-1]}) was killed by SIGKILL" in error
    assert "while triaging rows " in error and "rows before row " in error
    assert out.read_text("utf-8") == "old results\n"


def test_jobs_is_capped_at_the_cpus_with_a_note(tmp_path):
    """--jobs 1000 starts one worker per CPU, says so, and gives what --jobs 1 gives (it
    started 1,000 processes)."""
    source = tmp_path / "in.jsonl"
    source.write_text((json.dumps(healthy_adult()) + "\n") * 3, encoding="utf-8")
    runs = [subprocess.run([sys.executable, "-m", "triage", "batch", str(source), "-j", jobs,
                            "--rules", str(RULES)], capture_output=True, text=True,
                           timeout=TIMEOUT) for jobs in ("1", "1000")]
    cpus = len(os.sched_getaffinity(0))
    assert (f"triage: batch: --jobs 1000 is more than the {cpus} CPU"
            in runs[1].stderr) and f"using {cpus}" in runs[1].stderr
    assert runs[0].stdout == runs[1].stdout and runs[1].returncode == 0


def test_a_worker_dead_while_its_chunk_never_completes_is_reported_not_waited_for(
        monkeypatch):
    """A worker that died while sending its result leaves its chunk's future waiting for
    ever (the pool reads half a message): after a short grace the batch names the dead
    worker instead of hanging (CI once hung here for two minutes)."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool
    from types import SimpleNamespace

    from triage.batch import workers as batch

    monkeypatch.setattr(batch, "DEAD_WORKER_GRACE", 0.3)
    never = Future()  # a chunk whose result never arrives
    dead = SimpleNamespace(exitcode=-signal.SIGKILL, join=lambda timeout=None: None)
    started = time.monotonic()
    with pytest.raises(batch.WorkerDied, match=r"killed by SIGKILL .* while triaging rows 2 to 9"):
        batch._next_lines(deque([(never, 2, 9)]), {4242: dead}, lambda: None,
                          BrokenProcessPool)
    assert time.monotonic() - started < 5
