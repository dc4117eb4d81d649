"""Processing one article: claim it, run the parser it is given, check the contract, store the result or the failure.

Plain functions over a session, so the Celery task stays a thin adapter and tests call them directly. The parser is
an argument: the worker hands in the pure pipeline (workers/parsing.py), so this domain never imports the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import delete, null, select, update
from sqlalchemy.orm import Session

from service.articles import contract, near_duplicates, search
from service.articles.binary import binary_reason
from service.articles.bounds import OutputLimits, OutputTooLarge, bound_result
from service.articles.claims import Claim, ClaimPolicy, ClaimToken, claim, holder_alive, release
from service.articles.models import Article, ArticleStatus, FingerprintBand
from service.articles.schemas import ProcessedArticleSchema
from service.celery import TRANSIENT_ERRORS, Message, Queues, Tasks, send_after_commit
from service.database import utcnow
from service.subscriptions.events import record_event
from service.subscriptions.models import EventType

log = logging.getLogger(__name__)

CONTRACT = ProcessedArticleSchema()
DEFAULT_POLICY = ClaimPolicy()
# An article claimed or re-sent this recently is not re-sent for a dead holder: its message may be on its way.
RESEND_PAUSE = timedelta(seconds=15)
# Longest detail kept from an exception message in a failed article's error.
ERROR_DETAIL_LENGTH = 1000


class ProcessingOutcome:
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    MISSING = "missing"


@dataclass(frozen=True)
class RawInput:
    """What the parser is given: the stored bytes and what the client said about them."""

    body: bytes
    content_type: str
    declared_format: str
    url: str | None
    published_at: str | None
    language: str | None


class Unparseable(Exception):
    """The parser read the input and found no article in it; the message says why, for the client."""


class ParseTimedOut(Exception):
    """The parser was cut short by the task's soft time limit."""


@dataclass(frozen=True)
class Parser:
    """A parser and its version (stored with each result, so older results can be reprocessed selectively)."""

    version: str
    parse: Callable[[RawInput], dict[str, Any]]


def fail(
    session: Session, article: Article, parser_version: str, code: str, title: str, detail: str, **extra: Any
) -> str:
    """Record a failure the client can act on, tell subscribers, and commit."""
    with session.no_autoflush:  # the article's changes go in one UPDATE at the commit (see _parse_and_store)
        # A reprocessed article that fails must not go on serving, matching and being found by its old result.
        article.result = None
        article.title = None
        article.fingerprints = null()  # SQL NULL, as for an article never processed (None would be a JSON null)
        search.unindex_article(session, article)
        session.execute(delete(FingerprintBand).where(FingerprintBand.article_id == article.id))
        article.status = ArticleStatus.FAILED
        article.error = {"code": code, "title": title, "detail": detail, **extra}
        article.processed_at = utcnow()
        article.parser_version = parser_version
        record_event(session, article, EventType.FAILED)
    session.commit()
    log.warning("article %s failed: %s: %s", article.id, code, detail)
    return ProcessingOutcome.FAILED


def _crash_detail(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:ERROR_DETAIL_LENGTH]


def process_article(
    session: Session,
    article_id: str,
    parser: Parser,
    *,
    policy: ClaimPolicy = DEFAULT_POLICY,
    reprocess: bool = False,
    token: ClaimToken | None = None,
    now: datetime | None = None,
    limits: OutputLimits | None = None,
) -> str:
    """Parse, validate and store one article; safe to run twice (a finished article is left alone).

    `now` is when the claim is decided (a claim older than the policy allows has no living holder); `limits` bound
    the stored result (the app's INGEST_OUTPUT_* settings by default).
    """
    if limits is None:
        limits = OutputLimits.from_config(current_app.config) if has_app_context() else OutputLimits()
    token = token or ClaimToken.new()
    claimed = claim(session, article_id, token, policy, reprocess=reprocess, now=now or utcnow())
    if claimed is None:
        return ProcessingOutcome.MISSING if session.get(Article, article_id) is None else ProcessingOutcome.SKIPPED
    if claimed.given_up:
        article = claimed.article
        detail = (
            f"The worker processing this article stopped {article.attempts} times without finishing (killed, out "
            "of memory or over the hard time limit). Resubmit a smaller or simpler document."
        )
        return fail(session, article, parser.version, "worker_lost", "Processing kept crashing", detail)
    try:
        return _parse_and_store(session, claimed, parser, limits)
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
            return ProcessingOutcome.MISSING
        title = "The parsed article could not be stored"
        return fail(session, stored, parser.version, "internal_error", title, _crash_detail(error))


