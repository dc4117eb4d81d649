"""Subscriptions to article events, the deliveries made for them and every attempt at each delivery."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.database import Base, JsonDocument, TenantOwned, UtcDateTime, new_id, utcnow
from service.sealing import SealedSecret


class EventType:
    PROCESSED = "article.processed"
    FAILED = "article.failed"
    DUPLICATE = "article.duplicate"
    ALL = (PROCESSED, FAILED, DUPLICATE)


class DeliveryState:
    PENDING = "pending"  # waiting for its next attempt (the first one included)
    SENDING = "sending"  # claimed by a worker, which is sending it now
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # no attempt left, or the subscription was disabled or deleted
    ALL = (PENDING, SENDING, SUCCEEDED, FAILED)


class Subscription(TenantOwned, Base):
    """A URL that receives signed article events."""

    __tablename__ = "subscriptions"

    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    description: Mapped[str | None] = mapped_column(String(500))
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    # Not hashed: signing needs the key itself. Sealed with INGEST_WEBHOOK_SECRETS_KEY when one is set (see
    # service/sealing.py). Shown once, at creation or rotation.
    secret: Mapped[str] = mapped_column(SealedSecret)
    # After a rotation the previous secret signs too, until it expires, so receivers can switch without a gap.
    previous_secret: Mapped[str | None] = mapped_column(SealedSecret)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Start of the current run of failures (None after any success); a run too long disables the subscription.
    failing_since: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Delivery(TenantOwned, Base):
    """One event for one subscription: the exact body sent, and where its attempts stand."""

    __tablename__ = "deliveries"
    __table_args__ = (
        Index("ix_deliveries_subscription_created", "subscription_id", "created_at"),
        Index("ix_deliveries_state_next_attempt", "state", "next_attempt_at"),
    )

    # Also the webhook-id header: the same on every attempt, so receivers can drop repeats.
    subscription_id: Mapped[str] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    event_type: Mapped[str] = mapped_column(String(40))
    article_id: Mapped[str | None] = mapped_column(String(36))
    # The body as sent, byte for byte on every attempt (the signature covers it).
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default=DeliveryState.PENDING)
    attempt_count: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # A worker that claimed the delivery holds it until then; past it, the sweeper assumes the worker died.
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    attempts: Mapped[list[DeliveryAttempt]] = relationship(
        back_populates="delivery", cascade="all, delete-orphan", order_by="DeliveryAttempt.attempted_at"
    )


class DeliveryAttempt(Base):
    """One HTTP attempt: when, what came back, how long it took, and when the next one is due."""

    __tablename__ = "delivery_attempts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    delivery_id: Mapped[str] = mapped_column(ForeignKey("deliveries.id", ondelete="CASCADE"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    delivery: Mapped[Delivery] = relationship(back_populates="attempts")
