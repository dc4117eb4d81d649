"""What the console's operations page reads: throughput per minute and the workers seen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask

from service.access.models import DEFAULT_TENANT_ID
from service.articles.models import Article, ArticleStatus
from service.ops.activity import processed_per_minute
from service.ops.workers import workers_seen


def finished_article(session: Any, processed_at: datetime, status: str = ArticleStatus.DONE) -> None:
    session.add(
        Article(
            tenant_id=DEFAULT_TENANT_ID,
            status=status,
            source="throughput",
            input_sha256=f"{processed_at.timestamp()}{status}".ljust(64, "0")[:64],
            processed_at=processed_at,
        )
    )
    session.commit()


def test_articles_finished_are_counted_per_minute_oldest_first(db_session: Any) -> None:
    now = datetime(2026, 3, 7, 12, 0, 30, tzinfo=UTC)
    finished_article(db_session, now - timedelta(seconds=10))
    finished_article(db_session, now - timedelta(seconds=20), ArticleStatus.FAILED)
    finished_article(db_session, now - timedelta(minutes=5, seconds=1))
    finished_article(db_session, now - timedelta(minutes=61))

    counts = processed_per_minute(db_session, DEFAULT_TENANT_ID, now)

    assert len(counts) == 60 and sum(counts) == 3
    assert counts[-1] == 2 and counts[-6] == 1
    assert processed_per_minute(db_session, "another-tenant", now) == [0] * 60


def test_the_filesystem_queue_cannot_tell_which_workers_are_there(app: Flask) -> None:
    embedded = Flask("embedded")
    embedded.config["BROKER_URL"] = "filesystem://"

    assert workers_seen(embedded) is None
