"""Submitting documents: store the raw input, create the article row, and queue it after the commit."""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import Executable, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.access.models import DEFAULT_TENANT_ID
from service.articles.models import Article, ArticleStatus, RawDocument
from service.celery import Message, Tasks, send_after_commit
from service.database import new_id, table, utcnow
from service.subscriptions.events import record_event
from service.subscriptions.models import EventType
from service.web.schemas import parse_utc_timestamp

log = logging.getLogger(__name__)

DEFAULT_SOURCE = "api"
PUBLISHED_AT_HINT_LENGTH = 40
CONTENT_TYPE_LENGTH = 200
# A duplicate deleted between our INSERT and our look-up of it sends us round again; more than this is a bug.
RACE_ATTEMPTS = 3
ARTICLES = table(Article)
RAW_INSERT = insert(table(RawDocument))
# Every column a new article is stored with (the rest are filled in by processing).
ARTICLE_COLUMNS = (
    "id",
    "tenant_id",
    "status",
    "source",
    "url",
    "external_id",
    "declared_format",
    "published_at_hint",
    "language_hint",
    "client_metadata",
    "input_sha256",
    "received_at",
    "updated_at",
    "attempts",
    "request_id",
)


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
    article: Article | NewArticle
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
    """Store a submission and queue it; an exact duplicate returns the article already stored.

    The INSERT itself detects the duplicate (ON CONFLICT DO NOTHING on the unique key), so a new article costs no
    look-up first, and two identical submissions racing each other still store one article.
    """
    input_sha256 = hashlib.sha256(submission.raw).hexdigest()
    for _ in range(RACE_ATTEMPTS):
        article = _new_article(submission, input_sha256)
        if _insert_articles(session, [article]):
            send_after_commit(session, processing_message(article.id, request_id=submission.request_id))
            session.commit()
            return SubmitResult(article, duplicate=False)
        if existing := find_duplicate(session, submission, input_sha256):
            return _answer_duplicate(session, existing)
        # The conflicting article was deleted between our INSERT and the look-up: try again.
        session.rollback()
    raise RuntimeError(f"could not store or find article {input_sha256} after {RACE_ATTEMPTS} attempts")


def _insert_articles(session: Session, articles: list[NewArticle]) -> set[str]:
    """INSERT the new articles and the raw inputs of those stored; returns the ids stored, leaving out exact
    duplicates of articles already there."""
    if session.get_bind().dialect.name == "postgresql":
        return _insert_articles_postgresql(session, articles)
    # Core statements with their parameters apart, so each is compiled once per process and the rows go in as one
    # multi-row INSERT each.
    rows = [{column: getattr(article, column) for column in ARTICLE_COLUMNS} for article in articles]
    stored = set(session.scalars(_article_insert(session.get_bind().dialect.name), rows))
    raw_rows = [
        {"article_id": article.id, "content_type": raw.content_type, "body": raw.body, "size": raw.size}
        for article in _raw_stored(articles, stored)
        if (raw := article.raw)
    ]
    if raw_rows:
        session.execute(RAW_INSERT, raw_rows)
    return stored


# On PostgreSQL the rows go in as arrays, one per column, unnested into a single INSERT: a statement of a fixed size
# whatever the number of rows (a multi-row VALUES list of a thousand rows is a new statement of 15,000 parameters for
# the driver to parse every time), and the raw inputs, which cannot conflict, by binary COPY.
ARRAY_TYPES = {
    "client_metadata": "jsonb[]",
    "received_at": "timestamptz[]",
    "updated_at": "timestamptz[]",
    "attempts": "int[]",
}
ARRAY_PARAMETERS = ", ".join(f"%s::{ARRAY_TYPES.get(column, 'text[]')}" for column in ARTICLE_COLUMNS)
ARTICLES_FROM_ARRAYS = (
    f"INSERT INTO articles ({', '.join(ARTICLE_COLUMNS)}) SELECT * FROM unnest({ARRAY_PARAMETERS}) "
    "ON CONFLICT (tenant_id, source, input_sha256) DO NOTHING RETURNING id"
)
RAW_COPY = "COPY raw_documents (article_id, content_type, body, size) FROM STDIN (FORMAT BINARY)"
RAW_COPY_TYPES = ["text", "text", "bytea", "int4"]


def _insert_articles_postgresql(session: Session, articles: list[NewArticle]) -> set[str]:
    columns: list[list[Any]] = [[] for _ in ARTICLE_COLUMNS]
    for article in articles:
        for values, column in zip(columns, ARTICLE_COLUMNS, strict=True):
            values.append(getattr(article, column))
    metadata = ARTICLE_COLUMNS.index("client_metadata")
    columns[metadata] = [Jsonb(value) for value in columns[metadata]]
    # The session's own connection, so the rows are part of its transaction.
    connection = session.connection().connection.driver_connection
    assert connection is not None
    with connection.cursor() as cursor:
        cursor.execute(ARTICLES_FROM_ARRAYS, columns)
        stored = {row[0] for row in cursor.fetchall()}
        with cursor.copy(RAW_COPY) as copy:
            copy.set_types(RAW_COPY_TYPES)
            for article in _raw_stored(articles, stored):
                raw = article.raw
                copy.write_row((article.id, raw.content_type, raw.body, raw.size))
    return stored


