"""The service's overhead and its scale-out: end-to-end articles/s (submitted through the API, processed by
`ingest worker --concurrency N` on PostgreSQL + Redis, until every article is done) against the same parse() in a
multiprocessing.Pool(N), in alternating rounds, for N = 1 and 2.

Usage: python bench/end_to_end.py [--rounds R] [--sizes 1,2] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import psycopg
from accept import free_port, start_ours
from stack import (
    EXTRACTION_DATA,
    CpuMeter,
    Stack,
    backend_pids,
    load_average,
    process_tree,
    redis_command_stats,
    redis_delta,
)

POLL_SECONDS = 0.25


def documents(limit: int | None = None) -> list[tuple[str, bytes]]:
    """The 121 DEV pages as HTML and the 121 text dumps of the same pages: (format, bytes)."""
    pages = sorted((EXTRACTION_DATA / "pages").glob("*.html"))
    texts = sorted((EXTRACTION_DATA / "text").glob("*.txt"))
    found = [("html", path.read_bytes()) for path in pages] + [("text", path.read_bytes()) for path in texts]
    return found[:limit] if limit else found


def _raw(document: tuple[str, bytes]) -> Any:
    from service.articles.processing import RawInput

    kind, body = document
    content_type = "text/html; charset=utf-8" if kind == "html" else "text/plain; charset=utf-8"
    return RawInput(body, content_type, kind, None, None, None)


def _parse_one(document: tuple[str, bytes]) -> bool:
    from workers.parsing import PIPELINE

    try:
        PIPELINE.parse(_raw(document))
    except Exception:
        return False
    return True


def _warm_up() -> None:
    _parse_one(("text", (Path(__file__).resolve().parents[1] / "seeds" / "000_58a277481ee7be65.txt").read_bytes()))


def reference(docs: list[tuple[str, bytes]], processes: int) -> float:
    """articles/s of parse() in a warmed-up multiprocessing.Pool(processes) (fork, as Celery's prefork pool)."""
    context = multiprocessing.get_context("fork")
    with context.Pool(processes, initializer=_warm_up) as pool:
        pool.map(_parse_one, docs[:processes], chunksize=1)  # every process warm before timing
        started = time.perf_counter()
        parsed = pool.map(_parse_one, docs, chunksize=1)
        elapsed = time.perf_counter() - started
    if sum(parsed) < len(docs) * 0.9:
        raise RuntimeError(f"the reference parsed only {sum(parsed)} of {len(docs)} documents")
    return len(docs) / elapsed


class Service:
    """API (gunicorn, 2 processes) and one `ingest worker` with N processes on the stack."""

    def __init__(self, stack: Stack, processes: int) -> None:
        self.stack = stack
        self.port = free_port()
        self.api = start_ours(stack, self.port, 2, 4)
        self.log_name = f"worker-{processes}"
        self.worker = stack.start(["-m", "service.cli", "worker", "--concurrency", str(processes)], self.log_name)
        self.database = psycopg.connect(stack.database_url, autocommit=True)
        self.run(documents(limit=4 * processes))  # warm-up: every pool process has loaded the model
        # What each article costs the shared servers and the worker, over the timed runs (bottleneck model).
        self.meters = {
            "postgres": CpuMeter(lambda: backend_pids(stack.database_url)),
            "worker": CpuMeter(lambda: process_tree(self.worker.pid)),
            "api": CpuMeter(lambda: process_tree(self.api.pid)),
        }
        self.articles = 0
        self.redis_calls: dict[str, list[int]] = {}

    def submit(self, docs: list[tuple[str, bytes]], source: str) -> None:
        for start in range(0, len(docs), 20):
            chunk = docs[start : start + 20]  # under the 10 MB request limit
            items = [{kind: body.decode("utf-8", "replace"), "source": source} for kind, body in chunk]
            request = urllib.request.Request(
                f"http://127.0.0.1:{self.port}/v1/articles/batch",
                data=json.dumps(items).encode(),
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {self.stack.key}"},
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                summary = json.loads(response.read())["summary"]
                if summary["submitted"] != len(items):
                    raise RuntimeError(f"batch not accepted: {summary}")

    def finished(self, source: str) -> int:
        row = self.database.execute(
            "SELECT count(*) FROM articles WHERE source = %s AND status IN ('done', 'failed')", (source,)
        ).fetchone()
        return int(row[0]) if row else 0

    def timed_run(self, docs: list[tuple[str, bytes]]) -> float:
        """run(), with the CPU of PostgreSQL's backends, the worker and the API and Redis' commands counted."""
        for meter in self.meters.values():
            meter.start()
        commands = redis_command_stats()
        rate = self.run(docs)
        for name, (calls, usec) in redis_delta(commands, redis_command_stats()).items():
            totals = self.redis_calls.setdefault(name, [0, 0])
            totals[0] += calls
            totals[1] += usec
        for meter in self.meters.values():
            meter.stop()
        self.articles += len(docs)
        return rate

    def costs(self) -> dict[str, Any]:
        """Per article: CPU ms of each process group, and Redis calls and server microseconds (server-wide)."""
        per_article = {name: 1000 * meter.used / self.articles for name, meter in self.meters.items()}
        redis = {
            name: (calls / self.articles, usec / self.articles) for name, (calls, usec) in self.redis_calls.items()
        }
        return {"cpu_ms_per_article": per_article, "redis_per_article": redis}

    def run(self, docs: list[tuple[str, bytes]]) -> float:
        """Submit every document under a new source and wait until all are processed; articles/s."""
        source = f"bench-{uuid.uuid4().hex[:10]}"
        started = time.perf_counter()
        self.submit(docs, source)
        deadline = time.monotonic() + 60 + 5 * len(docs)
        while self.finished(source) < len(docs):
            if time.monotonic() > deadline:
                done = self.finished(source)
                raise RuntimeError(f"{done} of {len(docs)} processed:\n{self.stack.log(self.log_name)[-3000:]}")
            time.sleep(POLL_SECONDS)
        return len(docs) / (time.perf_counter() - started)

    def close(self) -> None:
        self.database.close()
        self.stack.stop(self.worker)
        self.stack.stop(self.api)


def measure(rounds: int, sizes: list[int], limit: int | None) -> dict[str, Any]:
    docs = documents(limit)
    results: dict[str, Any] = {"documents": len(docs), "sizes": {}}
    with Stack("workers") as stack:
        for processes in sizes:
            service = Service(stack, processes)
            ours: list[float] = []
            pool: list[float] = []
            try:
                for round_number in range(rounds):
                    if round_number % 2 == 0:
                        pool.append(reference(docs, processes))
                        ours.append(service.timed_run(docs))
                    else:
                        ours.append(service.timed_run(docs))
                        pool.append(reference(docs, processes))
                costs = service.costs()
            finally:
                service.close()
            results["sizes"][processes] = {
                "ours": statistics.median(ours),
                "pool": statistics.median(pool),
                "ratio": statistics.median(ours) / statistics.median(pool),
                "rounds": {"ours": ours, "pool": pool},
                **costs,
            }
    if 1 in results["sizes"] and 2 in results["sizes"]:
        results["scale_out"] = results["sizes"][2]["ours"] / results["sizes"][1]["ours"]
        results["pool_scale_out"] = results["sizes"][2]["pool"] / results["sizes"][1]["pool"]
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--sizes", default="1,2")
    parser.add_argument("--limit", type=int, default=None)
    arguments = parser.parse_args()
    print(f"load average before: {load_average()}", file=sys.stderr)
    results = measure(arguments.rounds, [int(size) for size in arguments.sizes.split(",")], arguments.limit)
    results["load_average_after"] = load_average()
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
