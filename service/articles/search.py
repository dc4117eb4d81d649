"""Search: full text (PostgreSQL tsvector, SQLite FTS5) and the side tables that filters read."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Text, delete, insert, literal_column, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from service.articles.models import Article, ArticleEntity
from service.database import table
from service.web.schemas import parse_utc_timestamp

ENTITY_TYPES = ("person", "organisation", "place")
MAX_NAME_LENGTH = 300


def name_key(name: str) -> str:
    """How names are compared: case-insensitive, whitespace collapsed."""
    return " ".join(name.split()).casefold()[:MAX_NAME_LENGTH]


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def entity_key(entity_type: str, name: str) -> str:
    """How an entity is filed in the keys array: its type and its name as names are compared."""
    return f"{entity_type}:{name_key(name)}"


def unindex_article(session: Session, article: Article) -> None:
    """Forget what filters knew of the article's result (it failed, or a new result replaces it)."""
    session.execute(delete(ArticleEntity).where(ArticleEntity.article_id == article.id))
    article.entity_keys = None


def index_article(session: Session, article: Article, *, first_time: bool = False) -> None:
    """Copy what filters need out of a freshly stored result: language, publication time, entity names and aliases.

    `first_time`: the article never had a result stored, so it has no entity rows to delete. The rows go in as one
    multi-row INSERT (a Core statement, no objects for the unit of work to track).
    """
    result = article.result or {}
    language = result.get("language") or article.language_hint
    article.language = str(language)[:16] if language else None
    article.published_at = _published_at(result.get("published_at") or article.published_at_hint)
    if not first_time:
        unindex_article(session, article)
    seen: set[tuple[str, str]] = set()
    rows: list[dict[str, str]] = []
    for entity in result.get("entities") or []:
        for name in [entity.get("name"), *(entity.get("aliases") or [])]:
            if not isinstance(name, str) or not name.strip():
                continue
            key = (str(entity.get("type")), name_key(name))
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {
                    "article_id": article.id,
                    "tenant_id": article.tenant_id,
                    "type": key[0][:16],
                    "name": name.strip()[:MAX_NAME_LENGTH],
                    "name_key": key[1],
                }
            )
    if rows:
        session.execute(insert(table(ArticleEntity)), rows)
        if _on_postgresql(session):
            # An attribute, not an UPDATE of its own: it goes in the row version the result is written in.
            article.entity_keys = sorted({entity_key(row["type"], row["name_key"]) for row in rows})


def _published_at(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_utc_timestamp(value)
    except ValueError:
        # A page may claim any date; one that cannot be stored is simply not filterable.
        return None


def entity_filter(session: Session, tenant_id: str, entity_type: str, name: str) -> ColumnElement[bool]:
    """Articles that mention an entity of this type by this name or alias."""
    if _on_postgresql(session):
        # The article's own indexed array: ANDed with the full-text index before any row is read (migration 0010).
        return literal_column("articles.entity_keys", ARRAY(Text)).contains([entity_key(entity_type, name)])
    return Article.id.in_(
        select(ArticleEntity.article_id).where(
            ArticleEntity.tenant_id == tenant_id,
            ArticleEntity.type == entity_type,
            ArticleEntity.name_key == name_key(name),
        )
    )


_FTS_TERM = re.compile(r'(-?)"([^"]*)"|(-?)(\S+)')


def fts5_query(query: str) -> str:
    """websearch-like syntax for SQLite FTS5: words and "quoted phrases" must all match, -word must not."""
    positive: list[str] = []
    negative: list[str] = []
    for match in _FTS_TERM.finditer(query):
        minus, phrase = (
            (match.group(1), match.group(2)) if match.group(2) is not None else (match.group(3), match.group(4))
        )
        words = re.findall(r"\w+", phrase or "")
        if not words:
            continue
        term = '"' + " ".join(words) + '"'
        (negative if minus else positive).append(term)
    if not positive:
        return ""
    return " ".join(positive) + "".join(f" NOT {term}" for term in negative)


def text_filter(session: Session, query: str) -> ColumnElement[bool]:
    """Articles whose title or body match the query, in the backend's own full-text engine."""
    if _on_postgresql(session):
        return text("articles.search_vector @@ websearch_to_tsquery('english', :search_query)").bindparams(
            search_query=query
        )  # type: ignore[return-value]
    fts = fts5_query(query)
    if not fts:
        return text("0 = 1")  # type: ignore[return-value]
    # By article_id, never rowid: articles' rowid is SQLite's own and VACUUM may renumber it.
    return text(
        "articles.id IN (SELECT article_id FROM articles_fts WHERE articles_fts MATCH :search_query)"
    ).bindparams(search_query=fts)  # type: ignore[return-value]
