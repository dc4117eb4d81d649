"""Access records: tenants, their API keys, and the Idempotency-Keys of their POSTs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.database import Base, TenantOwned, UtcDateTime, new_id, utcnow

DEFAULT_TENANT_ID = "00000000-0000-0000-0000-000000000001"


class Tenant(Base):
    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class ApiKey(TenantOwned, Base):
    """An API key of a tenant. Only its SHA-256 is stored; the prefix is a non-secret handle for people."""

    __tablename__ = "api_keys"

    name: Mapped[str | None] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(32))
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    tenant: Mapped[Tenant] = relationship()


class IdempotencyState:
    IN_FLIGHT = "in_flight"
    DONE = "done"


class IdempotencyRecord(Base):
    """A POST seen with an Idempotency-Key: in flight until its response is stored, then replayed for 24 h."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        # The race arbiter: of concurrent requests with one key, exactly one INSERT wins and runs the request.
        UniqueConstraint("tenant_id", "key", name="uq_idempotency_tenant_key"),
        Index("ix_idempotency_expires", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(String(36))
    key: Mapped[str] = mapped_column(String(255))
    request_fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default=IdempotencyState.IN_FLIGHT)
    response_status: Mapped[int | None]
    response_headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # While in flight: the holder's lease; a request finding it lapsed takes the key over (None on rows older
    # than the lease, which then count from created_at).
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
