"""Operations (admin scope): queue depths and workers (the whole service), throughput and failures (this tenant)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app

from service.articles import queries
from service.articles.models import ArticleStatus
from service.console.base import Routes, database, render, requires, tenant_id
from service.database import utcnow
from service.ops.activity import processed_per_minute
from service.ops.metrics import queue_depths
from service.ops.workers import workers_seen

log = logging.getLogger(__name__)

routes = Routes()

RECENT_FAILURES = 10
CHART_WIDTH = 600
CHART_HEIGHT = 120
CHART_GAP = 2


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    count: int
    minutes_ago: int


def chart_bars(counts: list[int], width: int = CHART_WIDTH, height: int = CHART_HEIGHT) -> list[Bar]:
    """One bar per minute, oldest left, scaled to the busiest minute (an idle hour draws no bars)."""
    tallest = max(counts, default=0) or 1
    slot = width / max(len(counts), 1)
    bars = []
    for position, count in enumerate(counts):
        bar_height = height * count / tallest
        bars.append(
            Bar(
                x=round(position * slot + CHART_GAP / 2, 2),
                y=round(height - bar_height, 2),
                width=round(max(slot - CHART_GAP, 1), 2),
                height=round(bar_height, 2),
                count=count,
                minutes_ago=len(counts) - 1 - position,
            )
        )
    return bars


def safe_queue_depths() -> dict[str, int] | None:
    try:
        return queue_depths(current_app)
    except Exception as error:  # the broker being away is something to show, not a reason to fail the page
        log.warning("queue depth unavailable: %s", error)
        return None


@routes.route("/operations")
@requires("admin")
def operations() -> Any:
    now: datetime = utcnow()
    counts = processed_per_minute(database(), tenant_id(), now)
    failures = queries.list_articles(database(), tenant_id(), limit=RECENT_FAILURES, status=ArticleStatus.FAILED)
    return render(
        "operations.html",
        depths=safe_queue_depths(),
        workers=workers_seen(current_app),
        counts=counts,
        bars=chart_bars(counts),
        chart={"width": CHART_WIDTH, "height": CHART_HEIGHT},
        failures=failures.items,
        now=now,
    )
