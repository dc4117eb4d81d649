"""What the reliability runs measure with and inject into `make stack`: an API client, the article rows, memory, and
the faults themselves (kills, Redis and PostgreSQL restarts and stops), each timed to its recovery."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_58a277481ee7be65.txt"
REDIS_START = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


class Client:
    """The stack's API over real HTTP, with one key."""

    def __init__(self, base_url: str, key: str) -> None:
        self.base_url, self.key = base_url, key

    def call(self, method: str, path: str, body: Any = None, timeout: float = 60) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.key}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return answer.status, json.loads(answer.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, None

    def submit(self, tag: str, count: int, copies: int = 1) -> list[str]:
        """`count` new articles (the seed article, made unique), through the batch endpoint; the accepted ids."""
        text = SEED.read_text(encoding="utf-8") * copies
        accepted: list[str] = []
        for start in range(0, count, 500):
            items = [
                {"text": f"{text}\n\nReliability run {tag}, article {index}.", "source": f"reliability-{tag}"}
                for index in range(start, min(start + 500, count))
            ]
            status, answer = self.call("POST", "/v1/articles/batch", items, timeout=300)
            if status == 200:
                accepted += [item["id"] for item in answer["items"] if item["status"] == 202]
        return accepted


class Rows:
    """The stack's article rows, read directly from PostgreSQL."""

    def __init__(self, database: str) -> None:
        self.url = f"postgresql://postgres@127.0.0.1:5432/{database}"

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        for _ in range(120):  # PostgreSQL may be restarting: the runs measure through it
            try:
                with psycopg.connect(self.url, connect_timeout=3) as connection:
                    return connection.execute(sql, params).fetchall()
            except psycopg.OperationalError:
                time.sleep(0.5)
        raise RuntimeError("PostgreSQL did not come back within a minute")

    def counts(self, ids: list[str]) -> dict[str, int]:
        rows = self.query("SELECT status, count(*) FROM articles WHERE id = ANY(%s) GROUP BY status", ids)
        return {status: count for status, count in rows}

    def in_status(self, ids: list[str], status: str) -> list[str]:
        """Those of `ids` in `status`, oldest first (the order the queue hands them out)."""
        sql = "SELECT id FROM articles WHERE id = ANY(%s) AND status = %s ORDER BY received_at, id"
        return [row[0] for row in self.query(sql, ids, status)]

    def finished(self, ids: list[str]) -> int:
        counts = self.counts(ids)
        return counts.get("done", 0) + counts.get("failed", 0)

    def wait_finished(self, ids: list[str], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.finished(ids) == len(ids):
                return True
            time.sleep(1)
        return False

    def duplicated(self, source: str) -> int:
        [(rows, distinct)] = self.query(
            "SELECT count(*), count(DISTINCT input_sha256) FROM articles WHERE source = %s", source
        )
        return int(rows - distinct)


def recovery_seconds(rows: Rows, held: list[str], since: float, timeout: float = 600) -> float:
    """Seconds from `since` (monotonic) until every article in `held` is finished."""
    deadline = time.monotonic() + timeout
    while held and time.monotonic() < deadline:
        if rows.finished(held) == len(held):
            break
        time.sleep(0.25)
    return time.monotonic() - since


def first_finished(rows: Rows, ids: list[str], since: float, timeout: float = 600) -> float:
    """Seconds from `since` until one of `ids` is finished (0 when there are none)."""
    deadline = time.monotonic() + timeout
    while ids and time.monotonic() < deadline and not rows.finished(ids):
        time.sleep(0.25)
    return time.monotonic() - since if ids else 0.0


def descendants(pid: int) -> list[int]:
    found, frontier = [], [pid]
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_bytes().rsplit(b")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(parent, []).append(int(entry.name))
    while frontier:
        children = parents.get(frontier.pop(), [])
        found += children
        frontier += children
    return found


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


class MemoryPeak(threading.Thread):
    """The largest total resident memory of the stack's processes, sampled every second."""

    def __init__(self, roots: Callable[[], list[int]]) -> None:
        super().__init__(daemon=True)
        self.roots, self.peak, self.stopped = roots, 0.0, threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(1):
            pids = [pid for root in self.roots() for pid in (root, *descendants(root))]
            self.peak = max(self.peak, rss_mb(pids))


def kill(pid: int) -> None:
    os.kill(pid, signal.SIGKILL)


def redis_pid() -> int:
    return int(subprocess.run(["pidof", "redis-server"], capture_output=True, text=True).stdout.split()[0])


def restart_redis() -> None:
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
    subprocess.run(REDIS_START, shell=True, check=True)


def restart_postgres(mode: str) -> None:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart", "-m", mode]
    subprocess.run(command, check=True, capture_output=True)


def times_processed(log_paths: list[Path], ids: list[str]) -> dict[str, int]:
    """How many times each article's result (done or failed) was stored, from the workers' logs."""
    wanted = set(ids)
    counts: dict[str, int] = {}
    for path in log_paths:
        for line in path.read_text(errors="replace").splitlines():
            if '"message": "article ' not in line:
                continue
            message = json.loads(line)["message"]
            article_id, _, outcome = message.removeprefix("article ").partition(": ")
            if article_id in wanted and outcome in ("done", "failed"):
                counts[article_id] = counts.get(article_id, 0) + 1
    return counts


def ensure_servers_running() -> None:
    """Redis and PostgreSQL answer again, whatever a run did to them (the project's own start script)."""
    subprocess.run(["bash", str(Path(__file__).resolve().parent / "ensure-services.sh")], check=False)
