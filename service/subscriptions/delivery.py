"""Delivering one event: claim it, vet the URL, sign, POST, record the attempt, and plan the next one.

Plain functions over a session: the Celery task is a thin wrapper, and tests call them directly.
"""

from __future__ import annotations

import email.utils
import functools
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from service.celery import Message, Tasks, send_after_commit
from service.database import utcnow
from service.subscriptions import network
from service.subscriptions.models import Delivery, DeliveryAttempt, DeliveryState, Subscription
from service.subscriptions.signing import webhook_headers

log = logging.getLogger(__name__)

# Wait before the 1st, 2nd, ... retry. Ten attempts over about three days, then the delivery is given up.
RETRY_SCHEDULE = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
# Each wait is stretched or shrunk by up to this fraction so a recovering subscriber is not hit by a wave.
JITTER = 0.1
# A Retry-After longer than this is not believed.
MAX_RETRY_AFTER = timedelta(hours=24)
USER_AGENT = "article-ingest-webhooks/1"
# A claim outlives the attempt by more than the task's hard time limit (90 s): only a dead worker's claim expires.
CLAIM_MARGIN = timedelta(seconds=120)
# Recorded for an attempt whose worker died or was killed before it could record anything itself.
UNFINISHED_ATTEMPT = "attempt did not finish"


def next_attempt_at(
    failed_attempts: int, now: datetime, *, retry_after: timedelta | None = None, rng: random.Random | None = None
) -> datetime | None:
    """When to try again after `failed_attempts` failures; None once the schedule is used up.

    A Retry-After (429/503) is honoured: the retry never comes sooner than it asks, nor sooner than the schedule.
    """
    if failed_attempts < 1 or failed_attempts > len(RETRY_SCHEDULE):
        return None
    scheduled = RETRY_SCHEDULE[failed_attempts - 1]
    delay = scheduled * (1 + (rng or random).uniform(-JITTER, JITTER))
    if retry_after is not None:
        delay = max(delay, min(retry_after, MAX_RETRY_AFTER))
    return now + delay


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header as a wait: delay-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(when - now, timedelta(0))


@dataclass(frozen=True)
class DeliverySettings:
    timeout: float
    policy: network.NetworkPolicy
    disable_after: timedelta
    ca_bundle: str | None = None
    # Retries due within this long ride a message countdown; later ones wait in the database for the sweeper,
    # because a Redis message held longer than its visibility timeout would be delivered twice.
    max_countdown: timedelta = timedelta(minutes=10)

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> DeliverySettings:
        return cls(
            timeout=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
            policy=network.NetworkPolicy.from_config(config),
            disable_after=timedelta(seconds=config["WEBHOOK_DISABLE_AFTER_SECONDS"]),
            ca_bundle=config.get("WEBHOOK_CA_BUNDLE") or None,
            max_countdown=timedelta(seconds=config["WEBHOOK_MAX_COUNTDOWN_SECONDS"]),
        )


class DeliveryOutcome:
    SUCCEEDED = "succeeded"
    RETRY = "retry"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass
class AttemptResult:
    outcome: str
    next_attempt_at: datetime | None = None


def claim(session: Session, delivery_id: str, settings: DeliverySettings) -> bool:
    """Take the delivery for one attempt; False when it is not due or another worker has it."""
    now = utcnow()
    claimed = session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.state == DeliveryState.PENDING,
            # A second early: a countdown message may fire a hair before the time the row says.
            or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now + timedelta(seconds=1)),
        )
        .values(state=DeliveryState.SENDING, claimed_until=now + CLAIM_MARGIN + timedelta(seconds=settings.timeout))
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return bool(claimed.rowcount)  # type: ignore[attr-defined]


def active_secrets(subscription: Subscription, now: datetime) -> list[str]:
    """The secrets that sign now: the current one, and the previous one during its overlap."""
    found = [subscription.secret]
    expires = subscription.previous_secret_expires_at
    if subscription.previous_secret and expires is not None and expires > now:
        found.append(subscription.previous_secret)
    return found


