"""The webhook sweeper: overdue deliveries are sent again, dead workers' claims released, old inbound ids forgotten."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from service.integrations.models import Integration, ReceivedDelivery
from service.models import DEFAULT_TENANT_ID
from service.subscriptions.delivery import find_due
from service.subscriptions.models import Delivery, DeliveryState, Subscription
from tests import services


@pytest.fixture
def webhook_messages(app: Flask) -> Any:
    broker = services.redis_client(services.REDIS_DB_API)
    broker.delete("webhooks")
    yield lambda: broker.lrange("webhooks", 0, -1)
    broker.delete("webhooks")


def add_delivery(db_session: Any, subscription: Subscription, state: str, **fields: Any) -> str:
    delivery = Delivery(
        tenant_id=DEFAULT_TENANT_ID,
        subscription_id=subscription.id,
        event_type="article.processed",
        payload="{}",
        state=state,
        **fields,
    )
    db_session.add(delivery)
    db_session.commit()
    return delivery.id


@pytest.fixture
def subscription(db_session: Any) -> Subscription:
    row = Subscription(tenant_id=DEFAULT_TENANT_ID, url="https://hooks.example/in", events=[], secret="whsec_AAAA")
    db_session.add(row)
    db_session.commit()
    return row


def test_overdue_and_abandoned_deliveries_are_found(db_session: Any, subscription: Subscription) -> None:
    # Taken when the test runs, not at import: the grace period below is only 30 s.
    now = datetime.now(UTC)
    overdue = add_delivery(db_session, subscription, DeliveryState.PENDING, next_attempt_at=now - timedelta(hours=1))
    add_delivery(db_session, subscription, DeliveryState.PENDING, next_attempt_at=now + timedelta(hours=1))
    just_due = add_delivery(db_session, subscription, DeliveryState.PENDING, next_attempt_at=now - timedelta(seconds=5))
    abandoned = add_delivery(db_session, subscription, DeliveryState.SENDING, claimed_until=now - timedelta(minutes=1))
    in_flight = add_delivery(db_session, subscription, DeliveryState.SENDING, claimed_until=now + timedelta(minutes=1))
    add_delivery(db_session, subscription, DeliveryState.SUCCEEDED, next_attempt_at=None)

    found = find_due(db_session, grace=timedelta(seconds=30))

    assert set(found) == {overdue}, "deliveries due within the grace period still have their countdown message"
    assert just_due not in found
    assert db_session.get(Delivery, abandoned).state == DeliveryState.PENDING, "released for the next sweep"
    assert db_session.get(Delivery, in_flight).state == DeliveryState.SENDING
    assert set(find_due(db_session, grace=timedelta(0))) >= {overdue, just_due, abandoned}


def test_the_sweep_task_queues_due_deliveries_and_forgets_old_inbound_ids(
    app: Flask, db_session: Any, subscription: Subscription, webhook_messages: Any
) -> None:
    # Taken when the test runs, not at import: the grace period below is only 30 s.
    now = datetime.now(UTC)
    from workers.tasks import sweep_webhooks

    overdue = add_delivery(db_session, subscription, DeliveryState.PENDING, next_attempt_at=now - timedelta(hours=1))
    integration = Integration(tenant_id=DEFAULT_TENANT_ID, type="ghost", source="blog", secret="s")
    db_session.add(integration)
    db_session.flush()
    for delivery_id, age in (("old", timedelta(hours=73)), ("recent", timedelta(hours=71))):
        db_session.add(
            ReceivedDelivery(
                tenant_id=DEFAULT_TENANT_ID,
                integration_id=integration.id,
                delivery_id=delivery_id,
                received_at=now - age,
            )
        )
    db_session.commit()

    with app.app_context():
        outcome = sweep_webhooks.run()

    assert outcome == {"sent": 1, "forgotten": 1}
    [message] = webhook_messages()
    assert json.loads(message)["headers"]["task"] == "workers.tasks.deliver_webhook"
    assert overdue in json.loads(message)["headers"]["argsrepr"]
    remaining = [row.delivery_id for row in db_session.query(ReceivedDelivery).all()]
    assert remaining == ["recent"]
