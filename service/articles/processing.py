"""Processing one article: load it, run the pipeline, check the contract, store the result.

Plain functions over a session so the Celery task stays a thin wrapper and tests can call them directly.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from celery.exceptions import SoftTimeLimitExceeded
from kombu.exceptions import OperationalError as BrokerUnavailable
from sqlalchemy import CursorResult, Update, delete, func, or_, select, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from service.articles import near_duplicates
from service.articles.models import Article, ArticleEntity, ArticleStatus, FingerprintBand
from service.articles.schemas import ProcessedArticleSchema
from service.articles.search import index_article
from service.database import utcnow
from service.subscriptions.events import enqueue_deliveries, record_event
from service.subscriptions.models import EventType
from workers.pipeline import PARSER_VERSION, UnparseableDocument, parse

log = logging.getLogger(__name__)

CONTRACT = ProcessedArticleSchema()

# Errors of the infrastructure, not of the document: the task retries them with backoff.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerUnavailable, ConnectionError)


class Outcome:
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    MISSING = "missing"


def _fail(session: Session, article: Article, code: str, title: str, detail: str, **extra: Any) -> str:
    # A reprocessed article that fails must not go on serving, matching and being found by its old result.
    article.result = None
    article.title = None
    session.execute(delete(ArticleEntity).where(ArticleEntity.article_id == article.id))
    session.execute(delete(FingerprintBand).where(FingerprintBand.article_id == article.id))
    article.status = ArticleStatus.FAILED
    article.error = {"code": code, "title": title, "detail": detail, **extra}
    article.processed_at = utcnow()
    article.parser_version = PARSER_VERSION
    # The event's deliveries commit with the outcome, and are sent only once both are stored.
    delivery_ids = record_event(session, article, EventType.FAILED)
    session.commit()
    enqueue_deliveries(delivery_ids)
    log.warning("article %s failed: %s: %s", article.id, code, detail)
    return Outcome.FAILED


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


class ClaimDecision:
    CLAIM = "claim"  # the article is ours, a new attempt
    RECLAIM = "reclaim"  # ours again after our own transient failure: not a new attempt
    GIVE_UP = "give_up"  # earlier holders all died: fail it rather than kill another worker
    SKIP = "skip"  # finished, or another live message holds it


def decide_claim(
    article: Article, token: ClaimToken, *, max_attempts: int, stale_after: timedelta, reprocess: bool, now: datetime
) -> str:
    """What a message may do with an article, given the article's state at `now` (a pure decision, no I/O)."""
    if article.status == ArticleStatus.QUEUED:
        return ClaimDecision.CLAIM
    if article.status in (ArticleStatus.DONE, ArticleStatus.FAILED):
        return ClaimDecision.CLAIM if reprocess else ClaimDecision.SKIP
    if token.is_earlier_try_of_same_task(article.claim_token):
        return ClaimDecision.RECLAIM
    holder_died = article.claim_token == str(token) or (
        # Past the hard time limit no holder can still be running: the pool kills tasks at that limit.
        article.processing_started_at is not None and article.processing_started_at < now - stale_after
    )
    if not holder_died:
        return ClaimDecision.SKIP
    return ClaimDecision.GIVE_UP if article.attempts >= max_attempts else ClaimDecision.CLAIM


def claim(
    session: Session,
    article_id: str,
    token: ClaimToken,
    *,
    max_attempts: int,
    stale_after: timedelta,
    reprocess: bool = False,
) -> Article | None:
    """Take the article for this message, or return None when there is nothing for it to do.

    The update is conditional on the state the decision was made from, so two messages racing for one article
    (a redelivery and a re-send, two workers, PostgreSQL or SQLite) cannot both win: the loser re-reads.
    """
    for _ in range(3):
        article = session.get(Article, article_id, populate_existing=True)
        if article is None:
            return None
        now = utcnow()
        decision = decide_claim(
            article, token, max_attempts=max_attempts, stale_after=stale_after, reprocess=reprocess, now=now
        )
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
            won = _updated_rows(session, update(Article).where(seen).values(claim_token=str(token))) == 1
            if won:
                session.refresh(article)
                _fail(
                    session,
                    article,
                    "worker_lost",
                    "Processing kept crashing",
                    f"The worker processing this article stopped {article.attempts} times without finishing "
                    "(killed, out of memory or over the hard time limit). Resubmit a smaller or simpler document.",
                )
                return None
            continue
        attempts = article.attempts + (1 if decision == ClaimDecision.CLAIM else 0)
        values = {
            "status": ArticleStatus.PROCESSING,
            "attempts": attempts,
            "claim_token": str(token),
            "processing_started_at": now,
            "updated_at": now,
        }
        if _updated_rows(session, update(Article).where(seen).values(**values)) == 1:
            session.commit()
            session.refresh(article)
            return article
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