def attempt_delivery(
    session: Session, delivery_id: str, settings: DeliverySettings, *, resolver: network.Resolver | None = None
) -> AttemptResult:
    """Make one attempt at a due delivery and record it; safe to call twice (the claim lets one through)."""
    if not claim(session, delivery_id, settings):
        return AttemptResult(DeliveryOutcome.SKIPPED)
    # Reload past the identity map: the claim was a bulk UPDATE, and another worker may have changed either row.
    delivery = session.get(Delivery, delivery_id, populate_existing=True)
    assert delivery is not None  # just claimed
    subscription = session.get(Subscription, delivery.subscription_id, populate_existing=True)
    if subscription is None or not subscription.enabled:
        reason = subscription.disabled_reason if subscription else "the subscription was deleted"
        return _finish(session, delivery, DeliveryState.FAILED, f"Not sent: the subscription is disabled ({reason}).")

    now = utcnow()
    try:
        result = _send(delivery, subscription, now, settings, resolver)
    # Anything, the worker's soft time limit included, is recorded as the attempt's failure: never strand the row.
    except Exception as error:
        log.exception("delivery %s: the attempt raised", delivery.id)
        result = network.HttpResult(None, {}, b"", f"{UNFINISHED_ATTEMPT}: {type(error).__name__}: {error}"[:500], 0)
    return _record(session, delivery, subscription, result, now, settings)


def _send(
    delivery: Delivery,
    subscription: Subscription,
    now: datetime,
    settings: DeliverySettings,
    resolver: network.Resolver | None,
) -> network.HttpResult:
    """Vet the URL, sign the payload and POST it: DNS and HTTP each within the configured timeout."""
    body = delivery.payload.encode()
    try:
        target = network.vet(
            subscription.url, settings.policy, resolver or functools.partial(network.resolve, timeout=settings.timeout)
        )
    except network.BlockedDestination as error:
        return network.HttpResult(None, {}, b"", f"blocked: {error}", 0)
    headers = webhook_headers(active_secrets(subscription, now), delivery.id, int(now.timestamp()), body)
    headers.update({"Content-Type": "application/json", "User-Agent": USER_AGENT})
    return network.post_pinned(target, body, headers, settings.timeout, ca_bundle=settings.ca_bundle)


def _record(
    session: Session,
    delivery: Delivery,
    subscription: Subscription,
    result: network.HttpResult,
    now: datetime,
    settings: DeliverySettings,
) -> AttemptResult:
    delivery.attempt_count += 1
    status = result.status_code
    error = result.error
    if status is not None and not 200 <= status < 300:
        error = _describe_status(result)
    attempt = DeliveryAttempt(
        delivery_id=delivery.id, attempted_at=now, status_code=status, latency_ms=result.latency_ms, error=error
    )
    session.add(attempt)
    delivery.last_status_code = status
    delivery.last_error = error

    if status is not None and 200 <= status < 300:
        subscription.failing_since = None
        return _finish(session, delivery, DeliveryState.SUCCEEDED, None)
    if status == 410:
        _disable(subscription, f"The endpoint answered 410 Gone on {now.isoformat(timespec='seconds')}.")
        return _finish(session, delivery, DeliveryState.FAILED, error)

    subscription.failing_since = subscription.failing_since or now
    if now - subscription.failing_since >= settings.disable_after:
        _disable(
            subscription,
            f"Every delivery failed since {subscription.failing_since.isoformat(timespec='seconds')} "
            f"(over {settings.disable_after.days} days); the last error: {error}",
        )
        return _finish(session, delivery, DeliveryState.FAILED, error)

    retry_after = parse_retry_after(result.headers.get("Retry-After"), now) if status in (429, 503) else None
    next_at = next_attempt_at(delivery.attempt_count, now, retry_after=retry_after)
    if next_at is None:
        return _finish(session, delivery, DeliveryState.FAILED, f"Gave up after {delivery.attempt_count} attempts.")
    attempt.next_attempt_at = next_at
    delivery.state = DeliveryState.PENDING
    delivery.next_attempt_at = next_at
    delivery.claimed_until = None
    if next_at - now <= settings.max_countdown:
        wait = max((next_at - now).total_seconds(), 0)
        send_after_commit(session, Message(Tasks.DELIVER_WEBHOOK, (delivery.id,), countdown=wait))
    session.commit()
    log.info("delivery %s failed (%s); next attempt at %s", delivery.id, error, next_at.isoformat())
    return AttemptResult(DeliveryOutcome.RETRY, next_at)


