"""PostgreSQL + Redis with real worker processes, through SIGKILL and outages: every article held is processed again
within a minute, by the same message, and outages pause the worker instead of failing articles.

The outages cut a TCP proxy between one process and its server, so suites sharing this machine's servers go on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from service.articles.models import Article
from tests import processes, services
from tests.conftest import keyed_client
from tests.e2e.conftest import Stack, _stack, production_services
from tests.proxy import OutageProxy, outage_proxy

pytestmark = pytest.mark.integration

RECOVERY_SECONDS = 60
# Short periods, so a test sees in seconds what production does within a minute.
FAST_RECOVERY = {
    "BROKER_LEASE_SECONDS": "6",
    "BROKER_LEASE_RENEW_SECONDS": "2",
    "STUCK_AFTER_SECONDS": "3",
    "RECONCILE_EVERY_SECONDS": "2",
}
QUEUES = ("ingest", "ingest.again", "control")


@pytest.fixture(scope="module")
def recovery_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    with production_services("ingest_recovery") as config:
        yield from _stack("production", {**config, **FAST_RECOVERY}, tmp_path_factory.mktemp("recovery"))


class Articles:
    """Submits uniquely numbered articles to a stack and reads their rows."""

    sequence = 0

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def submit(self, copies: int = 1) -> str:
        Articles.sequence += 1
        body = services.SEED_ARTICLE.read_bytes() * copies + f"\n\nRecovery note {Articles.sequence}.\n".encode()
        response = self.stack.client.post("/v1/articles?source=recovery", data=body, content_type="text/plain")
        assert response.status_code == 202, response.get_json()
        return str(response.get_json()["id"])

    def row(self, article_id: str) -> Article:
        session = self.stack.app.extensions["db"].session_factory()
        try:
            article = session.scalars(select(Article).where(Article.id == article_id)).one()
            session.expunge(article)
            return article
        finally:
            session.close()

    def wait_for(self, article_id: str, statuses: tuple[str, ...], timeout: float, interval: float = 0.3) -> Article:
        return services.wait_until(  # type: ignore[no-any-return]
            lambda: (row := self.row(article_id)).status in statuses and row,
            timeout,
            interval=interval,
            message=f"article {article_id} in {statuses}",
        )


def broker_is_empty() -> bool:
    client = services.redis_client(services.redis_db("workers"))
    return not any(client.llen(queue) for queue in QUEUES) and not client.hlen("unacked")


def test_a_killed_pool_process_has_its_article_processed_again_first(recovery_stack: Stack) -> None:
    articles = Articles(recovery_stack)
    worker = recovery_stack.start_worker()
    try:
        held = articles.submit(copies=6)
        waiting = [articles.submit() for _ in range(3)]
        articles.wait_for(held, ("processing",), timeout=120, interval=0.05)
        processes.kill(int(services.wait_until(lambda: processes.pool_process(worker.process.pid), 30)))

        again = articles.wait_for(held, ("done", "failed"), RECOVERY_SECONDS)
        # Sent again ahead of the backlog: done before every article that waited behind it.
        assert again.status == "done" and again.attempts == 2
        later = [articles.wait_for(article_id, ("done",), RECOVERY_SECONDS) for article_id in waiting]
        assert all(again.processed_at < row.processed_at for row in later)
        services.wait_until(broker_is_empty, 30, message="no message left behind")
    finally:
        worker.stop()


def test_a_worker_killed_whole_has_its_messages_handed_back(recovery_stack: Stack) -> None:
    articles = Articles(recovery_stack)
    first = recovery_stack.start_worker()
    held = articles.submit(copies=6)
    articles.wait_for(held, ("processing",), timeout=120, interval=0.05)
    pool = processes.pool_process(first.process.pid)
    processes.kill(first.process.pid)
    first.stop()
    services.wait_until(lambda: pool is None or not processes.alive(pool), 10, message="the pool died with it")
    # Its message sits unacknowledged in Redis, for an hour by kombu's visibility timeout.
    assert services.redis_client(services.redis_db("workers")).hlen("unacked") >= 1

    second = recovery_stack.start_worker()
    try:
        again = articles.wait_for(held, ("done", "failed"), RECOVERY_SECONDS)
        assert again.status == "done" and again.attempts == 2
        services.wait_until(broker_is_empty, 30, message="no message left behind")
        # The same message came back; the reconciler sent no second one.
        assert "re-sent" not in second.log()
        assert second.log().count(f"processing article {held}") == 1
    finally:
        second.stop()


def test_a_document_that_kills_its_worker_every_time_is_failed_and_its_neighbours_done(
    recovery_stack: Stack,
) -> None:
    articles = Articles(recovery_stack)
    worker = recovery_stack.start_worker()
    try:
        poison = articles.submit(copies=6)
        neighbours = [articles.submit() for _ in range(2)]
        for attempt in (1, 2):  # the document "kills" every process that parses it

            def parsing(attempt: int = attempt) -> bool:
                row = articles.row(poison)
                return row.status == "processing" and row.attempts == attempt

            services.wait_until(parsing, 120, interval=0.05, message=f"attempt {attempt} at the poison article")
            processes.kill(int(services.wait_until(lambda: processes.pool_process(worker.process.pid), 30)))

        failed = articles.wait_for(poison, ("failed", "done"), RECOVERY_SECONDS)
        assert failed.status == "failed" and failed.error and failed.error["code"] == "worker_lost"
        for article_id in neighbours:
            assert articles.wait_for(article_id, ("done", "failed"), RECOVERY_SECONDS).status == "done"
    finally:
        worker.stop()


def _worker_through(stack: Stack, proxy: OutageProxy, setting: str, url: str, *extra: str) -> services.ServiceProcess:
    host_and_port = url.split("@")[-1].split("/")[0]
    proxied = url.replace(host_and_port, f"127.0.0.1:{proxy.port}")
    env = {**stack.env, f"INGEST_{setting}": proxied}
    worker = services.ServiceProcess(["worker", "--concurrency", "1", *extra], env, stack.tmp / f"{setting}.log")
    worker.wait_for_log("ready.", timeout=90)
    return worker


def test_a_database_outage_pauses_the_worker_and_fails_nothing(recovery_stack: Stack) -> None:
    articles = Articles(recovery_stack)
    url = str(recovery_stack.app.config["DATABASE_URL"])
    with outage_proxy("127.0.0.1", 5432) as proxy:
        worker = _worker_through(recovery_stack, proxy, "DATABASE_URL", url)
        try:
            articles.wait_for(articles.submit(), ("done",), timeout=120)
            proxy.cut()
            during = [articles.submit() for _ in range(4)]
            worker.wait_for_log("database unreachable", timeout=60)
            proxy.restore()
            for article_id in during:
                row = articles.wait_for(article_id, ("done", "failed"), RECOVERY_SECONDS)
                assert row.status == "done" and row.attempts == 1
        finally:
            worker.stop()
    # It waited, probing with backoff, instead of spinning retries.
    assert worker.log().count("retry: Retry in") < 10


def test_articles_posted_while_redis_is_down_are_processed_once_it_returns(recovery_stack: Stack) -> None:
    from service import create_app

    broker_url = str(recovery_stack.app.config["BROKER_URL"])
    worker = recovery_stack.start_worker("--beat")
    with outage_proxy("127.0.0.1", services.REDIS_PORT) as proxy:
        proxied = broker_url.replace(f"{services.REDIS_HOST}:{services.REDIS_PORT}", f"127.0.0.1:{proxy.port}")
        api = create_app({**_app_config(recovery_stack), "BROKER_URL": proxied, "BROKER_CONNECT_TIMEOUT_SECONDS": 1})
        try:
            client = keyed_client(api)
            proxy.cut()
            body = services.SEED_ARTICLE.read_bytes() + b"\n\nPosted while Redis was down.\n"
            response = client.post("/v1/articles?source=redis-down", data=body, content_type="text/plain")
            assert response.status_code == 202
            proxy.restore()
            row = Articles(recovery_stack).wait_for(response.get_json()["id"], ("done", "failed"), RECOVERY_SECONDS)
            assert row.status == "done" and row.attempts == 1
        finally:
            api.extensions["db"].dispose()
            worker.stop()


def _app_config(stack: Stack) -> dict[str, Any]:
    keys = ("DATABASE_URL", "METRICS_DIR", "WORKER_METRICS_PORT", *FAST_RECOVERY)
    return {key: stack.app.config[key] for key in keys}
