"""Claims: which task message may process an article, so that two messages never both do and a crash is retried once.

A message claims an article with a conditional update naming itself (`claim_token`: task id and retry number). The
same message arriving again means its worker died mid-task; another message finding a live claim leaves it alone;
a claim older than the hard time limit has no living holder and is taken over.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Update, func, update
from sqlalchemy.orm import Session

from service.articles.models import Article, ArticleStatus
from service.database import utcnow

log = logging.getLogger(__name__)

# Conditional updates lost to a concurrent message before we stop trying (the winner processes the article).
CLAIM_RACES = 3


@dataclass(frozen=True)
class ClaimToken:
    """Which message claims an article: its task id, and the retry number of that task."""

    task_id: str
    retry: int = 0

    def __str__(self) -> str:
        return f"{self.task_id}:{self.retry}"

    @classmethod
    def new(cls) -> ClaimToken:
        return cls(uuid.uuid4().hex)

    def is_earlier_try_of_same_task(self, stored: str | None) -> bool:
        task_id, _, retry = (stored or "").rpartition(":")
        return task_id == self.task_id and retry != str(self.retry)


@dataclass(frozen=True)
class ClaimPolicy:
    """How many crashes an article may cause, and when a claim is old enough that its holder must be dead."""

    max_attempts: int = 2
    stale_after: timedelta = timedelta(minutes=5)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> ClaimPolicy:
        # Past the hard time limit (and a little slack for the kill itself) no holder can still be running.
        stale_after = timedelta(seconds=config["TASK_TIME_LIMIT"] + 30)
        return cls(max_attempts=config["MAX_PROCESSING_ATTEMPTS"], stale_after=stale_after)


class ClaimDecision:
    CLAIM = "claim"  # the article is ours, a new attempt
    RECLAIM = "reclaim"  # ours again after our own transient failure: not a new attempt
    GIVE_UP = "give_up"  # earlier holders all died: fail it rather than kill another worker
    SKIP = "skip"  # finished, or another live message holds it


def decide_claim(article: Article, token: ClaimToken, policy: ClaimPolicy, *, reprocess: bool, now: datetime) -> str:
    """What a message may do with an article, given the article's state at `now` (a pure decision, no I/O)."""
    if article.status == ArticleStatus.QUEUED:
        return ClaimDecision.CLAIM
    if article.status in (ArticleStatus.DONE, ArticleStatus.FAILED):
        return ClaimDecision.CLAIM if reprocess else ClaimDecision.SKIP
    if token.is_earlier_try_of_same_task(article.claim_token):
        return ClaimDecision.RECLAIM
    holder_died = article.claim_token == str(token) or (
        # Past the hard time limit no holder can still be running: the pool kills tasks at that limit.
        article.processing_started_at is not None and article.processing_started_at < now - policy.stale_after
    )
    if not holder_died:
        return ClaimDecision.SKIP
    return ClaimDecision.GIVE_UP if article.attempts >= policy.max_attempts else ClaimDecision.CLAIM


@dataclass
class Claim:
    """An article this message now holds; `given_up` when its earlier holders all died and it must be failed."""

    article: Article
    given_up: bool = False


def claim(
    session: Session, article_id: str, token: ClaimToken, policy: ClaimPolicy, *, reprocess: bool, now: datetime
) -> Claim | None:
    """Take the article for this message, or return None when there is nothing for it to do.

    The update is conditional on the state the decision was made from, so two messages racing for one article
    (a redelivery and a re-send, two workers, PostgreSQL or SQLite) cannot both win: the loser re-reads.
    """
    for _ in range(CLAIM_RACES):
        article = session.get(Article, article_id, populate_existing=True)
        if article is None:
            return None
        decision = decide_claim(article, token, policy, reprocess=reprocess, now=now)
        if decision == ClaimDecision.SKIP:
            session.rollback()
            return None
        seen = (
            (Article.id == article.id)
            & (Article.status == article.status)
            & (Article.attempts == article.attempts)
            & (func.coalesce(Article.claim_token, "") == (article.claim_token or ""))
        )
        if decision == ClaimDecision.GIVE_UP:
            values: dict[str, Any] = {"claim_token": str(token)}
        else:
            values = {
                "status": ArticleStatus.PROCESSING,
                "attempts": article.attempts + (1 if decision == ClaimDecision.CLAIM else 0),
                "claim_token": str(token),
                "processing_started_at": now,
                "updated_at": now,
            }
        if _updated_rows(session, update(Article).where(seen).values(**values)) == 1:
            session.commit()
            session.refresh(article)
            return Claim(article, given_up=decision == ClaimDecision.GIVE_UP)
        session.rollback()
    log.warning("gave up claiming article %s after repeated races", article_id)
    return None


def _updated_rows(session: Session, statement: Update) -> int:
    return cast("CursorResult[Any]", session.execute(statement)).rowcount


def release(session: Session, article_id: str, token: ClaimToken) -> None:
    """Hand an article back to the queue after a transient failure, so the retry is not counted as a crash."""
    session.rollback()
    session.execute(
        update(Article)
        .where(Article.id == article_id, Article.claim_token == str(token), Article.status == ArticleStatus.PROCESSING)
        .values(status=ArticleStatus.QUEUED, attempts=Article.attempts - 1, claim_token=None, updated_at=utcnow())
    )
    session.commit()
