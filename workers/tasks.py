"""Celery tasks. Each takes ids, reloads the rows and checks their state, so running one twice is harmless."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from flask import current_app

from service.articles import processing
from service.database import utcnow

log = logging.getLogger(__name__)

# Errors of the infrastructure, not of the document: retried with backoff by every task.
TRANSIENT_ERRORS = processing.TRANSIENT_ERRORS


@shared_task(
    bind=True,
    name="workers.tasks.process_article",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
)
def process_article(self: Task, article_id: str, reprocess: bool = False) -> str:
    """Parse one article and store its result (queue: ingest)."""
    database = current_app.extensions["db"]
    request_id = getattr(self.request, "request_id", None)
    log.info("processing article %s (attempt of message %s, request %s)", article_id, self.request.id, request_id)
    try:
        outcome = processing.process_article(
            database.session,
            article_id,
            max_attempts=current_app.config["MAX_PROCESSING_ATTEMPTS"],
            # A claim older than the hard time limit (plus slack for the kill) has no living holder.
            stale_after=timedelta(seconds=current_app.config["TASK_TIME_LIMIT"] + 30),
            reprocess=reprocess,
            token=processing.ClaimToken(self.request.id or "", self.request.retries or 0),
        )
    except TRANSIENT_ERRORS:
        database.session.rollback()
        raise
    log.info("article %s: %s", article_id, outcome)
    return outcome


@shared_task(
    name="workers.tasks.reconcile",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    max_retries=3,
)
def reconcile() -> dict[str, Any]:
    """Send again the articles whose message was lost: the database is the record, the broker only transport."""
    from service.access.idempotency import purge_expired
    from service.articles.submit import enqueue_processing

    config = current_app.config
    session = current_app.extensions["db"].session
    stuck = processing.find_stuck(
        session,
        queued_for=timedelta(seconds=config["STUCK_AFTER_SECONDS"]),
        # A processing article is stuck only once its task must have ended, hard limit included.
        processing_for=timedelta(seconds=config["TASK_TIME_LIMIT"] + config["STUCK_AFTER_SECONDS"]),
    )
    sent = [article_id for article_id in stuck if enqueue_processing(article_id)]
    processing.touch(session, sent)
    if sent:
        log.warning("reconciler re-sent %d stuck articles", len(sent))
    purged = purge_expired(session)
    return {"resent": len(sent), "idempotency_keys_purged": purged}


@shared_task(
    bind=True,
    name="workers.tasks.deliver_webhook",
    acks_late=True,
    reject_on_worker_lost=True,
    # Only infrastructure errors are Celery retries; a subscriber's failures are recorded and rescheduled by the
    # delivery itself (next_attempt_at), on the webhook retry schedule.
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    # DNS and then the whole HTTP exchange are each bounded by WEBHOOK_TIMEOUT_SECONDS (15 s), wall clock; these only
    # catch a wedged attempt. The soft limit is recorded as a failed attempt; the sweeper counts a hard-killed one.
    soft_time_limit=60,
    time_limit=90,
)
def deliver_webhook(self: Task, delivery_id: str) -> str:
    """Make one attempt at a delivery and plan the next on failure (queue: webhooks)."""
    from service.subscriptions.delivery import DeliverySettings, attempt_delivery
    from service.subscriptions.events import enqueue_deliveries

    config = current_app.config
    database = current_app.extensions["db"]
    try:
        result = attempt_delivery(database.session, delivery_id, DeliverySettings.from_config(config))
    except TRANSIENT_ERRORS:
        database.session.rollback()
        raise
    if result.next_attempt_at is not None:
        wait = (result.next_attempt_at - utcnow()).total_seconds()
        # Long waits are left to the sweeper: a message held past the broker's visibility timeout comes back twice.
        if wait <= config["WEBHOOK_MAX_COUNTDOWN_SECONDS"]:
            enqueue_deliveries([delivery_id], countdown=max(wait, 0))
    log.info("delivery %s: %s", delivery_id, result.outcome)
    return result.outcome


@shared_task(
    name="workers.tasks.sweep_webhooks",
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    max_retries=3,
)
def sweep_webhooks() -> dict[str, Any]:
    """Count dead workers' attempts, send deliveries due with no message on the way, forget old inbound ids."""
    from service.integrations.service import forget_old_deliveries
    from service.subscriptions.delivery import DeliverySettings, find_due, reclaim_unfinished
    from service.subscriptions.events import enqueue_deliveries

    config = current_app.config
    session = current_app.extensions["db"].session
    reclaimed = reclaim_unfinished(session, DeliverySettings.from_config(config))
    due = find_due(session, grace=timedelta(seconds=config["WEBHOOK_SWEEP_EVERY_SECONDS"]))
    enqueue_deliveries(due)
    forgotten = forget_old_deliveries(session, timedelta(seconds=config["WEBHOOK_REPLAY_RETENTION_SECONDS"]))
    return {"reclaimed": reclaimed, "sent": len(due), "forgotten": forgotten}
