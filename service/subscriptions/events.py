"""Article events: a Delivery row per interested subscription in the caller's transaction, sent after the commit."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.articles.models import Article
from service.database import new_id, utcnow
from service.subscriptions.models import Delivery, DeliveryState, EventType, Subscription

log = logging.getLogger(__name__)


def event_payload(event_type: str, article: Article) -> dict[str, Any]:
    """The body subscribers receive: what happened to which article, and where to read it (not the article)."""
    base_url = current_app.config.get("PUBLIC_BASE_URL", "") if has_app_context() else ""
    data: dict[str, Any] = {
        "id": article.id,
        "status": article.status,
        "source": article.source,
        "url": article.url,
        "external_id": article.external_id,
        "links": {"self": f"{base_url.rstrip('/')}/v1/articles/{article.id}"},
    }
    if event_type == EventType.FAILED and article.error:
        data["error"] = {"code": article.error.get("code"), "title": article.error.get("title")}
    if event_type == EventType.DUPLICATE:
        data["duplicate"] = True
    return {"type": event_type, "timestamp": utcnow().isoformat(timespec="seconds"), "data": data}


def record_event(session: Session, article: Article, event_type: str) -> list[str]:
    """Add a pending Delivery for every enabled subscription of the tenant that wants this event; not committed."""
    subscriptions = session.scalars(
        select(Subscription).where(Subscription.tenant_id == article.tenant_id, Subscription.enabled.is_(True))
    )
    wanted = [subscription for subscription in subscriptions if event_type in (subscription.events or [])]
    if not wanted:
        return []
    body = json.dumps(event_payload(event_type, article), separators=(",", ":"), ensure_ascii=False)
    now = utcnow()
    delivery_ids = []
    for subscription in wanted:
        delivery = Delivery(
            id=new_id(),
            tenant_id=article.tenant_id,
            subscription_id=subscription.id,
            event_type=event_type,
            article_id=article.id,
            payload=body,
            state=DeliveryState.PENDING,
            next_attempt_at=now,
        )
        session.add(delivery)
        delivery_ids.append(delivery.id)
    return delivery_ids


def enqueue_deliveries(delivery_ids: list[str], countdown: float | None = None) -> None:
    """Send the delivery tasks (queue: webhooks); a broker outage is logged and the sweeper sends them later."""
    if not delivery_ids:
        return
    celery = current_app.extensions["celery"]
    for delivery_id in delivery_ids:
        try:
            celery.send_task("workers.tasks.deliver_webhook", args=[delivery_id], queue="webhooks", countdown=countdown)
        except Exception:  # the row is committed: the sweeper finds overdue deliveries and sends them
            log.exception("could not queue delivery %s; the sweeper will send it", delivery_id)


def emit(session: Session, article: Article, event_type: str) -> None:
    """Record the event and commit, then queue its deliveries (for callers with nothing else to commit)."""
    delivery_ids = record_event(session, article, event_type)
    if delivery_ids:
        session.commit()
        enqueue_deliveries(delivery_ids)