def _parse_and_store(session: Session, claimed: Claim, parser: Parser, limits: OutputLimits) -> str:
    article = claimed.article
    raw = RawInput(
        body=article.raw.body,
        content_type=article.raw.content_type,
        declared_format=article.declared_format,
        url=article.url,
        published_at=article.published_at_hint,
        language=article.language_hint,
    )
    if reason := binary_reason(raw.body, raw.content_type):
        # Sent before the API checked, or by a route that does not: a failure with its event, not garbage `done`.
        title = "The document is not text"
        return fail(session, article, parser.version, "unparseable", title, reason)
    try:
        parsed = parser.parse(raw)
    except Unparseable as error:
        title = "The document could not be read as an article"
        return fail(session, article, parser.version, "unparseable", title, str(error))
    except ParseTimedOut:
        detail = "The parser did not finish within the time limit; the document may be unusually large or malformed."
        return fail(session, article, parser.version, "timeout", "Processing took too long", detail)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:  # a parser bug is deterministic for this input: record it, do not retry forever
        log.exception("parser crashed on article %s", article.id)
        title = "The parser failed on this document"
        return fail(session, article, parser.version, "parser_error", title, _crash_detail(error))
    try:
        parsed = bound_result(parsed, len(raw.body), limits)
    except OutputTooLarge as error:
        return fail(session, article, parser.version, "too_large", "The parsed article is too large", str(error))
    with session.no_autoflush:
        # Every change to the article goes in one UPDATE at the commit. Flushed at each statement in between, it was
        # three row versions, and each after the first put the whole tsvector and the entity keys into the GIN
        # indexes again (issue 11).
        return _store(session, article, parsed, parser)


def _store(session: Session, article: Article, parsed: dict[str, Any], parser: Parser) -> str:
    # Never stored a result before (not even a failure): no band keys or entity rows of an earlier one to replace.
    first_time = article.processed_at is None
    fingerprints = parsed.get("fingerprints") or {}
    similar = near_duplicates.find(session, article, fingerprints)
    result = {
        **parsed,
        "canonical_url": parsed.get("canonical_url") or article.url,
        "duplicate_of": similar.duplicate_of,
        "near_duplicates": similar.matches,
    }
    article.status = ArticleStatus.DONE
    article.error = None
    article.parser_version = parser.version
    article.processed_at = utcnow()
    if errors := CONTRACT.validate(contract.document(article, result)):
        detail = "The parser's output did not pass the article schema, so it was not stored."
        title = "The parsed article broke the article contract"
        return fail(session, article, parser.version, "contract_violation", title, detail, messages=errors)
    near_duplicates.index(session, article, fingerprints, first_time=first_time)
    near_duplicates.link_back(session, article, similar)
    article.result = result
    article.title = parsed.get("title")
    search.index_article(session, article, first_time=first_time)
    record_event(session, article, EventType.PROCESSED)
    session.commit()
    return ProcessingOutcome.DONE


def find_stuck(
    session: Session, *, queued_for: timedelta, processing_for: timedelta, now: datetime, limit: int = 1000
) -> list[str]:
    """Ids of articles that need a message at `now`: queued for too long, or held by a process that is gone.

    A holder on this host is known dead at once; one elsewhere only once its claim is older than `processing_for`
    (past the hard time limit no task can still run).
    """
    queued = session.scalars(
        select(Article.id)
        .where(Article.status == ArticleStatus.QUEUED, Article.updated_at < now - queued_for)
        .order_by(Article.updated_at)
        .limit(limit)
    )
    held = session.execute(
        select(Article.id, Article.claimed_by, Article.processing_started_at).where(
            Article.status == ArticleStatus.PROCESSING,
            # A claim or a re-send restarts updated_at: a message that may still be on its way is given a moment.
            Article.updated_at < now - RESEND_PAUSE,
        )
    )
    abandoned = [
        article_id
        for article_id, holder, started in held
        if holder_alive(holder) is False
        or (holder_alive(holder) is None and started is not None and started < now - processing_for)
    ]
    return [*abandoned, *queued][:limit]


def resend_stuck(
    session: Session,
    *,
    queued_for: timedelta,
    processing_for: timedelta,
    now: datetime,
    pending_messages: Callable[[], set[str]],
) -> int:
    """Send again the articles that need a message and have none waiting or in flight in the broker: the database
    is the record, the broker only transport, and one message per article is enough."""
    stuck = find_stuck(session, queued_for=queued_for, processing_for=processing_for, now=now)
    if stuck:
        pending = pending_messages()
        stuck = [article_id for article_id in stuck if article_id not in pending]
    if stuck:
        session.execute(update(Article).where(Article.id.in_(stuck)).values(updated_at=now))
        again = (Message(Tasks.PROCESS_ARTICLE, (article_id,), queue=Queues.ARTICLES_AGAIN) for article_id in stuck)
        send_after_commit(session, *again)
        session.commit()
        log.warning("reconciler re-sent %d articles that had no message", len(stuck))
    return len(stuck)
