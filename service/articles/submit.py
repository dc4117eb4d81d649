"""Submitting documents: store the raw input, create the article row, and queue it after the commit."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.access.models import DEFAULT_TENANT_ID
from service.articles.models import Article, ArticleStatus, RawDocument
from service.celery import Message, Tasks, send_after_commit
from service.database import new_id
from service.subscriptions.events import record_event
from service.subscriptions.models import EventType
from service.web.schemas import parse_utc_timestamp

log = logging.getLogger(__name__)

DEFAULT_SOURCE = "api"
PUBLISHED_AT_HINT_LENGTH = 40
CONTENT_TYPE_LENGTH = 200


@dataclass
class Submission:
    """One document to ingest, exactly as received, with what the client said about it."""

    raw: bytes
    content_type: str
    declared_format: str = "auto"
    source: str = DEFAULT_SOURCE
    url: str | None = None
    external_id: str | None = None
    published_at: str | None = None
    language: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    tenant_id: str = DEFAULT_TENANT_ID
    request_id: str | None = None


@dataclass
class SubmitResult:
    article: Article
    duplicate: bool


def submission_from_json(data: dict[str, Any], **context: Any) -> Submission:
    """A Submission from a validated JSON body: the text or html field is the raw document."""
    is_html = "html" in data
    document = data["html"] if is_html else data["text"]
    declared = data.get("format", "auto")
    if declared == "auto":
        declared = "html" if is_html else "text"
    return Submission(
        raw=document.encode("utf-8"),
        content_type=("text/html" if is_html else "text/plain") + "; charset=utf-8",
        declared_format=declared,
        source=data.get("source") or DEFAULT_SOURCE,
        url=data.get("url"),
        external_id=data.get("external_id"),
        published_at=data.get("published_at"),
        language=data.get("language"),
        metadata=data.get("metadata") or {},
        **context,
    )


def find_duplicate(session: Session, submission: Submission, input_sha256: str) -> Article | None:
    return session.scalar(
        select(Article).where(
            Article.tenant_id == submission.tenant_id,
            Article.source == submission.source,
            Article.input_sha256 == input_sha256,
        )
    )


def submit(session: Session, submission: Submission) -> SubmitResult:
    """Store a submission and queue it; an exact duplicate returns the article already stored."""
    input_sha256 = hashlib.sha256(submission.raw).hexdigest()
    if existing := find_duplicate(session, submission, input_sha256):
        return _answer_duplicate(session, existing)
    article = _new_article(submission, input_sha256)
    session.add(article)
    send_after_commit(session, processing_message(article.id, request_id=submission.request_id))
    try:
        session.commit()
    except IntegrityError:
        # Two identical submissions raced; the unique constraint let one win, the other answers as a duplicate.
        session.rollback()
        existing = find_duplicate(session, submission, input_sha256)
        if existing is None:
            raise
        return _answer_duplicate(session, existing)
    return SubmitResult(article, duplicate=False)


def _answer_duplicate(session: Session, existing: Article) -> SubmitResult:
    # Subscribers hear of a duplicate of an article already stored, as for any other event.
    record_event(session, existing, EventType.DUPLICATE)
    session.commit()
    return SubmitResult(existing, duplicate=True)


def processing_message(article_id: str, request_id: str | None = None, *, reprocess: bool = False) -> Message:
    """The task message that processes an article; the request id follows it into the worker's logs."""
    return Message(
        Tasks.PROCESS_ARTICLE,
        (article_id,),
        kwargs={"reprocess": True} if reprocess else None,
        headers={"request_id": request_id} if request_id else None,
    )


@dataclass
class BatchOutcome:
    """The result for one item of a batch: an article (new or duplicate) or a problem."""

    index: int
    article: Article | None = None
    duplicate: bool = False
    problem: dict[str, Any] | None = None


def _storable_timestamp(value: str | None) -> str | None:
    """The client's timestamp as given, or in canonical UTC form when the given spelling is unusually long."""
    if value is None or len(value) <= PUBLISHED_AT_HINT_LENGTH:
        return value
    return parse_utc_timestamp(value).isoformat()


def _new_article(submission: Submission, input_sha256: str) -> Article:
    return Article(
        # Known before the flush, so its message can be recorded with the row.
        id=new_id(),
        tenant_id=submission.tenant_id,
        status=ArticleStatus.QUEUED,
        source=submission.source,
        url=submission.url,
        external_id=submission.external_id,
        declared_format=submission.declared_format,
        published_at_hint=_storable_timestamp(submission.published_at),
        language_hint=submission.language,
        client_metadata=submission.metadata,
        input_sha256=input_sha256,
        request_id=submission.request_id,
        raw=RawDocument(content_type=submission.content_type, body=submission.raw, size=len(submission.raw)),
    )


def submit_many(session: Session, items: list[tuple[int, Submission]], chunk_size: int) -> list[BatchOutcome]:
    """Store many submissions: one duplicate lookup and one commit per chunk, messages sent after each commit."""
    outcomes: list[BatchOutcome] = []
    for start in range(0, len(items), chunk_size):
        outcomes.extend(_submit_chunk(session, items[start : start + chunk_size]))
    return outcomes


def _submit_chunk(session: Session, chunk: list[tuple[int, Submission]]) -> list[BatchOutcome]:
    hashed = [(index, submission, hashlib.sha256(submission.raw).hexdigest()) for index, submission in chunk]
    tenant_id = chunk[0][1].tenant_id
    stored = {
        (article.source, article.input_sha256): article
        for article in session.scalars(
            select(Article).where(
                Article.tenant_id == tenant_id,
                Article.input_sha256.in_({digest for _, _, digest in hashed}),
            )
        )
    }
    stored_before = set(stored)
    outcomes: list[BatchOutcome] = []
    for index, submission, digest in hashed:
        key = (submission.source, digest)
        if key in stored:
            # Already stored, or earlier in this same batch: a duplicate either way.
            outcomes.append(BatchOutcome(index, stored[key], duplicate=True))
            if key in stored_before:
                # As for a single submission, subscribers hear of a duplicate of an article already stored.
                record_event(session, stored[key], EventType.DUPLICATE)
            continue
        article = _new_article(submission, digest)
        session.add(article)
        send_after_commit(session, processing_message(article.id, request_id=submission.request_id))
        stored[key] = article
        outcomes.append(BatchOutcome(index, article))
    try:
        session.commit()
    except IntegrityError:
        # A concurrent request stored one of these first: fall back to one transaction per item for this chunk.
        session.rollback()
        return [BatchOutcome(index, *_as_pair(submit(session, submission))) for index, submission in chunk]
    return outcomes


def _as_pair(result: SubmitResult) -> tuple[Article, bool]:
    return result.article, result.duplicate
