"""What the pipeline got through lately: articles finished per minute, for the console's operations page."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.articles.models import Article, ArticleStatus


def processed_per_minute(session: Session, tenant_id: str, now: datetime, minutes: int = 60) -> list[int]:
    """Articles of the tenant finished (done or failed) in each of the last `minutes` minutes, oldest first."""
    since = now - timedelta(minutes=minutes)
    finished = session.scalars(
        select(Article.processed_at).where(
            Article.tenant_id == tenant_id,
            Article.status.in_((ArticleStatus.DONE, ArticleStatus.FAILED)),
            Article.processed_at > since,
            Article.processed_at <= now,
        )
    )
    counts = [0] * minutes
    for processed_at in finished:
        if processed_at is None:
            continue
        # Minutes ago, 0 being the current one; bucketed here because minute truncation differs per backend.
        minutes_ago = int((now - processed_at).total_seconds() // 60)
        if 0 <= minutes_ago < minutes:
            counts[minutes - 1 - minutes_ago] += 1
    return counts
