"""`ingest run` (the embedded default: SQLite, the filesystem queue, its own workers) survives SIGKILL of its pool
process, idle or busy, and of a whole worker: every article held is done again within a minute."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import processes, services
from tests.e2e.conftest import free_port
from tests.receivers import receiver

pytestmark = pytest.mark.integration

# Recovery must come within this many seconds of the kill.
RECOVERY_SECONDS = 60
# Copies of the seed article in one that takes the parsing worker well over a webhook retry's 5 s (about 11 s).
SLOW_COPIES = 80


class RunningService:
    """`ingest run --no-seed` in its own var directory, spoken to over real HTTP with its local key."""

    def __init__(self, tmp: Path) -> None:
        var = tmp / "var"
        self.base = f"http://127.0.0.1:{free_port()}"
        env = {
            "INGEST_VAR_DIR": str(var),
            "INGEST_DATABASE_URL": f"sqlite:///{var / 'ingest.db'}",
            "INGEST_QUEUE_DIR": str(var / "queue"),
            "INGEST_BIND": self.base.removeprefix("http://"),
            "INGEST_METRICS_DIR": str(tmp / "metrics"),
            "INGEST_WORKER_METRICS_PORT": "0",
            "INGEST_LOG_FORMAT": "text",
            # The receivers of these tests listen on loopback, which the SSRF guard refuses unless allowed.
            "INGEST_WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.1/32"]',
            # A message lost with a worker killed whole is sent again sooner than the production defaults would.
            "INGEST_STUCK_AFTER_SECONDS": "5",
            "INGEST_RECONCILE_EVERY_SECONDS": "2",
        }
        self.process = services.ServiceProcess(["run", "--no-seed"], env, tmp / "run.log")
        self.process.wait_for_log("The ingestion service is running", timeout=120)
        self.key = (var / "local-api-key").read_text().strip()
        self.sequence = 0

    def request(
        self, method: str, path: str, body: bytes | None = None, content_type: str = "text/plain; charset=utf-8"
    ) -> dict[str, Any]:
        request = urllib.request.Request(self.base + path, data=body, method=method)
        request.add_header("Authorization", f"Bearer {self.key}")
        if body is not None:
            request.add_header("Content-Type", content_type)
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read())  # type: ignore[no-any-return]

    def submit(self, copies: int = 1) -> str:
        """A new article: the seed article `copies` times over (more copies, longer to parse), made unique."""
        self.sequence += 1
        body = services.SEED_ARTICLE.read_bytes() * copies + f"\n\nRecovery note {self.sequence}.\n".encode()
        return str(self.request("POST", "/v1/articles?source=recovery", body)["id"])

    def status(self, article_id: str) -> str:
        return str(self.request("GET", f"/v1/articles/{article_id}")["status"])

    def wait_for(self, article_id: str, statuses: tuple[str, ...], timeout: float, interval: float = 0.3) -> str:
        return services.wait_until(  # type: ignore[no-any-return]
            lambda: (status := self.status(article_id)) in statuses and status,
            timeout,
            interval=interval,
            message=f"article {article_id} in {statuses}",
        )

    def parse_worker(self) -> int:
        worker = services.wait_until(
            lambda: processes.worker_of(self.process.process.pid, "ingest"), 60, message="the parsing worker"
        )
        return int(worker)

    def pool_process(self) -> int:
        worker = self.parse_worker()
        return int(services.wait_until(lambda: processes.pool_process(worker), 60, message="its pool process"))


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningService]:
    running = RunningService(tmp_path_factory.mktemp("run"))
    yield running
    running.process.stop()


def test_killed_pool_processes_and_workers_never_leave_it_hung(service: RunningService) -> None:
    service.wait_for(service.submit(), ("done",), timeout=120)  # the pool process has loaded its models

    # Idle, the pool process waits for work holding the pool's task lock: killed then, it must not take the lock
    # with it (billiard's own lock would leave its replacement waiting forever).
    processes.kill(service.pool_process())
    after_idle_kill = service.submit()
    assert service.wait_for(after_idle_kill, ("done", "failed"), RECOVERY_SECONDS) == "done"

    # Busy: the article it held is processed again (a second attempt), and what waits behind it goes on.
    held = service.submit(copies=6)
    waiting = [service.submit() for _ in range(2)]
    service.wait_for(held, ("processing",), timeout=120, interval=0.05)
    processes.kill(service.pool_process())
    assert service.wait_for(held, ("done", "failed"), RECOVERY_SECONDS) == "done"
    for article_id in waiting:
        assert service.wait_for(article_id, ("done", "failed"), RECOVERY_SECONDS) == "done"

    # The whole worker: `ingest run` starts it again, and what it held (its message gone with it) is sent again.
    held = service.submit(copies=6)
    waiting = [service.submit() for _ in range(2)]
    service.wait_for(held, ("processing",), timeout=120, interval=0.05)
    worker = service.parse_worker()
    pool = processes.pool_process(worker)
    processes.kill(worker)
    services.wait_until(lambda: pool is None or not processes.alive(pool), 10, message="the pool died with its worker")
    assert service.wait_for(held, ("done", "failed"), RECOVERY_SECONDS) == "done"
    for article_id in waiting:
        assert service.wait_for(article_id, ("done", "failed"), RECOVERY_SECONDS) == "done"
    assert "starting it again" in service.process.log()


def test_deliveries_and_their_retries_go_out_while_articles_queue(service: RunningService) -> None:
    """On a consumer of their own: a retry does not wait for the article being parsed, nor for those queued."""
    service.wait_for(service.submit(), ("done",), timeout=120)  # models loaded: the backlog below moves steadily
    with receiver(500) as target:
        subscription = json.dumps({"url": target.url(), "events": ["article.processed"]}).encode()
        service.request("POST", "/v1/subscriptions", subscription, content_type="application/json")
        # Its event fails; the retry is planned 5 s later.
        service.wait_for(service.submit(), ("done",), timeout=60, interval=0.05)
        # Parsed for longer than that (about 0.14 s a copy): the parsing worker is busy until after the retry is due.
        slow = service.submit(copies=SLOW_COPIES)
        backlog = [service.submit() for _ in range(10)]

        def retried() -> bool:
            # A retry repeats its webhook-id.
            ids = [request.headers["webhook-id"] for request in list(target.requests)]
            return len(ids) > len(set(ids))

        services.wait_until(retried, 60, interval=0.1, message="a retried delivery")
        slow_status = service.status(slow)
        still_waiting = [article_id for article_id in backlog if service.status(article_id) != "done"]

    assert slow_status == "processing", "the retry went out only once the article being parsed was done"
    assert still_waiting, "the first retry went out only once every queued article was processed"
