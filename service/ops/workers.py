"""Which workers are alive: the one place that answers it (a heartbeat table may replace the broadcast later)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask

from service.config import is_embedded

log = logging.getLogger(__name__)

PING_TIMEOUT_SECONDS = 1.0


@dataclass(frozen=True)
class WorkerSeen:
    name: str


def workers_seen(app: Flask) -> list[WorkerSeen] | None:
    """The workers that answered a ping, or None when this broker cannot tell.

    kombu's filesystem transport (the embedded default) has no broadcast, so a ping there would always come back
    empty: None says "unknown" rather than "no workers".
    """
    if is_embedded(app.config):
        return None
    celery = app.extensions["celery"]
    try:
        replies = celery.control.inspect(timeout=PING_TIMEOUT_SECONDS).ping() or {}
    except Exception as error:  # a broker outage must not break the page asking
        log.warning("worker ping failed: %s", error)
        return None
    return [WorkerSeen(name) for name in sorted(replies)]
