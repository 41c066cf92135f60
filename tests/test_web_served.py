"""The API as it is deployed: ``uvicorn --factory triage.web:create_app --workers 2``,
the line the README gives. Stateless, so both worker processes serve requests; a batch
is answered while its body is still arriving; the server logs no answer; and it stops
cleanly. Real processes and sockets, every wait bounded."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import pytest
from conftest import ROOT, RULES, healthy_adult

pytestmark = [pytest.mark.processes,
              pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                 reason="reads worker processes from /proc (Linux)")]

# The README's line (with a free port in place of 8000).
README_LINE = ("uvicorn --factory triage.web:create_app "
               "--workers 2 --host 127.0.0.1 --port 8000")
MARKER = "MARKER-5150"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Served:
    """A uvicorn started as the README says, its output in a file."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.log = tmp / "uvicorn.log"
        command = [sys.executable, "-m", "uvicorn", "--factory", "triage.web:create_app",
                   "--workers", "2", "--host", "127.0.0.1", "--port", str(self.port)]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                            env={**os.environ, "BACKTRIAGE_RULES": str(RULES)})
        self.url = f"http://127.0.0.1:{self.port}"

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text(errors="replace")
            try:
                if httpx2.get(self.url + "/healthz", timeout=2).status_code == 200 and \
                        len(self.workers()) == 2:
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError("uvicorn did not answer /healthz in time")

    def workers(self) -> list[int]:
        """The worker processes (multiprocessing children, not its resource tracker)."""
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and _parent(entry) == self.process.pid and \
                        b"spawn_main" in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
        return sorted(found)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
                raise AssertionError("uvicorn did not stop on SIGTERM within 20 s") from None
        return int(self.process.returncode)


def _parent(entry: Path) -> int:
    return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    server = Served(tmp_path_factory.mktemp("served"))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def test_the_readme_gives_this_line() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert README_LINE in readme


def test_both_workers_serve_triage_requests(served: Served) -> None:
    """Requests on fresh connections from several clients at once are shared between the
    two processes: both do triage work (their CPU time grows), and every reply is the
    same bytes."""
    workers = served.workers()
    before = {pid: cpu_ticks(pid) for pid in workers}
    body = json.dumps(healthy_adult())

    def one(_: int) -> bytes:
        with httpx2.Client(timeout=10) as fresh:  # a new connection each time
            response = fresh.post(served.url + "/api/v1/triage", content=body,
                                  headers={"content-type": "application/json"})
            assert response.status_code == 200
            return response.content

    replies: set[bytes] = set()
    deadline = time.monotonic() + 60
    with ThreadPoolExecutor(8) as pool:
        while time.monotonic() < deadline:
            replies |= set(pool.map(one, range(64)))
            grown = [pid for pid in workers if cpu_ticks(pid) - before[pid] >= 5]
            if len(grown) == 2:
                break
    assert len(grown) == 2, f"only {grown} of {workers} did work"
    assert len(replies) == 1  # stateless: whichever process answers, the same bytes


def test_a_batch_is_answered_while_its_body_is_still_arriving(served: Served) -> None:
    """The first row's line comes back before the second row is sent (a server that
    read the whole body first would wait for ever: the test would time out)."""
    row = json.dumps({**healthy_adult(), "id": "first"}).encode() + b"\n"
    with socket.create_connection(("127.0.0.1", served.port), timeout=20) as conn:
        conn.sendall(b"POST /api/v1/batch HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/x-ndjson\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + _chunk(row))
        received = _read_until(conn, b'"id":"first"')
        assert b" 200 OK" in received.split(b"\r\n", 1)[0]
        conn.sendall(_chunk(json.dumps({"id": "second", "age": 200}).encode() + b"\n")
                     + b"0\r\n\r\n")
        received += _read_until(conn, b"\r\n0\r\n\r\n")
    assert b"row 2: age: 200 is out of range" in received


def test_a_batch_over_the_limit_keeps_the_rows_before_it_and_is_cut_short(
        served: Served) -> None:
    """Three rows, then more than 32 MiB (blank lines, cheap to skip): the three lines
    come back, then a line saying the batch stopped, then the connection closes without
    the end of the chunked reply, so no client takes it for a whole one."""
    rows = b"".join(json.dumps({**healthy_adult(), "id": n}).encode() + b"\n"
                    for n in range(3))
    blank = b" " * 500_000 + b"\n"  # under the row limit: skipped as blank
    with socket.create_connection(("127.0.0.1", served.port), timeout=30) as conn:
        conn.sendall(b"POST /api/v1/batch HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Type: application/x-ndjson\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n" + _chunk(rows))
        try:
            for _ in range(70):
                conn.sendall(_chunk(blank))
        except OSError:
            pass  # the server stopped reading: expected
        received = _read_until(conn, None)
    body, complete = _dechunked(received)
    lines = body.splitlines()
    assert [json.loads(line)["id"] for line in lines[:3]] == [0, 1, 2]
    assert b"larger than the limit of 33,554,432 bytes" in lines[3]
    assert len(lines) == 4 and not complete


def test_the_server_logs_no_answer(served: Served) -> None:
    with httpx2.Client(base_url=served.url, timeout=10) as client:
        client.post("/api/v1/triage", json={**healthy_adult(), "location": MARKER})
        client.post("/api/v1/triage", json={**healthy_adult(), MARKER: True})
        client.post("/api/v1/batch", headers={"content-type": "application/x-ndjson"},
                    content=json.dumps({**healthy_adult(), "id": MARKER}) + "\n")
    time.sleep(0.5)  # let the workers write their lines
    log = served.log.read_text(errors="replace")
    assert "POST /api/v1/triage" in log  # the access log is on, and says only this
    assert MARKER not in log


def test_the_server_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    server = Served(tmp_path)
    try:
        server.wait_ready()
        workers = server.workers()
    finally:
        status = server.stop()
    assert status == 0
    for pid in workers:
        assert not Path(f"/proc/{pid}").exists() or _zombie(pid)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _dechunked(received: bytes) -> tuple[bytes, bool]:
    """The body of a chunked HTTP response, and whether its last chunk came."""
    rest = received.split(b"\r\n\r\n", 1)[1]
    body = b""
    while b"\r\n" in rest:
        size_line, rest = rest.split(b"\r\n", 1)
        size = int(size_line, 16)
        if size == 0:
            return body, True
        body, rest = body + rest[:size], rest[size + 2:]
    return body, False


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def _read_until(conn: socket.socket, end: bytes | None, seconds: float = 30) -> bytes:
    """What arrives until ``end`` is seen (None: until the server closes), bounded."""
    received = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            data = conn.recv(65536)
        except (TimeoutError, ConnectionResetError):
            break
        if not data:
            break
        received += data
        if end is not None and end in received:
            return received
    if end is not None:
        raise AssertionError(f"{end!r} not received in {seconds} s: {received[-300:]!r}")
    return received
