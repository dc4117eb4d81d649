"""`make reliability`: full-size runs through faults on `make stack`, printed and written to docs/RELIABILITY.md.

    python scripts/reliability.py [--scale 1.0] [--runs kills,redis,postgres,poison,webhooks,hostile,soak]
                                   [--soak-seconds 600]

Every run starts from a fresh stack database, submits its articles through the API, injects its faults, waits for
every accepted article to finish and measures: accepted, stored, lost (accepted but not stored, or never finished),
duplicated rows, articles whose result was stored more than once (from the workers' logs), the slowest recovery
(from a fault's end until what it held is finished and work goes on) and the stack's peak resident memory.
Redis and PostgreSQL are restarted with the machine's own commands and always left running.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench" / "reliability"))

import faults
import hostile
from stack import PROJECT, Stack

REPORT = PROJECT / "docs" / "RELIABILITY.md"
# Every run's latest result, committed beside the report, so one run can be measured again without the others.
RESULTS = PROJECT / "docs" / "reliability-results.json"
SECTION = "## Measured under faults"
FINISH_TIMEOUT = 3600


@dataclass
class Result:
    run: str
    articles: int
    faults: str
    accepted: int = 0
    stored: int = 0
    lost: int = 0
    duplicated: int = 0
    processed_twice: int = 0
    slowest_recovery: float = 0.0
    peak_memory_mb: float = 0.0
    notes: list[str] = field(default_factory=list)
    unexpected: int = 0  # hostile inputs answered otherwise than their bound says


class Harness:
    """A fresh stack for one run, its client and rows, and the measurements every run takes."""

    current: Harness | None = None

    def __init__(self, name: str, overrides: dict[str, str] | None = None) -> None:
        self.stack = Stack(PROJECT / "var" / "stack", overrides)
        Harness.current = self
        self.stack.prepare(fresh=True)
        key = self.stack.create_key()
        self.stack.start_all()
        self.client = faults.Client(self.stack.settings.base_url, key)
        self.rows = faults.Rows(self.stack.settings.database)
        self.memory = faults.MemoryPeak(lambda: [process.pid for process in self.stack.processes.values()])
        self.memory.start()
        self.name = name
        self.recoveries: list[float] = []
        self._log_offsets = {role: self._log_size(role) for role in ("worker", "webhook-worker")}

    def _log_size(self, role: str) -> int:
        path = self.stack.log_path(role)
        return path.stat().st_size if path.exists() else 0

    def wait_for_share(self, ids: list[str], share: float) -> None:
        while self.rows.finished(ids) < share * len(ids):
            time.sleep(0.5)

    def finish(self, result: Result, ids: list[str]) -> Result:
        finished = self.rows.wait_finished(ids, FINISH_TIMEOUT)
        counts = self.rows.counts(ids)
        result.accepted = len(ids)
        result.stored = sum(counts.values())
        result.lost = len(ids) - (counts.get("done", 0) + counts.get("failed", 0))
        result.duplicated = self.rows.duplicated(f"reliability-{self.name}")
        processed = faults.times_processed([self.stack.log_path("worker")], ids)
        result.processed_twice = sum(1 for times in processed.values() if times > 1)
        result.slowest_recovery = max(self.recoveries, default=0.0)
        result.peak_memory_mb = self.memory.peak
        if counts.get("failed"):
            result.notes.append(f"{counts['failed']} failed")
        if not finished:
            result.notes.append(f"unfinished after {FINISH_TIMEOUT} s")
        self.memory.stopped.set()
        self.stack.stop_all()
        return result

    def measure_recovery(self, held: list[str], since: float) -> None:
        """Seconds from `since` until every article `held` at the fault is finished (faults come one at a time)."""
        self.recoveries.append(faults.recovery_seconds(self.rows, held, since))

    def wait_for_a_clean_moment(self, ids: list[str]) -> None:
        """Until no article being processed is already on its second attempt: one kill per article, so an ordinary
        article is never taken for a poison one."""
        while self.rows.query(
            "SELECT 1 FROM articles WHERE id = ANY(%s) AND status = 'processing' AND attempts > 1 LIMIT 1", ids
        ):
            time.sleep(0.2)


def run_kills(scale: float) -> Result:
    """Pool processes and whole parsing workers SIGKILLed, alternately, through the backlog."""
    harness = Harness("kills")
    result = Result("kills", round(10_000 * scale), "7 SIGKILLs: 4 pool processes, 3 whole workers")
    ids = harness.client.submit("kills", result.articles)
    for number in range(7):
        harness.wait_for_share(ids, (number + 1) / 8)
        harness.wait_for_a_clean_moment(ids)
        held = harness.rows.in_status(ids, "processing")
        worker = harness.stack.pid("worker")
        pool = faults.descendants(worker)
        target = worker if number % 2 else (pool[0] if pool else worker)
        faults.kill(target)
        harness.measure_recovery(held, time.monotonic())
    return harness.finish(result, ids)


def run_outages(name: str, count: int, description: str, outages: list[tuple[str, Any]]) -> Result:
    """Outages (name, start function returning a stop function) at even points through the backlog."""
    harness = Harness(name)
    result = Result(name, count, description)
    ids = harness.client.submit(name, count)
    for number, (_label, begin) in enumerate(outages):
        harness.wait_for_share(ids, (number + 1) / (len(outages) + 1))
        held = harness.rows.in_status(ids, "processing")
        end = begin()
        if end is not None:
            end()
        ended = time.monotonic()
        # Work taken up again: an article that was waiting when the fault ended is finished (its message may have
        # been lost with Redis' data: then the reconciler must send it again first).
        waiting = harness.rows.in_status(ids, "queued")[:20]
        harness.recoveries.append(faults.first_finished(harness.rows, waiting, ended))
        harness.measure_recovery(held, ended)
    return harness.finish(result, ids)


def redis_stop(seconds: float) -> Any:
    pid = faults.redis_pid()
    os.kill(pid, signal.SIGSTOP)

    def resume() -> None:
        time.sleep(seconds)
        os.kill(pid, signal.SIGCONT)

    return resume


def run_redis(scale: float) -> Result:
    outages = [("restart", lambda: faults.restart_redis()), ("SIGSTOP 20 s", lambda: redis_stop(20))]
    return run_outages("redis", round(5_000 * scale), "Redis restart (its data lost), Redis SIGSTOP 20 s", outages)


def run_postgres(scale: float) -> Result:
    outages = [
        ("fast", lambda: faults.restart_postgres("fast")),
        ("immediate", lambda: faults.restart_postgres("immediate")),
    ]
    return run_outages("postgres", round(2_000 * scale), "PostgreSQL restart -m fast, -m immediate", outages)


def run_poison(scale: float) -> Result:
    """One article whose every parse ends in its process's death; its neighbours go on."""
    harness = Harness("poison")
    result = Result("poison", round(200 * scale) + 1, "a poison article killing every process that parses it")
    poison = harness.client.submit("poison-1", 1, copies=6)
    ids = poison + harness.client.submit("poison", result.articles - 1)
    kills, killed, last_kill = 0, set(), time.monotonic()
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        [(status, holder)] = harness.rows.query("SELECT status, claimed_by FROM articles WHERE id = %s", poison[0])
        if status in ("done", "failed"):
            harness.recoveries.append(time.monotonic() - last_kill)  # from the last crash to the verdict
            break
        if status == "processing" and holder and holder not in killed:
            killed.add(holder)
            with contextlib.suppress(ProcessLookupError):
                faults.kill(int(holder.rsplit(":", 2)[1]))
                kills, last_kill = kills + 1, time.monotonic()
        time.sleep(0.05)
    [(status, error)] = harness.rows.query("SELECT status, error FROM articles WHERE id = %s", poison[0])
    result.faults += f" ({kills} kills)"
    done = harness.finish(result, ids)
    done.notes.append(f"poison article {status}: {(error or {}).get('code')}")
    return done


