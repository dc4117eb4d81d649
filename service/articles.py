"""Reading articles: one by id, a page of them, and the contract document for each."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import url_for
from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from service.models import Article, RawDocument


class InvalidCursor(ValueError):
    """A pagination cursor that this service did not issue."""


def get_article(session: Session, tenant_id: str, article_id: str) -> Article | None:
    return session.scalar(select(Article).where(Article.id == article_id, Article.tenant_id == tenant_id))


def get_raw(session: Session, tenant_id: str, article_id: str) -> RawDocument | None:
    return session.scalar(
        select(RawDocument).join(Article).where(RawDocument.article_id == article_id, Article.tenant_id == tenant_id)
    )


def links_for(article_id: str) -> dict[str, str]:
    return {
        "self": url_for("articles.Article", article_id=article_id),
        "raw": url_for("articles.RawArticle", article_id=article_id),
    }


def contract_document(article: Article) -> dict[str, Any]:
    """The article as the contract describes it: identity and state, then the parsed result when there is one."""
    document: dict[str, Any] = dict(article.result or {})
    document.update(
        id=article.id,
        status=article.status,
        source=article.source,
        url=article.url,
        external_id=article.external_id,
        received_at=article.received_at,
        processed_at=article.processed_at,
        parser_version=article.parser_version,
        metadata=article.client_metadata or {},
        error=article.error,
        links=links_for(article.id),
    )
    return document


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
        return datetime.fromisoformat(received_at), str(article_id)
    except (binascii.Error, ValueError, TypeError) as error:
        raise InvalidCursor("This cursor was not issued by this service or is damaged.") from error


def list_articles(
    session: Session,
    tenant_id: str,
    *,
    limit: int,
    cursor: str | None = None,
    status: str | None = None,
    source: str | None = None,
) -> Page:
    """Newest first; the cursor is the (received_at, id) of the last item, so pages never shift under inserts."""
    query: Select[Article] = select(Article).where(Article.tenant_id == tenant_id)
    if status:
        query = query.where(Article.status == status)
    if source:
        query = query.where(Article.source == source)
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
