"""The periodic tasks: overdue deliveries sent again, dead workers' claims counted, old inbound ids forgotten."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from service.access.models import DEFAULT_TENANT_ID
from service.integrations.models import Integration, ReceivedDelivery
from service.integrations.service import forget_old_deliveries
from service.subscriptions.delivery import UNFINISHED_ATTEMPT, DeliverySettings, find_due, reclaim_unfinished
from service.subscriptions.models import Delivery, DeliveryAttempt, DeliveryState, Subscription
from service.subscriptions.network import NetworkPolicy
from tests import services

SETTINGS = DeliverySettings(timeout=1.0, policy=NetworkPolicy(), disable_after=timedelta(days=5))


@pytest.fixture
def webhook_messages(app: Flask) -> Any:
    broker = services.redis_client(services.redis_db("api"))
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


# Whenever the test runs, the functions under test are told it is this moment.
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_overdue_deliveries_are_found(db_session: Any, subscription: Subscription) -> None:
    now = NOW
    overdue = add_delivery(db_session, subscription, DeliveryState.PENDING, next_attempt_at=now - timedelta(hours=1))
    add_delivery(db_session, subscription, DeliveryState.PENDING, next_attempt_at=now + timedelta(hours=1))
    just_due = add_delivery(db_session, subscription, DeliveryState.PENDING, next_attempt_at=now - timedelta(seconds=5))
    add_delivery(db_session, subscription, DeliveryState.SUCCEEDED, next_attempt_at=None)

    found = find_due(db_session, grace=timedelta(seconds=30), now=now)

    assert set(found) == {overdue}, "deliveries due within the grace period still have their countdown message"
    assert just_due not in found
    assert set(find_due(db_session, grace=timedelta(0), now=now)) >= {overdue, just_due}


def test_an_expired_claim_counts_as_a_failed_attempt(db_session: Any, subscription: Subscription) -> None:
    now = NOW
    abandoned = add_delivery(db_session, subscription, DeliveryState.SENDING, claimed_until=now - timedelta(minutes=1))
    in_flight = add_delivery(db_session, subscription, DeliveryState.SENDING, claimed_until=now + timedelta(minutes=1))

    assert reclaim_unfinished(db_session, SETTINGS, now=now) == 1
    assert reclaim_unfinished(db_session, SETTINGS, now=now) == 0, "counted once"

    delivery = db_session.get(Delivery, abandoned)
    assert delivery.state == DeliveryState.PENDING and delivery.attempt_count == 1
    assert delivery.last_error == UNFINISHED_ATTEMPT and delivery.claimed_until is None
    wait = delivery.next_attempt_at - now
    assert timedelta(seconds=4) <= wait <= timedelta(seconds=10), "the first retry of the schedule"
    [attempt] = db_session.query(DeliveryAttempt).filter_by(delivery_id=abandoned).all()
    assert attempt.status_code is None and attempt.error == UNFINISHED_ATTEMPT
    assert db_session.get(Subscription, subscription.id).failing_since is not None
    assert db_session.get(Delivery, in_flight).state == DeliveryState.SENDING, "a live claim is left alone"


def test_expired_claims_still_give_up_and_disable(db_session: Any, subscription: Subscription) -> None:
    now = NOW
    last = add_delivery(
        db_session, subscription, DeliveryState.SENDING, claimed_until=now - timedelta(minutes=1), attempt_count=9
    )
    reclaim_unfinished(db_session, SETTINGS, now=now)
    assert db_session.get(Delivery, last).state == DeliveryState.FAILED
    assert "Gave up after 10 attempts" in db_session.get(Delivery, last).last_error

    subscription.failing_since = now - timedelta(days=6)
    db_session.commit()
    add_delivery(db_session, subscription, DeliveryState.SENDING, claimed_until=now - timedelta(minutes=1))
    reclaim_unfinished(db_session, SETTINGS, now=now)
    disabled = db_session.get(Subscription, subscription.id)
    assert disabled.enabled is False and UNFINISHED_ATTEMPT in disabled.disabled_reason


def test_the_sweep_task_queues_due_deliveries(
    app: Flask, db_session: Any, subscription: Subscription, webhook_messages: Any
) -> None:
    from workers.tasks import sweep_webhooks

    # The task reads the clock itself; an hour overdue is overdue whenever the test runs.
    overdue = add_delivery(
        db_session, subscription, DeliveryState.PENDING, next_attempt_at=datetime.now(UTC) - timedelta(hours=1)
    )

    with app.app_context():
        outcome = sweep_webhooks.run()

    assert outcome == {"reclaimed": 0, "sent": 1}
    [message] = webhook_messages()
    assert json.loads(message)["headers"]["task"] == "workers.tasks.deliver_webhook"
    assert overdue in json.loads(message)["headers"]["argsrepr"]


def test_purging_forgets_inbound_ids_past_the_replay_window(db_session: Any) -> None:
    integration = Integration(tenant_id=DEFAULT_TENANT_ID, type="ghost", source="blog", secret="s")
    db_session.add(integration)
    db_session.flush()
    for delivery_id, age in (("old", timedelta(hours=73)), ("recent", timedelta(hours=71))):
        db_session.add(
            ReceivedDelivery(
                tenant_id=DEFAULT_TENANT_ID,
                integration_id=integration.id,
                delivery_id=delivery_id,
                received_at=NOW - age,
            )
        )
    db_session.commit()

    assert forget_old_deliveries(db_session, timedelta(hours=72), now=NOW) == 1

    remaining = [row.delivery_id for row in db_session.query(ReceivedDelivery).all()]
    assert remaining == ["recent"]