class Receiver(BaseHTTPRequestHandler):
    received: list[str] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Receiver.received.append(self.headers.get("webhook-id", ""))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


def run_webhooks(scale: float) -> Result:
    """article.processed to a real local receiver while the webhook worker is killed (pool and whole)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    harness = Harness("webhooks", {"INGEST_WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.1/32"]'})
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    harness.client.call("POST", "/v1/subscriptions", {"url": url, "events": ["article.processed"]})
    result = Result("webhooks", round(1_000 * scale), "3 SIGKILLs of the webhook worker: 2 pool processes, 1 whole")
    ids = harness.client.submit("webhooks", result.articles)
    for number in range(3):
        harness.wait_for_share(ids, (number + 1) / 4)
        worker = harness.stack.pid("webhook-worker")
        pool = faults.descendants(worker)
        faults.kill(worker if number == 2 else (pool[0] if pool else worker))
        killed, delivered = time.monotonic(), len(Receiver.received)
        # Deliveries going out again: a new one arrives (articles are still being processed, so events keep coming).
        while len(Receiver.received) <= delivered and time.monotonic() - killed < 600:
            time.sleep(0.1)
        harness.recoveries.append(time.monotonic() - killed)
    harness.rows.wait_finished(ids, FINISH_TIMEOUT)
    expected = {row[0] for row in harness.rows.query("SELECT id FROM deliveries")}
    deadline = time.monotonic() + 600
    while not expected <= set(Receiver.received) and time.monotonic() < deadline:
        time.sleep(1)
    done = harness.finish(result, ids)
    missing = len(expected - set(Receiver.received))
    repeats = len(Receiver.received) - len(set(Receiver.received))
    done.notes.append(
        f"{len(expected)} events, {missing} never delivered, {repeats} duplicate deliveries (same webhook-id)"
    )
    server.shutdown()
    return done


def run_soak(seconds: float) -> Result:
    """POST, GET and search mixed for a while: error rate and p99 latency."""
    harness = Harness("soak")
    result = Result("soak", 0, f"none: {seconds / 60:.0f}-minute mixed soak")
    latencies: list[float] = []
    errors = 0
    ids: list[str] = []
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def loop(kind: str) -> None:
        nonlocal errors
        number = 0
        while time.monotonic() < stop:
            number += 1
            started = time.perf_counter()
            if kind == "post":
                body = {"text": f"{faults.SEED.read_text()}\n\nSoak {kind} {threading.get_ident()} {number}.",
                        "source": "reliability-soak"}  # fmt: skip
                status, answer = harness.client.call("POST", "/v1/articles", body)
                if status == 202:
                    with lock:
                        ids.append(answer["id"])
            elif kind == "get" and ids:
                status, _ = harness.client.call("GET", f"/v1/articles/{ids[number % len(ids)]}")
            else:
                status, _ = harness.client.call("GET", "/v1/articles?q=Ukraine&limit=20")
            with lock:
                latencies.append(time.perf_counter() - started)
                errors += status >= 500
            # Posting about as fast as the stack parses (2 processes), reading as fast as it answers.
            time.sleep(1.0 if kind == "post" else 0.05)

    kinds = ("post", "post", "get", "get", "search")
    threads = [threading.Thread(target=loop, args=(kind,), daemon=True) for kind in kinds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.articles = len(ids)
    done = harness.finish(result, ids)
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 100 else max(latencies, default=0)
    done.notes.append(
        f"{len(latencies)} requests, {errors / max(len(latencies), 1):.2%} errors, p99 {p99 * 1000:.0f} ms"
    )
    return done


def run_hostile(scale: float) -> Result:
    """The hostile inputs of `bench/reliability/hostile.py` against the stack: each answered within its bound, and
    every document the API accepted finished (`done` or `failed`), none lost."""
    harness = Harness("hostile")
    quote_counts = tuple(max(1_000, round(count * scale)) for count in (1_000_000, 3_000_000))
    rows = hostile.run(harness.client.base_url, harness.client.key, quote_counts=quote_counts)
    result = Result("hostile", len(rows), f"{len(rows)} hostile inputs (oversized, deep, binary, compressed, quotes)")
    result.unexpected = sum(not row.ok for row in rows)
    for row in rows:
        answer = f"{row.status}" + (f" {row.problem_type}" if row.problem_type else "")
        if row.final_status:
            answer += f", {row.final_status} in {row.seconds:.1f} s, result {row.result_bytes or 0:,} B"
        result.notes.append(f"{row.case}: {answer}" + ("" if row.ok else f" (NOT {row.expected})"))
    accepted = [article_id for (article_id,) in harness.rows.query("SELECT id FROM articles WHERE source = 'hostile'")]
    return harness.finish(result, accepted)


RUNS = {
    "kills": run_kills,
    "redis": run_redis,
    "postgres": run_postgres,
    "poison": run_poison,
    "webhooks": run_webhooks,
    "hostile": run_hostile,
}


def table(results: list[Result]) -> str:
    lines = [
        "| run | articles | faults injected | accepted | stored | lost | duplicated | processed more than once "
        "| slowest recovery | peak memory | notes |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.run} | {r.articles:,} | {r.faults} | {r.accepted:,} | {r.stored:,} | {r.lost} | {r.duplicated} "
            f"| {r.processed_twice} | {r.slowest_recovery:.1f} s | {r.peak_memory_mb:,.0f} MB | {'; '.join(r.notes)} |"
        )
    return "\n".join(lines)


def remember(result: Result, scale: float) -> list[Result]:
    """Store this run's result beside the others' latest; returns them all, in the runs' order."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT, capture_output=True, text=True)
    saved = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {commit.stdout.strip()}, scale {scale:g}"
    saved[result.run] = {**asdict(result), "notes": [*result.notes, when]}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(saved, indent=1))
    order = [*RUNS, "soak"]
    return [Result(**saved[name]) for name in sorted(saved, key=lambda name: order.index(name))]


