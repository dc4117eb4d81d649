"""Reading articles: one by id, its raw input, and a page of them with search and filters."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, defer

from service.articles import search
from service.articles.models import Article, RawDocument
from service.database import tenant_row
from service.web.schemas import parse_utc_timestamp


class InvalidCursor(ValueError):
    """A pagination cursor that this service did not issue."""


def get_article(session: Session, tenant_id: str, article_id: str) -> Article | None:
    return tenant_row(session, Article, tenant_id, article_id)


def get_raw(session: Session, tenant_id: str, article_id: str) -> RawDocument | None:
    return session.scalar(
        select(RawDocument).join(Article).where(RawDocument.article_id == article_id, Article.tenant_id == tenant_id)
    )


def article_progress(session: Session, tenant_id: str, article_ids: list[str]) -> dict[str, dict[str, str | None]]:
    """Status and title of each of these articles that the tenant has (without loading their results)."""
    query = select(Article.id, Article.status, Article.title).where(
        Article.tenant_id == tenant_id, Article.id.in_(article_ids)
    )
    return {article_id: {"status": status, "title": title} for article_id, status, title in session.execute(query)}


@dataclass
class Page:
    items: list[Article]
    next_cursor: str | None


def encode_cursor(article: Article) -> str:
    payload = json.dumps([article.received_at.isoformat(), article.id]).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        received_at, article_id = json.loads(base64.urlsafe_b64decode(padded))
        # Cursors we issue carry a zone; a hand-made one without is read as UTC rather than failing the query.
        return parse_utc_timestamp(received_at), str(article_id)
    except (binascii.Error, ValueError, TypeError, AttributeError, RecursionError) as error:
        raise InvalidCursor("This cursor was not issued by this service or is damaged.") from error


def list_articles(
    session: Session,
    tenant_id: str,
    *,
    limit: int,
    cursor: str | None = None,
    status: str | None = None,
    source: str | None = None,
    language: str | None = None,
    q: str | None = None,
    person: str | None = None,
    organisation: str | None = None,
    place: str | None = None,
    published_after: str | None = None,
    published_before: str | None = None,
) -> Page:
    """Newest first; the cursor is the (received_at, id) of the last item, so pages never shift under inserts.

    A listing shows summaries: the parsed result (tens of kilobytes of JSON per article) is not loaded.
    """
    query: Select[Article] = select(Article).options(defer(Article.result)).where(Article.tenant_id == tenant_id)
    if status:
        query = query.where(Article.status == status)
    if source:
        query = query.where(Article.source == source)
    if language:
        query = query.where(Article.language == language)
    if q:
        query = query.where(search.text_filter(session, q))
    for entity_type, name in (("person", person), ("organisation", organisation), ("place", place)):
        if name:
            query = query.where(search.entity_filter(session, tenant_id, entity_type, name))
    if published_after:
        query = query.where(Article.published_at >= as_utc(published_after))
    if published_before:
        query = query.where(Article.published_at < as_utc(published_before))
    if cursor:
        received_at, article_id = decode_cursor(cursor)
        query = query.where(
            or_(
                Article.received_at < received_at,
                and_(Article.received_at == received_at, Article.id < article_id),
            )
        )
    query = query.order_by(Article.received_at.desc(), Article.id.desc()).limit(limit + 1)
    rows = list(session.scalars(query))
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return Page(items=rows[:limit], next_cursor=next_cursor)


def as_utc(value: str) -> datetime:
    """An ISO 8601 query value as an aware datetime (a missing zone means UTC)."""
    return parse_utc_timestamp(value)
