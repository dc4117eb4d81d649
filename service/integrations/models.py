"""Integrations (one per sender, with its own secret) and the deliveries they have already received."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.database import Base, JsonDocument, TenantOwned, UtcDateTime, utcnow
from service.sealing import SealedSecret


class IntegrationType:
    STANDARD = "standard"
    WEBSUB = "websub"
    WORDPRESS = "wordpress"
    GHOST = "ghost"
    ALL = (STANDARD, WEBSUB, WORDPRESS, GHOST)


class Integration(TenantOwned, Base):
    """A sender allowed to post to /v1/webhooks/<id>, authenticated by the HMAC secret it shares with us."""

    __tablename__ = "integrations"

    type: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(200))
    # The source of the articles it creates (exact duplicates are detected per source).
    source: Mapped[str] = mapped_column(String(200))
    # For websub: the feed URL the hub must name when it verifies the subscription (none is confirmed when empty).
    topic: Mapped[str | None] = mapped_column(Text)
    # Not hashed: verifying an HMAC needs the key itself. Sealed with INGEST_WEBHOOK_SECRETS_KEY when one is set (see
    # service/sealing.py); the API shows the secret once, at creation, and never again.
    secret: Mapped[str] = mapped_column(SealedSecret)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ReceivedDelivery(TenantOwned, Base):
    """A delivery already accepted from an integration: a replay of its id answers the same, creating nothing."""

    __tablename__ = "received_deliveries"
    __table_args__ = (
        UniqueConstraint("integration_id", "delivery_id", name="uq_received_deliveries_integration_delivery"),
        Index("ix_received_deliveries_received_at", "received_at"),
    )

    integration_id: Mapped[str] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"))
    delivery_id: Mapped[str] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The answer given the first time, replayed as is.
    outcome: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