def write_report(results: list[Result]) -> None:
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    section = (
        f"{SECTION}\n\n`make reliability` on {platform.node()} ({os.cpu_count()} cores, {memory_gb:.0f} GiB, Python "
        f"{platform.python_version()}, shared with other suites); each row says when it was measured, at which "
        f"commit and scale (1 is the full size: 10,000, 5,000 and 2,000 articles, about two hours here).\n\n"
        f"{table(results)}\n"
    )
    text = REPORT.read_text()
    before, _, rest = text.partition(SECTION)
    after = rest[rest.find("\n## ") :] if "\n## " in rest else ""
    REPORT.write_text(before.rstrip() + "\n\n" + section + after)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the full article counts")
    parser.add_argument("--runs", default=",".join([*RUNS, "soak"]))
    parser.add_argument("--soak-seconds", type=float, default=600)
    arguments = parser.parse_args()
    # Stopped (SIGTERM), the runner still stops its stack and leaves Redis and PostgreSQL running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results: list[Result] = []
    reported: list[Result] = []
    try:
        for name in arguments.runs.split(","):
            result = run_soak(arguments.soak_seconds) if name == "soak" else RUNS[name](arguments.scale)
            results.append(result)
            reported = remember(result, arguments.scale)
            print(table([result]).splitlines()[-1], flush=True)
    finally:
        if Harness.current is not None:
            Harness.current.stack.stop_all()
        faults.ensure_servers_running()
    print(table(results))
    write_report(reported)
    kept = all(r.lost == 0 and r.duplicated == 0 and r.unexpected == 0 and r.slowest_recovery < 60 for r in results)
    return 0 if kept else 1


if __name__ == "__main__":
    sys.exit(main())
