"""Article events: a Delivery row per interested subscription in the caller's transaction, sent after its commit."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.articles import contract
from service.articles.models import Article
from service.celery import Message, Tasks, send_after_commit
from service.database import new_id, utcnow
from service.subscriptions.models import Delivery, DeliveryState, EventType, Subscription

log = logging.getLogger(__name__)

# What an event says of its article; subscribers read the rest from its link.
EVENT_FIELDS = ("id", "status", "source", "url", "external_id")


def event_payload(event_type: str, article: Article) -> dict[str, Any]:
    """The body subscribers receive: what happened to which article, and where to read it (not the article)."""
    base_url = current_app.config.get("PUBLIC_BASE_URL", "") if has_app_context() else ""
    identity = contract.identity(article)
    data: dict[str, Any] = {field: identity[field] for field in EVENT_FIELDS}
    data["links"] = {"self": contract.links(article.id, base_url)["self"]}
    if event_type == EventType.FAILED and article.error:
        data["error"] = {"code": article.error.get("code"), "title": article.error.get("title")}
    if event_type == EventType.DUPLICATE:
        data["duplicate"] = True
    return {"type": event_type, "timestamp": utcnow().isoformat(timespec="seconds"), "data": data}


def record_event(session: Session, article: Article, event_type: str) -> list[str]:
    """Add a pending Delivery for every enabled subscription of the tenant that wants this event, to be sent once the
    caller commits; returns their ids."""
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
        send_after_commit(session, Message(Tasks.DELIVER_WEBHOOK, (delivery.id,)))
        delivery_ids.append(delivery.id)
    return delivery_ids