def _raw_stored(articles: list[NewArticle], stored: set[str]) -> list[NewArticle]:
    return [article for article in articles if article.id in stored]


@functools.cache
def _article_insert(dialect: str) -> Executable:
    """INSERT ... ON CONFLICT (tenant, source, input hash) DO NOTHING RETURNING id, in the dialect's spelling."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ARTICLES)
    return statement.on_conflict_do_nothing(index_elements=["tenant_id", "source", "input_sha256"]).returning(
        ARTICLES.c.id
    )


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
    article: Article | NewArticle | None = None
    duplicate: bool = False
    problem: dict[str, Any] | None = None


def _storable_timestamp(value: str | None) -> str | None:
    """The client's timestamp as given, or in canonical UTC form when the given spelling is unusually long."""
    if value is None or len(value) <= PUBLISHED_AT_HINT_LENGTH:
        return value
    return parse_utc_timestamp(value).isoformat()


@dataclass
class RawInput:
    content_type: str
    body: bytes
    size: int


@dataclass
class NewArticle:
    """An article about to be stored: the columns it is INSERTed with, and what answers the client afterwards
    (`contract.identity`). A plain object: building an ORM instance per article cost more than storing it."""

    id: str
    tenant_id: str
    status: str
    source: str
    url: str | None
    external_id: str | None
    declared_format: str
    published_at_hint: str | None
    language_hint: str | None
    client_metadata: dict[str, Any]
    input_sha256: str
    received_at: datetime
    updated_at: datetime
    attempts: int
    request_id: str | None
    raw: RawInput
    # Not processed yet: what a stored article says in these is filled in by its worker.
    processed_at: datetime | None = None
    parser_version: str | None = None
    error: dict[str, Any] | None = None


def _new_article(submission: Submission, input_sha256: str) -> NewArticle:
    now = utcnow()
    return NewArticle(
        # Known before the INSERT, so its message can be recorded with the row.
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
        received_at=now,
        updated_at=now,
        attempts=0,
        request_id=submission.request_id,
        raw=RawInput(content_type=submission.content_type, body=submission.raw, size=len(submission.raw)),
    )


def submit_many(session: Session, items: list[tuple[int, Submission]], chunk_size: int) -> list[BatchOutcome]:
    """Store many submissions: one duplicate lookup and one commit per chunk, messages sent after each commit."""
    outcomes: list[BatchOutcome] = []
    for start in range(0, len(items), chunk_size):
        outcomes.extend(_submit_chunk(session, items[start : start + chunk_size]))
    return outcomes


def _submit_chunk(session: Session, chunk: list[tuple[int, Submission]]) -> list[BatchOutcome]:
    hashed = [(index, submission, hashlib.sha256(submission.raw).hexdigest()) for index, submission in chunk]
    # The first of several identical items in one batch is stored; the others are its duplicates.
    first: dict[tuple[str, str, str], NewArticle] = {}
    for _, submission, digest in hashed:
        key = (submission.tenant_id, submission.source, digest)
        if key not in first:
            first[key] = _new_article(submission, digest)
    stored_ids = _insert_articles(session, list(first.values()))
    already = _stored_articles(session, [key for key, article in first.items() if article.id not in stored_ids])
    outcomes: list[BatchOutcome] = []
    answered: set[str] = set()
    for index, submission, digest in hashed:
        key = (submission.tenant_id, submission.source, digest)
        article = first[key]
        if article.id in stored_ids:
            # Stored by this chunk: new for its first item, a duplicate for any later identical one.
            duplicate = article.id in answered
            answered.add(article.id)
            outcomes.append(BatchOutcome(index, article, duplicate=duplicate))
            if not duplicate:
                send_after_commit(session, processing_message(article.id, request_id=submission.request_id))
            continue
        existing = already.get(key)
        if existing is None:
            # Deleted between our INSERT and the look-up: this item goes through the single path, which retries.
            outcomes.append(BatchOutcome(index, *_as_pair(submit(session, submission))))
            continue
        outcomes.append(BatchOutcome(index, existing, duplicate=True))
        # As for a single submission, subscribers hear of a duplicate of an article already stored.
        record_event(session, existing, EventType.DUPLICATE)
    session.commit()
    return outcomes


def _stored_articles(session: Session, keys: list[tuple[str, str, str]]) -> dict[tuple[str, str, str], Article]:
    """Articles already stored under these (tenant, source, input hash) keys."""
    if not keys:
        return {}
    tenant_ids = {tenant_id for tenant_id, _, _ in keys}
    found = session.scalars(
        select(Article).where(
            Article.tenant_id.in_(tenant_ids), Article.input_sha256.in_({digest for _, _, digest in keys})
        )
    )
    wanted = set(keys)
    return {
        key: article
        for article in found
        if (key := (article.tenant_id, article.source, article.input_sha256)) in wanted
    }


def _as_pair(result: SubmitResult) -> tuple[Article | NewArticle, bool]:
    return result.article, result.duplicate
