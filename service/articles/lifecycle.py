"""What a client may do to an article once it is stored: process it again with the current parser, or delete it."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.access.models import Tenant
from service.articles import near_duplicates
from service.articles.models import Article, ArticleStatus
from service.articles.submit import processing_message
from service.celery import send_after_commit

FINISHED = (ArticleStatus.DONE, ArticleStatus.FAILED)


def request_reprocessing(session: Session, article: Article, request_id: str | None = None) -> bool:
    """Queue a finished article again for the current pipeline; False when it is already queued or processing."""
    if article.status not in FINISHED:
        return False
    article.status = ArticleStatus.QUEUED
    article.attempts = 0
    send_after_commit(session, processing_message(article.id, request_id, reprocess=True))
    session.commit()
    return True


def delete_article(session: Session, article: Article) -> None:
    """Remove the article, its raw input and its search rows (the database cascades the side tables); the articles
    linked to it as near-duplicates stop naming it."""
    near_duplicates.unlink(session, article)
    session.delete(article)
    session.commit()


def version_tuple(version: str) -> tuple[int, ...]:
    """'1.10.0' as (1, 10, 0), so versions compare as numbers; ValueError when it is not dotted numbers."""
    return tuple(int(part) for part in version.strip().split("."))


def reprocess_matching(
    session: Session,
    *,
    parser_version_below: str | None = None,
    source: str | None = None,
    tenant_name: str | None = None,
    tenant_id: str | None = None,
    statuses: tuple[str, ...] = FINISHED,
    chunk_size: int = 500,
) -> list[str]:
    """Queue matching finished articles again, a chunk per transaction, each chunk's messages sent after its commit."""
    if not set(statuses) <= set(FINISHED):
        raise ValueError("only finished (done or failed) articles can be reprocessed")
    threshold = version_tuple(parser_version_below) if parser_version_below else None
    query = select(Article.id, Article.parser_version).where(Article.status.in_(statuses))
    if source:
        query = query.where(Article.source == source)
    if tenant_id:
        query = query.where(Article.tenant_id == tenant_id)
    if tenant_name:
        query = query.join(Tenant, Tenant.id == Article.tenant_id).where(Tenant.name == tenant_name)
    selected = []
    for article_id, parser_version in session.execute(query):
        if threshold is not None and parser_version:
            try:
                if version_tuple(parser_version) >= threshold:
                    continue
            except ValueError:
                pass  # an unreadable version is older than any real one
        selected.append(article_id)
    for start in range(0, len(selected), chunk_size):
        chunk = selected[start : start + chunk_size]
        session.execute(update(Article).where(Article.id.in_(chunk)).values(status=ArticleStatus.QUEUED, attempts=0))
        send_after_commit(session, *(processing_message(article_id, reprocess=True) for article_id in chunk))
        session.commit()
    return selected
