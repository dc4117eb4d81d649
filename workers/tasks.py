"""Celery tasks: thin adapters that take ids, call the domain, and let it commit. Each is safe to run twice: the
domain reloads the rows and checks their state first.

Every task is acknowledged late (a crash returns its message to the queue) and retries infrastructure errors
(service.celery.TRANSIENT_ERRORS) with exponential backoff and jitter, up to TASK_RETRY_BACKOFF_MAX_SECONDS apart
(set from config in service/celery.py, with the time limits); everything else is recorded by the domain.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from celery import Task, shared_task
from flask import current_app

from service.access.idempotency import purge_expired_keys
from service.articles import processing
from service.articles.claims import ClaimPolicy, ClaimToken
from service.celery import TRANSIENT_ERRORS, Tasks
from service.database import current_session, utcnow
from service.integrations.service import forget_old_deliveries
from service.subscriptions import delivery
from workers.parsing import pipeline_parser

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name=Tasks.PROCESS_ARTICLE,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_jitter=True,
    max_retries=8,
)
def process_article(self: Task, article_id: str, reprocess: bool = False) -> str:
    """Parse one article and store its result (queue: ingest)."""
    request_id = getattr(self.request, "request_id", None)
    log.info("processing article %s (attempt of message %s, request %s)", article_id, self.request.id, request_id)
    outcome = processing.process_article(
        current_session(),
        article_id,
        pipeline_parser(current_app.config),
        policy=ClaimPolicy.from_config(current_app.config),
        reprocess=reprocess,
        token=ClaimToken(self.request.id or "", self.request.retries or 0),
    )
    log.info("article %s: %s", article_id, outcome)
    return outcome


@shared_task(name=Tasks.RECONCILE, acks_late=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=5, max_retries=3)
def reconcile() -> dict[str, Any]:
    """Send again the articles whose message was lost: the database is the record, the broker only transport."""
    config = current_app.config
    resent = processing.resend_stuck(
        current_session(),
        queued_for=timedelta(seconds=config["STUCK_AFTER_SECONDS"]),
        # A processing article is stuck only once its task must have ended, hard limit included.
        processing_for=timedelta(seconds=config["TASK_TIME_LIMIT"] + config["STUCK_AFTER_SECONDS"]),
        now=utcnow(),
    )
    return {"resent": resent}


@shared_task(
    bind=True,
    name=Tasks.DELIVER_WEBHOOK,
    acks_late=True,
    reject_on_worker_lost=True,
    # Only infrastructure errors are Celery retries; a subscriber's failures are recorded and rescheduled by the
    # delivery itself (next_attempt_at), on the webhook retry schedule. DNS and the HTTP exchange are each bounded by
    # WEBHOOK_TIMEOUT_SECONDS; the task's own limits (WEBHOOK_TASK_*_TIME_LIMIT) only catch a wedged attempt.
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_jitter=True,
    max_retries=8,
)
def deliver_webhook(self: Task, delivery_id: str) -> str:
    """Make one attempt at a delivery; a failure schedules the next (queue: webhooks)."""
    settings = delivery.DeliverySettings.from_config(current_app.config)
    result = delivery.attempt_delivery(current_session(), delivery_id, settings)
    log.info("delivery %s: %s", delivery_id, result.outcome)
    return result.outcome


@shared_task(name=Tasks.SWEEP_WEBHOOKS, acks_late=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=5, max_retries=3)
def sweep_webhooks() -> dict[str, Any]:
    """Count dead workers' attempts, and send the deliveries that are due with no message on the way."""
    config = current_app.config
    session, now = current_session(), utcnow()
    reclaimed = delivery.reclaim_unfinished(session, delivery.DeliverySettings.from_config(config), now=now)
    sent = delivery.send_due(session, grace=timedelta(seconds=config["WEBHOOK_SWEEP_EVERY_SECONDS"]), now=now)
    return {"reclaimed": reclaimed, "sent": sent}


@shared_task(name=Tasks.PURGE_EXPIRED, acks_late=True, autoretry_for=TRANSIENT_ERRORS, retry_backoff=5, max_retries=3)
def purge_expired() -> dict[str, Any]:
    """Forget Idempotency-Keys past their lifetime and inbound webhook ids past their replay window."""
    session, now = current_session(), utcnow()
    keys = purge_expired_keys(session, now=now)
    retention = timedelta(seconds=current_app.config["WEBHOOK_REPLAY_RETENTION_SECONDS"])
    forgotten = forget_old_deliveries(session, retention, now=now)
    return {"idempotency_keys": keys, "inbound_deliveries": forgotten}
