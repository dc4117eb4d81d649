"""The accept path against its reference: `POST /v1/articles` (the seed as text/plain, every body unique, with
authentication, rate limiting in Redis and exact-duplicate detection) against a bare Flask endpoint answering 202,
both under the same gunicorn settings, measured with wrk in alternating rounds; then the batch endpoint.

Usage: python bench/accept.py [--rounds N] [--seconds S] [--connections C] [--workers W] [--threads T]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from stack import PROJECT, SEED, CpuMeter, Stack, backend_pids, load_average, post_concurrently, process_tree

from service.cli.serve import wait_for_http

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk" / "submit.lua"
BATCH_SIZE = 1000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def gunicorn_args(workers: int, threads: int) -> list[str]:
    worker_class = "gthread" if threads > 1 else "sync"
    return ["--workers", str(workers), "--threads", str(threads), "--worker-class", worker_class]


def start_bare(stack: Stack, port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    args = ["-m", "gunicorn", "--chdir", str(PROJECT / "bench"), "--bind", f"127.0.0.1:{port}"]
    process = stack.start([*args, *gunicorn_args(workers, threads), "bare_app:app"], "bare")
    _wait_port(port)
    return process


def start_ours(stack: Stack, port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    args = ["-m", "service.cli", "api", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    process = stack.start([*args, "--threads", str(threads)], "api")
    wait_for_http(f"http://127.0.0.1:{port}/healthz", timeout=60)
    return process


def _wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def wrk(port: int, key: str, seconds: float, connections: int, threads: int = 2) -> dict[str, Any]:
    """One wrk run against POST /v1/articles on the port; the Lua script's JSON line."""
    options = [f"-t{threads}", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "10s", "-s", str(WRK_SCRIPT)]
    result = subprocess.run(
        ["wrk", *options, f"http://127.0.0.1:{port}/v1/articles"],
        env={**os.environ, "BENCH_SEED": str(SEED), "BENCH_KEY": key},
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    return figures


def compare_single(stack: Stack, rounds: int, seconds: float, connections: int, workers: int, threads: int) -> dict:
    """Alternating wrk rounds on the bare endpoint and ours; medians and the ratios of the medians."""
    bare_port, our_port = free_port(), free_port()
    bare_process = start_bare(stack, bare_port, workers, threads)
    api = start_ours(stack, our_port, workers, threads)
    for port in (bare_port, our_port):  # warm-up: imports, connection pools, JIT-less but cache-warm
        wrk(port, stack.key, 3, connections)
    # CPU spent per request by each side's processes, and by PostgreSQL for ours (the bottleneck model's inputs).
    meters = {
        "bare_api": CpuMeter(lambda: process_tree(bare_process.pid)),
        "ours_api": CpuMeter(lambda: process_tree(api.pid)),
        "ours_postgres": CpuMeter(lambda: backend_pids(stack.database_url)),
    }
    bare: list[dict[str, Any]] = []
    ours: list[dict[str, Any]] = []
    for round_number in range(rounds):
        order = [(bare_port, bare, ["bare_api"]), (our_port, ours, ["ours_api", "ours_postgres"])]
        for port, runs, measured in order if round_number % 2 == 0 else reversed(order):
            for name in measured:
                meters[name].start()
            runs.append(wrk(port, stack.key, seconds, connections))
            for name in measured:
                meters[name].stop()
    summary = {
        "config": {"workers": workers, "threads": threads, "connections": connections, "seconds": seconds},
        "bare_rps": statistics.median(run["rps"] for run in bare),
        "bare_p99_ms": statistics.median(run["p99_ms"] for run in bare),
        "ours_rps": statistics.median(run["rps"] for run in ours),
        "ours_p99_ms": statistics.median(run["p99_ms"] for run in ours),
        "ours_p50_ms": statistics.median(run["p50_ms"] for run in ours),
        "ours_errors": sum(run["errors_status"] + run["errors_other"] for run in ours),
        "rounds": {"bare": bare, "ours": ours},
        "port": our_port,
    }
    requests = {"bare": sum(run["requests"] for run in bare), "ours": sum(run["requests"] for run in ours)}
    summary["cpu_ms_per_request"] = {
        name: 1000 * meter.used / requests[name.split("_")[0]] for name, meter in meters.items()
    }
    summary["rps_ratio"] = summary["ours_rps"] / summary["bare_rps"]
    summary["p99_ratio"] = summary["ours_p99_ms"] / summary["bare_p99_ms"]
    return summary


def batch_bodies(count: int) -> list[bytes]:
    seed = SEED.read_text()
    run = uuid.uuid4().hex[:8]
    return [
        json.dumps(
            [{"text": f"{seed}\n\n[batch {run} {number} {item}]", "source": "bench"} for item in range(BATCH_SIZE)]
        ).encode()
        for number in range(count)
    ]


def post_batches(port: int, key: str, bodies: list[bytes], clients: int) -> tuple[float, int]:
    """Post every body (clients at a time); elapsed seconds and articles accepted."""
    elapsed, answers = post_concurrently(port, key, "/v1/articles/batch", bodies, clients, "application/json", 200)
    return elapsed, sum(json.loads(answer)["summary"]["submitted"] for answer in answers)


def measure_batch(stack: Stack, port: int, rounds: int, batches: int, clients: int = 2) -> dict[str, Any]:
    post_batches(port, stack.key, batch_bodies(1), 1)  # warm-up
    rates = []
    for _ in range(rounds):
        bodies = batch_bodies(batches)
        elapsed, accepted = post_batches(port, stack.key, bodies, clients)
        if accepted != batches * BATCH_SIZE:
            raise RuntimeError(f"{accepted} of {batches * BATCH_SIZE} batch items accepted")
        rates.append(accepted / elapsed)
    return {"articles_per_s": statistics.median(rates), "rounds": rates, "batches": batches, "clients": clients}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--batch-rounds", type=int, default=3)
    parser.add_argument("--batches", type=int, default=6)
    parser.add_argument("--no-batch", action="store_true")
    arguments = parser.parse_args()
    print(f"load average before: {load_average()}", file=sys.stderr)
    with Stack("accept") as stack:
        single = compare_single(
            stack, arguments.rounds, arguments.seconds, arguments.connections, arguments.workers, arguments.threads
        )
        if not arguments.no_batch:
            single["batch"] = measure_batch(stack, single["port"], arguments.batch_rounds, arguments.batches)
    single["load_average_after"] = load_average()
    print(json.dumps(single, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