def build_document(article: Article, parsed: dict[str, Any]) -> dict[str, Any]:
    """The contract document the API will serve once this result is stored."""
    return {
        **parsed,
        "id": article.id,
        "status": ArticleStatus.DONE,
        "source": article.source,
        "url": article.url,
        "external_id": article.external_id,
        "received_at": article.received_at.isoformat(),
        "processed_at": utcnow().isoformat(),
        "metadata": article.client_metadata or {},
        "canonical_url": parsed.get("canonical_url") or article.url,
        "duplicate_of": None,
        "near_duplicates": [],
        "error": None,
    }


def process_article(
    session: Session,
    article_id: str,
    *,
    max_attempts: int = 2,
    stale_after: timedelta = timedelta(minutes=5),
    reprocess: bool = False,
    token: ClaimToken | None = None,
) -> str:
    """Parse, validate and store one article; safe to run twice (a finished article is left alone)."""
    token = token or ClaimToken.new()
    article = claim(session, article_id, token, max_attempts=max_attempts, stale_after=stale_after, reprocess=reprocess)
    if article is None:
        return Outcome.MISSING if session.get(Article, article_id) is None else Outcome.SKIPPED
    try:
        return _parse_and_store(session, article)
    except TRANSIENT_ERRORS:
        try:
            release(session, article_id, token)
        except TRANSIENT_ERRORS:
            log.warning("could not hand article %s back; its retry will reclaim it", article_id)
        raise
    except Exception as error:  # after parsing: storing, indexing, events. Record it rather than leave it hanging.
        log.exception("storing article %s failed", article_id)
        session.rollback()
        stored = session.get(Article, article_id, populate_existing=True)
        if stored is None:
            return Outcome.MISSING
        return _fail(
            session,
            stored,
            "internal_error",
            "The parsed article could not be stored",
            f"{type(error).__name__}: {error}"[:1000],
        )


def _parse_and_store(session: Session, article: Article) -> str:
    raw = article.raw
    try:
        parsed = parse(
            raw.body,
            content_type=raw.content_type,
            declared_format=article.declared_format,
            url=article.url,
            published_at=article.published_at_hint,
            language=article.language_hint,
        )
    except UnparseableDocument as error:
        return _fail(session, article, "unparseable", "The document could not be read as an article", str(error))
    except SoftTimeLimitExceeded:
        return _fail(
            session,
            article,
            "timeout",
            "Processing took too long",
            "The parser did not finish within the time limit; the document may be unusually large or malformed.",
        )
    except Exception as error:  # a parser bug is deterministic for this input: record it, do not retry forever
        log.exception("parser crashed on article %s", article.id)
        return _fail(
            session,
            article,
            "parser_error",
            "The parser failed on this document",
            f"{type(error).__name__}: {error}"[:1000],
        )
    document = build_document(article, parsed)
    similar = near_duplicates.find(session, article, parsed.get("fingerprints") or {})
    document.update(duplicate_of=similar.duplicate_of, near_duplicates=similar.matches)
    if errors := CONTRACT.validate(document):
        return _fail(
            session,
            article,
            "contract_violation",
            "The parsed article broke the article contract",
            "The parser's output did not pass the article schema, so it was not stored.",
            messages=errors,
        )
    stored = {key: document[key] for key in parsed} | {
        "canonical_url": document["canonical_url"],
        "duplicate_of": document["duplicate_of"],
        "near_duplicates": document["near_duplicates"],
    }
    near_duplicates.index(session, article, parsed.get("fingerprints") or {})
    near_duplicates.link_back(session, article, similar)
    article.result = stored
    article.title = parsed.get("title")
    article.status = ArticleStatus.DONE
    article.error = None
    article.parser_version = PARSER_VERSION
    article.processed_at = utcnow()
    index_article(session, article)
    delivery_ids = record_event(session, article, EventType.PROCESSED)
    session.commit()
    enqueue_deliveries(delivery_ids)
    return Outcome.DONE


def find_stuck(session: Session, *, queued_for: timedelta, processing_for: timedelta, limit: int = 500) -> list[str]:
    """Ids of articles queued or processing for too long: their message was lost or their worker died."""
    now = utcnow()
    query = (
        select(Article.id)
        .where(
            or_(
                (Article.status == ArticleStatus.QUEUED) & (Article.updated_at < now - queued_for),
                (Article.status == ArticleStatus.PROCESSING)
                & (Article.processing_started_at < now - processing_for)
                # touch() marks a re-send; the next pass waits a whole period again instead of re-sending at once.
                & (Article.updated_at < now - processing_for),
            )
        )
        .order_by(Article.updated_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def touch(session: Session, article_ids: list[str]) -> None:
    """Restart the stuck clock of re-sent articles so the next pass does not send them again at once."""
    if article_ids:
        session.execute(update(Article).where(Article.id.in_(article_ids)).values(updated_at=utcnow()))
        session.commit()
