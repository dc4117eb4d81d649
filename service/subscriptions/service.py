"""Managing subscriptions: create, read, change, delete, rotate the secret, read and redeliver deliveries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service.celery import Message, Tasks, send_after_commit
from service.database import tenant_rows, utcnow
from service.subscriptions import network
from service.subscriptions.models import Delivery, DeliveryState, Subscription
from service.subscriptions.signing import generate_secret


class UnsafeUrl(ValueError):
    """The URL is not one we may deliver to (SSRF guard)."""


def check_url(url: str, policy: network.NetworkPolicy, resolver: network.Resolver = network.resolve) -> None:
    """Refuse URLs that do not resolve to public addresses only (checked again at every delivery)."""
    try:
        network.vet(url, policy, resolver)
    except network.BlockedDestination as error:
        raise UnsafeUrl(str(error)) from error


def create_subscription(
    session: Session,
    tenant_id: str,
    data: dict[str, Any],
    policy: network.NetworkPolicy,
    resolver: network.Resolver = network.resolve,
) -> Subscription:
    check_url(data["url"], policy, resolver)
    subscription = Subscription(
        tenant_id=tenant_id,
        url=data["url"],
        events=sorted(set(data["events"])),
        description=data.get("description"),
        enabled=data.get("enabled", True),
        secret=generate_secret(),
    )
    session.add(subscription)
    session.commit()
    return subscription


def list_subscriptions(session: Session, tenant_id: str) -> list[Subscription]:
    return tenant_rows(session, Subscription, tenant_id, Subscription.created_at)


def update_subscription(
    session: Session, subscription: Subscription, changes: dict[str, Any], policy: network.NetworkPolicy
) -> Subscription:
    """Apply a partial update; enabling a disabled subscription clears why it was disabled."""
    if "url" in changes:
        check_url(changes["url"], policy)
        subscription.url = changes["url"]
    if "events" in changes:
        subscription.events = sorted(set(changes["events"]))
    if "description" in changes:
        subscription.description = changes["description"]
    if "enabled" in changes:
        if changes["enabled"] and not subscription.enabled:
            subscription.disabled_reason = None
            subscription.failing_since = None
        elif not changes["enabled"] and subscription.enabled:
            subscription.disabled_reason = "Disabled through the API."
        subscription.enabled = changes["enabled"]
    session.commit()
    return subscription


def delete_subscription(session: Session, subscription: Subscription) -> None:
    session.delete(subscription)
    session.commit()


def rotate_secret(session: Session, subscription: Subscription, overlap: timedelta) -> Subscription:
    """A new secret; the current one keeps signing beside it until the overlap ends."""
    subscription.previous_secret = subscription.secret
    subscription.previous_secret_expires_at = utcnow() + overlap
    subscription.secret = generate_secret()
    session.commit()
    return subscription


def list_deliveries(session: Session, subscription: Subscription, *, limit: int) -> list[Delivery]:
    """The latest deliveries first, each with its attempts."""
    query = (
        select(Delivery)
        .where(Delivery.subscription_id == subscription.id)
        .options(selectinload(Delivery.attempts))
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def get_delivery(session: Session, subscription: Subscription, delivery_id: str) -> Delivery | None:
    return session.scalar(
        select(Delivery).where(Delivery.id == delivery_id, Delivery.subscription_id == subscription.id)
    )


class DeliveryBusy(RuntimeError):
    """The delivery is being sent right now."""


def redeliver(session: Session, delivery: Delivery) -> Delivery:
    """Send a delivery again now, same id and body, whatever became of it; its attempts so far are kept."""
    if delivery.state == DeliveryState.SENDING:
        raise DeliveryBusy("This delivery is being sent right now; try again in a moment.")
    now: datetime = utcnow()
    delivery.state = DeliveryState.PENDING
    delivery.next_attempt_at = now
    delivery.completed_at = None
    # A manual redelivery starts the retry schedule over.
    delivery.attempt_count = 0
    send_after_commit(session, Message(Tasks.DELIVER_WEBHOOK, (delivery.id,)))
    session.commit()
    return delivery