def _describe_status(result: network.HttpResult) -> str:
    description = f"HTTP {result.status_code}"
    if result.status_code is not None and 300 <= result.status_code < 400:
        location = result.headers.get("Location", "")
        return f"{description}: redirect to {location or '(no Location)'} not followed"
    snippet = result.body[:200].decode("utf-8", errors="replace").strip()
    return f"{description}: {snippet}" if snippet else description


def _disable(subscription: Subscription, reason: str) -> None:
    subscription.enabled = False
    subscription.disabled_reason = reason
    log.warning("subscription %s disabled: %s", subscription.id, reason)


def _finish(session: Session, delivery: Delivery, state: str, note: str | None) -> AttemptResult:
    delivery.state = state
    delivery.next_attempt_at = None
    delivery.claimed_until = None
    delivery.completed_at = utcnow()
    if note and state == DeliveryState.FAILED:
        delivery.last_error = note
    session.commit()
    return AttemptResult(DeliveryOutcome.SUCCEEDED if state == DeliveryState.SUCCEEDED else DeliveryOutcome.FAILED)


def reclaim_unfinished(session: Session, settings: DeliverySettings, *, now: datetime, limit: int = 500) -> int:
    """Record each claim expired at `now` as a failed attempt, so a subscriber that kills its worker still runs out
    of tries."""
    reclaimed = 0
    while reclaimed < limit:
        # One row per transaction, locked until its attempt is recorded: two sweepers never count the same one twice.
        delivery = session.scalars(
            select(Delivery)
            .where(Delivery.state == DeliveryState.SENDING, Delivery.claimed_until < now)
            .order_by(Delivery.claimed_until)
            .limit(1)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        ).first()
        if delivery is None:
            break
        reclaimed += 1
        subscription = session.get(Subscription, delivery.subscription_id, populate_existing=True)
        if subscription is None or not subscription.enabled:
            reason = subscription.disabled_reason if subscription else "the subscription was deleted"
            _finish(session, delivery, DeliveryState.FAILED, f"Not sent: the subscription is disabled ({reason}).")
            continue
        log.warning("delivery %s: the claim expired with no attempt recorded", delivery.id)
        unfinished = network.HttpResult(None, {}, b"", UNFINISHED_ATTEMPT, 0)
        _record(session, delivery, subscription, unfinished, now, settings)
    session.commit()
    return reclaimed


def find_due(session: Session, *, grace: timedelta, now: datetime, limit: int = 500) -> list[str]:
    """Deliveries whose attempt is overdue at `now`: no message is coming for them."""
    query = (
        select(Delivery.id)
        .where(Delivery.state == DeliveryState.PENDING, Delivery.next_attempt_at <= now - grace)
        .order_by(Delivery.next_attempt_at)
        .limit(limit)
    )
    return list(session.scalars(query))


def send_due(session: Session, *, grace: timedelta, now: datetime) -> int:
    """Send the deliveries whose attempt is overdue (a lost message, or a retry too far off for a countdown)."""
    due = find_due(session, grace=grace, now=now)
    send_after_commit(session, *(Message(Tasks.DELIVER_WEBHOOK, (delivery_id,)) for delivery_id in due))
    session.commit()
    return len(due)
