"""Benchmark (not a test): a bounded load test of `POST /api/v1/triage` on loopback.

    python benchmarks/bench_serve.py                        # 5,000 requests, 8 at a time
    python benchmarks/bench_serve.py --requests 20000 --concurrency 16
    python benchmarks/bench_serve.py --quick                # 500 requests (a smoke run)
    python benchmarks/bench_serve.py --http h11 --loop asyncio   # uvicorn's pure-Python stack
    python benchmarks/bench_serve.py --client httpx         # the httpx2 client instead

Starts the server as the README says (``uvicorn --factory triage.web:create_app
--workers 2`` on 127.0.0.1 and a free port, the shipped rules), waits for /healthz, sends
a warm-up, then a fixed number of requests at a fixed concurrency over keep-alive
connections, and stops the server. The answers are seeded random complete answer sets
(200 different ones, cycled), so the engine does real work; every response is checked:
status 200 and exactly the bytes ``render_json`` gives for those answers in this process
(what ``triage run --format json`` prints).

The client runs on the cores it measures, so it is lean: by default a small asyncio
HTTP/1.1 client (raw streams, one request at a time per keep-alive connection, the
response read by its Content-Length): 0.16-0.20 ms of CPU a request against
httpx2's 1.2-1.3 ms (``--client httpx`` for comparison).

Prints requests/s, latency p50/p90/p99, errors (must be 0), the CPU seconds used by the
server's workers and by this client (all on the same machine: the client's share is
capacity the server did not get), and the load average before and after (the machine may
be shared). Target (2 workers on 2 cores): >= 500 requests/s with p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import triage
from triage.clinician.sampling import random_answers
from triage.documents.render import render_json
from triage.engine import Engine
from triage.pipeline import triage_answers

TARGET_RPS = 500
TARGET_P99_MS = 50.0


def bodies(count: int = 200) -> tuple[list[bytes], list[bytes]]:
    """Seeded random complete answer sets, as JSON request bodies, and the response body
    each must get (the JSON of ``triage run --format json``, computed here)."""
    ruleset = triage.ruleset()
    engine = Engine(ruleset)
    answers = random_answers(ruleset, seed=7)
    sent, expected = [], []
    for _ in range(count):
        row = {k: list(v) if isinstance(v, tuple) else v for k, v in next(answers).items()}
        sent.append(json.dumps(row).encode())
        expected.append(render_json(triage_answers(engine, row)).encode())
    return sent, expected


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(workers: int, port: int, access_log: bool, http: str,
          loop: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "--factory", "triage.web:create_app",
               "--workers", str(workers), "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--http", http, "--loop", loop]
    if not access_log:
        command.append("--no-access-log")
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("bench_serve: the server exited at start-up")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise SystemExit("bench_serve: the server did not answer /healthz in time")


def children(pid: int) -> list[int]:
    """The server's worker processes (not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                command = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat[1]) == pid and b"resource_tracker" not in command:
                found.append(int(entry.name))
    return found


def cpu_seconds(pids: list[int]) -> float:
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


Measured = tuple[list[float], int, float]  # latencies (s), errors, wall seconds


def requests_for(port: int, payloads: list[bytes]) -> list[bytes]:
    """Each answers object as a whole HTTP/1.1 request, ready to write."""
    return [(f"POST /api/v1/triage HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
             "Content-Type: application/json\r\nAccept: application/json\r\n"
             f"Content-Length: {len(body)}\r\n\r\n").encode() + body
            for body in payloads]


async def load_lean(port: int, wire: list[bytes], expected: list[bytes], requests: int,
                    concurrency: int) -> Measured:
    """``requests`` POSTs, ``concurrency`` keep-alive connections each sending one request
    at a time, written and read on raw asyncio streams."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(requests))

    async def worker() -> None:
        nonlocal errors
        streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        for index in counter:
            began = time.perf_counter()
            ok = keep = False
            try:
                if streams is None:
                    streams = await asyncio.open_connection("127.0.0.1", port)
                reader, writer = streams
                writer.write(wire[index % len(wire)])
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                headers = head.lower()
                at = headers.find(b"\r\ncontent-length:")
                if at >= 0:  # otherwise (chunked) an error, and a new connection
                    length = int(headers[at + 17:headers.index(b"\r\n", at + 2)])
                    body = await reader.readexactly(length)
                    ok = status == 200 and body == expected[index % len(expected)]
                    keep = b"\r\nconnection: close" not in headers
            except (OSError, ValueError, asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError):
                pass
            latencies.append(time.perf_counter() - began)
            errors += not ok
            if not keep and streams is not None:
                streams[1].close()
                streams = None
        if streams is not None:
            streams[1].close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, errors, time.perf_counter() - began


async def load_httpx(url: str, payloads: list[bytes], expected: list[bytes], requests: int,
                     concurrency: int) -> Measured:
    """The same with httpx2's AsyncClient (1.2-1.3 ms of client CPU a request)."""
    import httpx2

    latencies: list[float] = []
    errors = 0
    counter = iter(range(requests))
    limits = httpx2.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"content-type": "application/json"}
    async with httpx2.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal errors
            for index in counter:
                body = payloads[index % len(payloads)]
                began = time.perf_counter()
                try:
                    response = await client.post("/api/v1/triage", content=body,
                                                 headers=headers)
                    ok = (response.status_code == 200
                          and response.content == expected[index % len(expected)])
                except httpx2.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - began)
                errors += not ok

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, errors, time.perf_counter() - began


