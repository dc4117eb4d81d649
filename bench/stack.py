"""A production-shaped stack for benchmarks: a PostgreSQL database and Redis databases of its own, the service's
own processes started against them, everything removed afterwards.

The Redis databases are leased exactly as the test suite leases them (tests/services.py), so a benchmark never
shares a queue or a rate-limit counter with a test run or another checkout's benchmark.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from tests.services import (  # noqa: E402
    LEASE,
    create_database,
    drop_database,
    redis_client,
    redis_url,
)

SEED = PROJECT / "seeds" / "000_58a277481ee7be65.txt"
SHARED = PROJECT.parent.parent / "shared" if (PROJECT.parent.parent / "shared").exists() else PROJECT.parent / "shared"
EXTRACTION_DATA = Path(os.environ.get("INGEST_BENCH_DATA", str(SHARED / "bench" / "extraction")))
# Rate limiting stays on (Redis storage) with a limit no benchmark reaches: its cost is measured, not its refusals.
BENCH_RATE_LIMIT = "100000000/minute"


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "?"


def git_commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=PROJECT, capture_output=True)
    return result.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


class Stack:
    """A database, two Redis databases (rate limits, broker) and the env that points the service at them."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.workdir = Path(tempfile.mkdtemp(prefix=f"ingest-bench-{name}-"))
        self.database_url = create_database(f"bench_{name}")
        self.rate_limit_db = LEASE.database("api")
        self.broker_db = LEASE.database("workers")
        for db in (self.rate_limit_db, self.broker_db):
            LEASE.flush(db)
        self.env = {
            "INGEST_DATABASE_URL": self.database_url,
            "INGEST_BROKER_URL": redis_url(self.broker_db),
            "INGEST_RATE_LIMIT_STORAGE_URL": redis_url(self.rate_limit_db),
            "INGEST_RATE_LIMIT": BENCH_RATE_LIMIT,
            "INGEST_VAR_DIR": str(self.workdir / "var"),
            "INGEST_METRICS_DIR": str(self.workdir / "metrics"),
            "INGEST_WORKER_METRICS_PORT": "0",
            "INGEST_LOG_LEVEL": "WARNING",
        }
        self.processes: list[subprocess.Popen[bytes]] = []
        self.cli("db", "upgrade")
        self.key = self.cli("keys", "create", "--tenant", "bench", "--create-tenant", *self._all_scopes()).strip()

    @staticmethod
    def _all_scopes() -> list[str]:
        return [arg for scope in ("ingest", "read", "admin", "metrics") for arg in ("--scope", scope)]

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "service.cli", *args],
            cwd=PROJECT,
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise RuntimeError(f"ingest {' '.join(args)} failed:\n{result.stderr[-2000:]}")
        return result.stdout

    def start(self, args: list[str], log_name: str, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
        """Start a process of ours (argv after the interpreter) with the stack's env; stopped by close()."""
        log = (self.workdir / f"{log_name}.log").open("ab")
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=PROJECT,
            env={**os.environ, **self.env, **(env or {}), "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def log(self, log_name: str) -> str:
        return (self.workdir / f"{log_name}.log").read_text(errors="replace")

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with suppress(ValueError):
            self.processes.remove(process)

    def close(self) -> None:
        for process in list(self.processes):
            self.stop(process)
        drop_database(self.database_url)
        LEASE.release()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.close()


def post_concurrently(
    port: int, key: str, path: str, bodies: list[bytes], clients: int, content_type: str, expected_status: int
) -> tuple[float, list[bytes]]:
    """POST every body (`clients` connections at a time); elapsed seconds and the response bodies, in no order.

    Raises when any response has another status than `expected_status`."""
    answers: list[bytes] = []
    errors: list[str] = []

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Content-Type": content_type, "Authorization": f"Bearer {key}"}
        for body in bodies[slot::clients]:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            if response.status == expected_status:
                answers.append(payload)
            else:
                errors.append(f"{response.status}: {payload[:300]!r}")
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(slot,)) for slot in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise RuntimeError(f"{len(errors)} of {len(bodies)} posts to {path} refused: {errors[:3]}")
    return time.perf_counter() - started, answers


def run_benchmark(description: str, measure: Callable[..., dict[str, Any]], **defaults: int) -> int:
    """The command line of a benchmark: one integer option per argument of `measure`, in its order; prints its JSON."""
    parser = argparse.ArgumentParser(description=description)
    for name, default in defaults.items():
        parser.add_argument(f"--{name}", type=int, default=default)
    arguments = parser.parse_args()
    print(f"load average before: {load_average()}", file=sys.stderr)
    results = measure(*vars(arguments).values())
    results["load_average_after"] = load_average()
    print(json.dumps(results, indent=1))
    return 0


def rss_kib(pid: int) -> int:
    """Resident set size of one process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(re.findall(r"\d+", line)[0])
    return 0


def children(pid: int) -> list[int]:
    """Direct child processes (gunicorn's workers, Celery's pool processes)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds used so far by these processes (those still alive)."""
    total = 0.0
    for pid in pids:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        total += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return total


def process_tree(pid: int) -> list[int]:
    """A process and its children (gunicorn's arbiter and workers, Celery's main process and pool)."""
    return [pid, *children(pid)]


def backend_pids(database_url: str) -> list[int]:
    """PostgreSQL server processes serving connections to this database (our pools' connections only)."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(database_url, autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,)
        ).fetchall()
    return [int(row[0]) for row in rows]


def redis_command_stats() -> dict[str, tuple[int, int]]:
    """Redis server-wide (calls, microseconds) per command, from INFO commandstats."""
    stats = redis_client(0).info("commandstats")
    return {name.removeprefix("cmdstat_"): (int(value["calls"]), int(value["usec"])) for name, value in stats.items()}


def redis_delta(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    return {
        name: (calls - before.get(name, (0, 0))[0], usec - before.get(name, (0, 0))[1])
        for name, (calls, usec) in after.items()
        if calls - before.get(name, (0, 0))[0] > 0
    }


class CpuMeter:
    """CPU seconds used by a changing set of processes over a window (one started inside it counts from zero)."""

    def __init__(self, pids: Callable[[], list[int]]) -> None:
        self.pids = pids
        self.used = 0.0
        self._start: dict[int, float] = {}

    def start(self) -> None:
        self._start = {pid: cpu_seconds([pid]) for pid in self.pids()}

    def stop(self) -> float:
        """Seconds used since start(); also added to `used`."""
        now = {pid: cpu_seconds([pid]) for pid in set(self.pids()) | set(self._start)}
        spent = sum(max(0.0, seconds - self._start.get(pid, 0.0)) for pid, seconds in now.items())
        self.used += spent
        return spent
