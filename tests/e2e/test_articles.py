"""POST an article, let a real worker process it, read it back: on PostgreSQL + Redis and on the embedded default."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from service.access.models import DEFAULT_TENANT_ID
from service.articles.models import Article, ArticleStatus, RawDocument
from tests import services
from tests.e2e.conftest import Stack
from tests.seed_expectations import check_seed_article

pytestmark = pytest.mark.integration

ROOT = services.PROJECT_ROOT
SEED = ROOT / "seeds" / "000_58a277481ee7be65.txt"


@pytest.fixture(scope="module")
def worker(stack: Stack):  # type: ignore[no-untyped-def]
    process = stack.start_worker()
    yield process
    process.stop()


def test_seed_article_goes_through_the_worker(stack: Stack, worker) -> None:  # type: ignore[no-untyped-def]
    request_id = f"e2e-trace-{stack.name}"
    response = stack.client.post(
        "/v1/articles?published_at=2022-03-07T09:00:00%2B00:00&source=e2e-seed",
        data=SEED.read_bytes(),
        content_type="text/plain; charset=utf-8",
        headers={"X-Request-ID": request_id},
    )
    assert response.status_code == 202, response.data

    article = stack.wait_for_status(response.get_json()["id"])

    assert article["status"] == "done", article.get("error")
    check_seed_article(article)
    assert article["published_at"] == "2022-03-07T09:00:00+00:00"
    assert article["parser_version"] and article["processed_at"]
    assert article["fingerprints"]["content_sha256"]
    # The request id went with the article into its task's JSON log lines.
    task_lines = [json.loads(line) for line in worker.log().splitlines() if line.startswith("{")]
    assert any(
        line.get("request_id") == request_id and response.get_json()["id"] in line["message"] for line in task_lines
    )
    # The worker serves its own metrics, summed over its pool processes.
    port = stack.app.config["WORKER_METRICS_PORT"]
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as answer:
        exposition = answer.read().decode()
    assert 'ingest_tasks_total{outcome="done",task="workers.tasks.process_article"}' in exposition
    assert "ingest_task_duration_seconds_bucket" in exposition


def test_unreadable_document_is_failed_with_a_reason(stack: Stack, worker) -> None:  # type: ignore[no-untyped-def]
    response = stack.client.post(
        "/v1/articles", data="<html><body><script>x()</script></body></html>", content_type="text/html"
    )

    article = stack.wait_for_status(response.get_json()["id"])

    assert article["status"] == "failed"
    assert article["error"]["code"] == "unparseable"
    assert "no article text" in article["error"]["detail"]
    assert stack.client.get(article["links"]["raw"]).data == b"<html><body><script>x()</script></body></html>"


def _insert_article(stack: Stack, status: str, attempts: int, started_minutes_ago: int) -> str:
    session = stack.app.extensions["db"].session_factory()
    started = datetime.now(UTC) - timedelta(minutes=started_minutes_ago)
    article = Article(
        tenant_id=DEFAULT_TENANT_ID,
        status=status,
        source="crash-test",
        input_sha256=f"{status}{attempts}".ljust(64, "0"),
        attempts=attempts,
        processing_started_at=started,
        received_at=started,
        updated_at=started,
        declared_format="text",
        raw=RawDocument(content_type="text/plain", body=SEED.read_bytes(), size=SEED.stat().st_size),
    )
    session.add(article)
    session.commit()
    article_id = article.id
    session.close()
    return article_id


def test_articles_of_a_crashed_worker_are_processed_again_once(stack: Stack) -> None:
    # A worker died mid-task once (attempts=1) and twice (attempts=2); their messages are gone. A new worker
    # reconciles at start: the first is processed again, the second is failed instead of crashing a third worker.
    crashed_once = _insert_article(stack, ArticleStatus.PROCESSING, attempts=1, started_minutes_ago=60)
    crashed_twice = _insert_article(stack, ArticleStatus.PROCESSING, attempts=2, started_minutes_ago=60)
    lost_message = _insert_article(stack, ArticleStatus.QUEUED, attempts=0, started_minutes_ago=60)

    process = stack.start_worker()
    try:
        retried = stack.wait_for_status(crashed_once)
        failed = stack.wait_for_status(crashed_twice)
        requeued = stack.wait_for_status(lost_message)
    finally:
        process.stop()

    assert retried["status"] == "done"
    assert failed["status"] == "failed" and failed["error"]["code"] == "worker_lost"
    assert requeued["status"] == "done"
    session = stack.app.extensions["db"].session_factory()
    attempts = dict(session.execute(select(Article.id, Article.attempts).where(Article.source == "crash-test")).all())
    session.close()
    assert attempts[crashed_once] == 2
    assert attempts[lost_message] == 1
