"""Integrations: create, read and delete them, and receive their deliveries through the ordinary submit path."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.articles.submit import submit
from service.database import new_id, tenant_rows
from service.integrations.adapters import Adapter, InboundDelivery, ghost, standard, websub, wordpress
from service.integrations.models import Integration, IntegrationType, ReceivedDelivery
from service.subscriptions.signing import generate_secret

ADAPTERS: dict[str, Adapter] = {
    IntegrationType.STANDARD: standard,
    IntegrationType.WEBSUB: websub,
    IntegrationType.WORDPRESS: wordpress,
    IntegrationType.GHOST: ghost,
}


def new_secret(integration_type: str) -> str:
    """Standard Webhooks secrets are whsec_ + base64; the other senders take any string, so a long random one."""
    if integration_type == IntegrationType.STANDARD:
        return generate_secret()
    return secrets.token_urlsafe(32)


def create_integration(session: Session, tenant_id: str, data: dict[str, Any]) -> Integration:
    integration_type = data["type"]
    integration_id = new_id()
    integration = Integration(
        id=integration_id,
        tenant_id=tenant_id,
        type=integration_type,
        name=data.get("name"),
        source=data.get("source") or f"{integration_type}-{integration_id[:8]}",
        topic=data.get("topic"),
        secret=new_secret(integration_type),
    )
    session.add(integration)
    session.commit()
    return integration


def list_integrations(session: Session, tenant_id: str) -> list[Integration]:
    return tenant_rows(session, Integration, tenant_id, Integration.created_at)


def find_integration(session: Session, integration_id: str) -> Integration | None:
    """The integration a webhook is addressed to, whatever its tenant: the signature authenticates the sender."""
    return session.get(Integration, integration_id)


def delete_integration(session: Session, integration: Integration) -> None:
    session.delete(integration)
    session.commit()


@dataclass
class Receipt:
    """What a received delivery led to: the answer for the sender, and whether it was a replay."""

    body: dict[str, Any]
    replay: bool


def verify(integration: Integration, delivery: InboundDelivery) -> str:
    """The delivery id once the signature checks out (SignatureInvalid otherwise)."""
    return ADAPTERS[integration.type].verify(delivery)


def receive(session: Session, integration: Integration, delivery: InboundDelivery) -> Receipt:
    """Ingest a delivery whose signature was verified; a delivery id seen before answers as before, creating nothing.

    Articles are submitted before the delivery id is recorded: if we fail in between, the sender's retry submits
    again and exact-duplicate detection recognises what was already stored, so nothing is lost or doubled.
    """
    delivery_id = verify(integration, delivery)
    if previous := _previous(session, integration.id, delivery_id):
        return Receipt({**previous.outcome, "replay": True}, replay=True)
    received = ADAPTERS[integration.type].parse(delivery)
    articles = []
    for submission in received.submissions:
        result = submit(session, submission)
        articles.append({"id": result.article.id, "status": result.article.status, "duplicate": result.duplicate})
    body = {
        "integration_id": integration.id,
        "delivery_id": delivery_id,
        "created": [item["id"] for item in articles if not item["duplicate"]],
        "duplicates": [item["id"] for item in articles if item["duplicate"]],
        "articles": articles,
        "skipped": received.skipped,
    }
    session.add(
        ReceivedDelivery(
            tenant_id=integration.tenant_id, integration_id=integration.id, delivery_id=delivery_id, outcome=body
        )
    )
    try:
        session.commit()
    except IntegrityError:
        # The same delivery raced in twice; the other one recorded it first, and the articles are the same ones.
        session.rollback()
    return Receipt({**body, "replay": False}, replay=False)


def _previous(session: Session, integration_id: str, delivery_id: str) -> ReceivedDelivery | None:
    return session.scalar(
        select(ReceivedDelivery).where(
            ReceivedDelivery.integration_id == integration_id, ReceivedDelivery.delivery_id == delivery_id
        )
    )


def forget_old_deliveries(session: Session, older_than: timedelta, *, now: datetime) -> int:
    """Drop delivery ids past the replay window at `now` (a signed timestamp that old is refused anyway)."""
    cutoff = now - older_than
    result = session.execute(delete(ReceivedDelivery).where(ReceivedDelivery.received_at < cutoff))
    session.commit()
    return int(result.rowcount)  # type: ignore[attr-defined]
