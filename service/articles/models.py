"""Articles: the submitted document, its state and raw input, and the side tables search and near-duplicates read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.database import Base, JsonDocument, TenantOwned, UtcDateTime, utcnow


class ArticleStatus:
    QUEUED = "queued"  # stored, its processing task sent or about to be (reprocessing puts it back here)
    PROCESSING = "processing"  # claimed by a worker (claim_token, claimed_by), which is parsing it now
    DONE = "done"  # parsed: `result` holds the whole contract
    FAILED = "failed"  # processing gave up (unparseable input, a timeout): `error` says why; reprocessing runs it again
    ALL = (QUEUED, PROCESSING, DONE, FAILED)


class Article(TenantOwned, Base):
    """One submitted document: its request metadata, its processing state and, once done, its parsed result."""

    __tablename__ = "articles"
    __table_args__ = (
        # An exact duplicate is the same input bytes from the same source of the same tenant.
        UniqueConstraint("tenant_id", "source", "input_sha256", name="uq_articles_tenant_source_input"),
        Index("ix_articles_tenant_received", "tenant_id", "received_at", "id"),
        Index("ix_articles_status_updated", "status", "updated_at"),
    )

    status: Mapped[str] = mapped_column(String(16), default=ArticleStatus.QUEUED)
    source: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(500))
    declared_format: Mapped[str] = mapped_column(String(8), default="auto")
    published_at_hint: Mapped[str | None] = mapped_column(String(40))
    language_hint: Mapped[str | None] = mapped_column(String(8))
    client_metadata: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
    input_sha256: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    processing_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    # Which task message holds the processing claim ("<task id>:<retry number>"): tells a redelivery after a
    # crash (same token) from our own retry (same task, next number) and from another message (another task).
    claim_token: Mapped[str | None] = mapped_column(String(80))
    # Which process holds that claim ("<host>:<pid>:<start ticks>"), so a dead holder is known at once on its host.
    claimed_by: Mapped[str | None] = mapped_column(String(300))
    parser_version: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    error: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    request_id: Mapped[str | None] = mapped_column(String(64))
    # Copied out of the result when it is stored, so listing can filter on them with an index.
    language: Mapped[str | None] = mapped_column(String(16))
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # What near-duplicate look-ups compare (minhash, content_sha256), copied out of the result so a look-up reads a
    # kilobyte per candidate instead of its whole result (migration 0008; older rows fall back to the result).
    fingerprints: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    # PostgreSQL's GIN-indexed copy of the entity rows' keys ("person:wang yi", search.entity_key; migration 0010).
    # Mapped so the worker writes it in the result's one UPDATE; SQLite filters on the side table and leaves its
    # column (migration 0012) empty. Deferred: nothing reads it back, the filter uses it inside PostgreSQL.
    entity_keys: Mapped[list[str] | None] = mapped_column(ARRAY(Text).with_variant(JSON(), "sqlite"), deferred=True)
    # Not mapped: articles.search_vector (PostgreSQL, generated tsvector) and articles_fts (SQLite FTS5, triggers)
    # live in migrations 0004_access.py and 0006_fts_article_id.py and are only read through service/search.py.

    raw: Mapped[RawDocument] = relationship(back_populates="article", cascade="all, delete-orphan", uselist=False)


class RawDocument(Base):
    """The input exactly as received, kept apart so listing articles never loads megabytes of HTML."""

    __tablename__ = "raw_documents"

    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(200))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int]

    article: Mapped[Article] = relationship(back_populates="raw")


class ArticleEntity(Base):
    """One name (or alias) of an entity found in an article, so `?person=Wang Yi` is an index lookup."""

    __tablename__ = "article_entities"
    __table_args__ = (Index("ix_article_entities_lookup", "tenant_id", "type", "name_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    tenant_id: Mapped[str] = mapped_column(String(36))
    type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(300))
    # casefolded name: the filter is case-insensitive on every backend
    name_key: Mapped[str] = mapped_column(String(300))


class FingerprintBand(Base):
    """One LSH band key of a processed article: articles sharing a key are near-duplicate candidates."""

    __tablename__ = "fingerprint_bands"

    # The primary key doubles as the look-up index, band first: a band is nearly unique, so a candidate search probes
    # it with the article's band keys whatever the planner knows of the table (migration 0015).
    __table_args__ = (PrimaryKeyConstraint("band", "tenant_id", "article_id", name="fingerprint_bands_pkey"),)

    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    band: Mapped[str] = mapped_column(String(32))
    article_id: Mapped[str] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
