"""Processing one article: load it, run the pipeline, check the contract, store the result.

Plain functions over a session so the Celery task stays a thin wrapper and tests can call them directly.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from service import near_duplicates
from service.models import Article, ArticleStatus, utcnow
from service.schemas.articles import ProcessedArticleSchema
from service.subscriptions.events import enqueue_deliveries, record_event
from service.subscriptions.models import EventType
from workers.pipeline import PARSER_VERSION, UnparseableDocument, parse

log = logging.getLogger(__name__)

CONTRACT = ProcessedArticleSchema()


class Outcome:
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    MISSING = "missing"


def _fail(session: Session, article: Article, code: str, title: str, detail: str, **extra: Any) -> str:
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


def claim(session: Session, article_id: str, max_attempts: int, reprocess: bool = False) -> Article | None:
    """Mark the article as processing and count the attempt, or return None when there is nothing to do."""
    article = session.get(Article, article_id)
    if article is None:
        return None
    if article.status in (ArticleStatus.DONE, ArticleStatus.FAILED) and not reprocess:
        return None
    if article.status == ArticleStatus.PROCESSING and article.attempts >= max_attempts:
        # Every earlier attempt died without recording an outcome (killed worker, hard time limit, OOM):
        # processing it again would only kill another worker.
        _fail(
            session,
            article,
            "worker_lost",
            "Processing kept crashing",
            f"The worker processing this article stopped {article.attempts} times without finishing "
            "(killed, out of memory or over the hard time limit). Resubmit a smaller or simpler document.",
        )
        return None
    article.status = ArticleStatus.PROCESSING
    article.attempts += 1
    article.processing_started_at = utcnow()
    session.commit()
    return article


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


def process_article(session: Session, article_id: str, *, max_attempts: int = 2, reprocess: bool = False) -> str:
    """Parse, validate and store one article; safe to run twice (a finished article is left alone)."""
    article = claim(session, article_id, max_attempts, reprocess=reprocess)
    if article is None:
        return Outcome.MISSING if session.get(Article, article_id) is None else Outcome.SKIPPED
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
    article.result = stored
    article.title = parsed.get("title")
    article.status = ArticleStatus.DONE
    article.error = None
    article.parser_version = PARSER_VERSION
    article.processed_at = utcnow()
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
                (Article.status == ArticleStatus.PROCESSING) & (Article.processing_started_at < now - processing_for),
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
