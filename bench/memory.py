"""Memory over time: RSS of the API's and the worker's processes after the first 100 articles and after 10,000
(submitted one POST each, processed by `ingest worker --concurrency 2` on PostgreSQL + Redis).

The articles are short (the seed's first paragraphs and a line of their own), so that 10,000 pass through the
worker in minutes; every one is unique, so every one brings new words and a new row.

Usage: python bench/memory.py [--articles N] [--first N]
"""

from __future__ import annotations

import random
import sys
import time
from typing import Any

import psycopg
from accept import free_port, start_ours
from stack import SEED, Stack, children, post_concurrently, rss_kib, run_benchmark

CLIENTS = 4
NAMES = ["Wang Yi", "Antony Blinken", "Olaf Scholz", "Emmanuel Macron", "Dmytro Kuleba", "Sergei Lavrov"]
PLACES = ["Beijing", "Kyiv", "Berlin", "Paris", "Warsaw", "Ankara"]


def bodies(start: int, count: int) -> list[bytes]:
    """Short articles that differ in their words (no cluster of near-duplicates), each with names in it."""
    words = [word for word in SEED.read_text().split() if word.isalpha()]
    documents = []
    for number in range(start, start + count):
        rng = random.Random(number)
        sentences = [" ".join(rng.sample(words, 14)).capitalize() + "." for _ in range(6)]
        sentences.insert(2, f"Minister {rng.choice(NAMES)} spoke in {rng.choice(PLACES)} on day {number}.")
        documents.append(f"Dispatch {number}\n\n" + "\n\n".join(sentences) + "\n")
    return [document.encode() for document in documents]


def submit(port: int, key: str, documents: list[bytes]) -> None:
    post_concurrently(port, key, "/v1/articles?source=memory", documents, CLIENTS, "text/plain; charset=utf-8", 202)


def wait_processed(database_url: str, count: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url, autocommit=True) as connection:
        while True:
            row = connection.execute("SELECT count(*) FROM articles WHERE status IN ('done', 'failed')").fetchone()
            if row and row[0] >= count:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {row[0] if row else 0} of {count} processed in {timeout:.0f} s")
            time.sleep(1)


def snapshot(api_pid: int, worker_pid: int) -> dict[str, dict[str, int]]:
    """RSS in KiB of each gunicorn worker and each Celery pool process (and the two parents)."""
    return {
        "api": {f"parent {api_pid}": rss_kib(api_pid), **{str(pid): rss_kib(pid) for pid in children(api_pid)}},
        "worker": {
            f"parent {worker_pid}": rss_kib(worker_pid),
            **{str(pid): rss_kib(pid) for pid in children(worker_pid)},
        },
    }


def growth(before: dict[str, int], after: dict[str, int]) -> dict[str, float]:
    return {pid: after[pid] / before[pid] for pid in before if pid in after and before[pid]}


def measure(total: int, first: int) -> dict[str, Any]:
    with Stack("memory") as stack:
        port = free_port()
        api = start_ours(stack, port, 2, 4)
        worker = stack.start(["-m", "service.cli", "worker", "--concurrency", "2"], "worker")
        started = time.perf_counter()
        submit(port, stack.key, bodies(0, first))
        wait_processed(stack.database_url, first, timeout=600)
        early = snapshot(api.pid, worker.pid)
        submit(port, stack.key, bodies(first, total - first))
        wait_processed(stack.database_url, total, timeout=3600)
        late = snapshot(api.pid, worker.pid)
        elapsed = time.perf_counter() - started
    result: dict[str, Any] = {"articles": total, "first": first, "seconds": elapsed, "early": early, "late": late}
    result["growth"] = {role: growth(early[role], late[role]) for role in ("api", "worker")}
    result["worst"] = {role: max(result["growth"][role].values()) for role in ("api", "worker")}
    return result


def main() -> int:
    return run_benchmark(__doc__.splitlines()[0], measure, articles=10_000, first=100)


if __name__ == "__main__":
    sys.exit(main())