def resolved(http: str, loop: str) -> str:
    """What uvicorn runs for ``--http`` and ``--loop`` (auto: httptools and uvloop when
    installed)."""
    def found(name: str) -> bool:
        return importlib.util.find_spec(name) is not None
    http = http if http != "auto" else ("httptools" if found("httptools") else "h11")
    loop = loop if loop != "auto" else ("uvloop" if found("uvloop") else "asyncio")
    return f"{http} on {loop}"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    # 8 keeps two workers busy; more only queue (latency = concurrency / throughput)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True,
                        help="uvicorn's access log, on as in the README's line (to "
                        "/dev/null here)")
    parser.add_argument("--http", choices=("auto", "h11", "httptools"), default="auto",
                        help="uvicorn's HTTP parser (auto: httptools when installed)")
    parser.add_argument("--loop", choices=("auto", "asyncio", "uvloop"), default="auto",
                        help="uvicorn's event loop (auto: uvloop when installed)")
    parser.add_argument("--client", choices=("lean", "httpx"), default="lean",
                        help="lean: this file's asyncio client; httpx: httpx2's")
    parser.add_argument("--quick", action="store_true", help="500 requests")
    args = parser.parse_args()
    requests = 500 if args.quick else args.requests
    payloads, expected = bodies()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    wire = requests_for(port, payloads)

    def load(count: int) -> Measured:
        if args.client == "httpx":
            return asyncio.run(load_httpx(url, payloads, expected, count, args.concurrency))
        return asyncio.run(load_lean(port, wire, expected, count, args.concurrency))

    server = start(args.workers, port, args.access_log, args.http, args.loop)
    try:
        wait_ready(url, server)
        warm = load(args.warmup)
        if warm[1]:
            raise SystemExit(f"bench_serve: {warm[1]} of {args.warmup} warm-up responses "
                             "were not 200 with the expected bytes")
        workers = children(server.pid) or [server.pid]  # --workers 1: no children
        load_before = os.getloadavg()
        each_before = [cpu_seconds([pid]) for pid in workers]
        server_cpu = sum(each_before)
        client_cpu = resource.getrusage(resource.RUSAGE_SELF)
        latencies, errors, wall = load(requests)
        client_after = resource.getrusage(resource.RUSAGE_SELF)
        each = [cpu_seconds([pid]) - before
                for pid, before in zip(workers, each_before, strict=True)]
        server_cpu = sum(each)
        load_after = os.getloadavg()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
    rps = requests / wall
    p50, p90, p99 = (percentile(latencies, q) * 1000 for q in (0.50, 0.90, 0.99))
    spent = (client_after.ru_utime + client_after.ru_stime
             - client_cpu.ru_utime - client_cpu.ru_stime)
    print(f"POST /api/v1/triage: {requests:,} requests, concurrency {args.concurrency}, "
          f"{args.workers} workers, {os.cpu_count()} CPUs, access log "
          f"{'on' if args.access_log else 'off'}, uvicorn {resolved(args.http, args.loop)}, "
          f"{args.client} client")
    print(f"  throughput   {rps:8.0f} requests/s   ({wall:.2f} s wall)   "
          f"target >= {TARGET_RPS}: {'met' if rps >= TARGET_RPS else 'NOT met'}")
    print(f"  latency ms   p50 {p50:.1f}   p90 {p90:.1f}   p99 {p99:.1f}   "
          f"max {max(latencies) * 1000:.1f}   target p99 < {TARGET_P99_MS:.0f}: "
          f"{'met' if p99 < TARGET_P99_MS else 'NOT met'}")
    print(f"  errors       {errors}   (a response that is not 200 with the expected bytes)")
    # each worker's share: the keep-alive connections are spread by whichever process
    # accepts first, so one worker may get most of them (and be the bottleneck)
    print(f"  CPU seconds  server workers {server_cpu:.2f} "
          f"({' + '.join(f'{one:.2f}' for one in each)}; "
          f"{server_cpu / requests * 1000:.2f} ms a request), this client {spent:.2f} "
          f"({spent / requests * 1000:.2f} ms a request)")
    print(f"  load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          "(1 min; the machine may be shared)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
