"""Benchmark (not a test): a bounded load test of `POST /api/v1/triage` on loopback.

    python benchmarks/bench_serve.py                        # 5,000 requests, 8 at a time
    python benchmarks/bench_serve.py --requests 20000 --concurrency 32
    python benchmarks/bench_serve.py --quick                # 500 requests (a smoke run)

Starts the server as the README says (``uvicorn --factory triage.web:create_app
--workers 2`` on 127.0.0.1 and a free port, the shipped rules), waits for /healthz, sends
a warm-up, then a fixed number of requests from an async client (httpx2) at a fixed
concurrency over keep-alive connections, and stops the server. The answers are seeded
random complete answer sets (200 different ones, cycled), so the engine does real work.

Prints requests/s, latency p50/p90/p99/max, errors (must be 0), the CPU seconds used by
the server's workers and by this client (all on the same machine: the client's share is
capacity the server did not get), and the load average before and after (the machine may
be shared). Target (2 workers on 2 cores): >= 500 requests/s with p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

import triage
from triage.clinician.sampling import random_answers

TARGET_RPS = 500
TARGET_P99_MS = 50.0


def bodies(count: int = 200) -> list[bytes]:
    """Seeded random complete answer sets, as JSON request bodies."""
    answers = random_answers(triage.ruleset(), seed=7)
    out = []
    for _ in range(count):
        row = next(answers)
        out.append(json.dumps({k: list(v) if isinstance(v, tuple) else v
                               for k, v in row.items()}).encode())
    return out


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(workers: int, port: int, access_log: bool) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "--factory", "triage.web:create_app",
               "--workers", str(workers), "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning"]
    if not access_log:
        command.append("--no-access-log")
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_ready(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("bench_serve: the server exited at start-up")
        try:
            if httpx2.get(url + "/healthz", timeout=2).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit("bench_serve: the server did not answer /healthz in time")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
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


async def load(url: str, payloads: list[bytes], requests: int,
               concurrency: int) -> tuple[list[float], int, float]:
    """(latencies in seconds, errors, wall seconds) of ``requests`` POSTs, ``concurrency``
    at a time."""
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
                    ok = response.status_code == 200 and response.content.startswith(b"{")
                except httpx2.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - began)
                errors += not ok

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, errors, time.perf_counter() - began


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
    parser.add_argument("--quick", action="store_true", help="500 requests")
    args = parser.parse_args()
    requests = 500 if args.quick else args.requests
    payloads = bodies()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    server = start(args.workers, port, args.access_log)
    try:
        wait_ready(url, server)
        asyncio.run(load(url, payloads, args.warmup, args.concurrency))
        workers = children(server.pid)
        load_before = os.getloadavg()
        server_cpu = cpu_seconds(workers)
        client_cpu = resource.getrusage(resource.RUSAGE_SELF)
        latencies, errors, wall = asyncio.run(
            load(url, payloads, requests, args.concurrency))
        client_after = resource.getrusage(resource.RUSAGE_SELF)
        server_cpu = cpu_seconds(workers) - server_cpu
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
          f"{'on' if args.access_log else 'off'}")
    print(f"  throughput   {rps:8.0f} requests/s   ({wall:.2f} s wall)   "
          f"target >= {TARGET_RPS}: {'met' if rps >= TARGET_RPS else 'NOT met'}")
    print(f"  latency ms   p50 {p50:.1f}   p90 {p90:.1f}   p99 {p99:.1f}   "
          f"max {max(latencies) * 1000:.1f}   target p99 < {TARGET_P99_MS:.0f}: "
          f"{'met' if p99 < TARGET_P99_MS else 'NOT met'}")
    print(f"  errors       {errors}")
    print(f"  CPU seconds  server workers {server_cpu:.2f} "
          f"({server_cpu / requests * 1000:.2f} ms a request), this client {spent:.2f}")
    print(f"  load average before {load_before[0]:.2f}, after {load_after[0]:.2f} "
          "(1 min; the machine may be shared)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
