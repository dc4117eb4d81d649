"""Prometheus metrics: HTTP requests, Celery tasks, and live state (queue depth, articles by status) at scrape time.

Processes: gunicorn runs several API workers and Celery several worker processes, so `ingest api` and
`ingest worker` switch prometheus_client to multiprocess mode (config.use_multiprocess_metrics: one folder per
role in PROMETHEUS_MULTIPROC_DIR, set before prometheus_client is first imported) and every scrape sums all
processes of that role. The API serves /metrics (metrics or admin scope; operator-level, every tenant's counts);
a Celery worker serves its own on INGEST_WORKER_METRICS_PORT. In one process (tests, `flask run`) the default
registry is used as is.

The metric objects are module globals: prometheus_client keeps them per process by design.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from service.celery import Queues
from service.config import MULTIPROCESS_METRICS_ENV as MULTIPROCESS_ENV

log = logging.getLogger(__name__)

QUEUES = (Queues.ARTICLES, Queues.WEBHOOKS)

HTTP_REQUESTS = Counter(
    "ingest_http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
HTTP_LATENCY = Histogram(
    "ingest_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
)
TASKS = Counter("ingest_tasks_total", "Celery tasks finished, by task and outcome.", ["task", "outcome"])
TASK_DURATION = Histogram(
    "ingest_task_duration_seconds",
    "Time a Celery task ran, by task.",
    ["task"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
RATE_LIMIT_STORAGE_ERRORS = Counter(
    "ingest_rate_limit_storage_errors_total",
    "Times the rate-limit store could not be reached; requests were then limited per process in memory.",
)

CONTENT_TYPE = CONTENT_TYPE_LATEST


# --- HTTP ---------------------------------------------------------------------------------------------------------


def configure_request_metrics(app: Flask) -> None:
    """Count and time every request by its route template (never the raw path: ids would explode the labels)."""

    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def record(response: Any) -> Any:
        route = request.url_rule.rule if request.url_rule is not None else "unmatched"
        HTTP_REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        if (started := g.get("request_started")) is not None:
            HTTP_LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
        return response


# --- Celery -------------------------------------------------------------------------------------------------------

_task_started: dict[str, float] = {}


def task_started(task_id: str | None = None, **_kwargs: Any) -> None:
    if task_id:
        _task_started[task_id] = time.perf_counter()


def task_finished(
    task_id: str | None = None, task: Any = None, retval: Any = None, state: str | None = None, **_kwargs: Any
) -> None:
    """Outcome is what process_article returns (done, failed, skipped, missing), else the Celery state."""
    name = getattr(task, "name", "unknown")
    if state == "SUCCESS":
        outcome = retval if isinstance(retval, str) and len(retval) <= 20 else "success"
    else:
        outcome = (state or "unknown").lower()
    TASKS.labels(name, outcome).inc()
    if task_id and (started := _task_started.pop(task_id, None)) is not None:
        TASK_DURATION.labels(name).observe(time.perf_counter() - started)


def connect_task_signals() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(task_started, weak=False)
    task_postrun.connect(task_finished, weak=False)


def serve_worker_metrics(port: int) -> None:
    """The worker's own /metrics (all its processes), for Prometheus to scrape beside the API's."""
    from prometheus_client import start_http_server

    try:
        start_http_server(port, registry=process_registry())
    except OSError as error:  # a second worker on the same host: it still works, its counts show via the first
        log.warning("worker metrics not served on port %d: %s", port, error)
        return
    log.info("worker metrics on port %d", port)


# --- Scrape -------------------------------------------------------------------------------------------------------


def process_registry() -> CollectorRegistry:
    """The registry holding this role's counters: every process's files in multiprocess mode."""
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return registry
    return REGISTRY


def queue_depths(app: Flask) -> dict[str, int]:
    """Messages waiting per queue: Redis list lengths, or message files of kombu's filesystem transport."""
    from service.config import is_embedded

    if is_embedded(app.config):
        folder = Path(app.config["QUEUE_DIR"], "messages")
        names = [path.name for path in folder.iterdir()] if folder.exists() else []
        return {queue: sum(name.endswith(f".{queue}.msg") for name in names) for queue in QUEUES}
    import redis

    client = redis.Redis.from_url(app.config["BROKER_URL"], socket_timeout=2, socket_connect_timeout=2)
    try:
        return {queue: int(client.llen(queue)) for queue in QUEUES}
    finally:
        client.close()


class LiveStateCollector:
    """Read at scrape time, so every API process reports the same truth: the queues and the article table."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from sqlalchemy import func, select

        from service.articles.models import Article, ArticleStatus

        queue = GaugeMetricFamily("ingest_queue_depth", "Messages waiting in each queue.", labels=["queue"])
        try:
            for name, depth in queue_depths(self.app).items():
                queue.add_metric([name], depth)
        except Exception as error:  # the broker being away must not break the scrape
            log.warning("queue depth unavailable: %s", error)
        yield queue
        articles = GaugeMetricFamily("ingest_articles", "Articles stored, by status (all tenants).", labels=["status"])
        try:
            session = self.app.extensions["db"].session
            counts = dict(session.execute(select(Article.status, func.count()).group_by(Article.status)).all())
            for status in ArticleStatus.ALL:
                articles.add_metric([status], counts.get(status, 0))
        except Exception as error:
            log.warning("article counts unavailable: %s", error)
        yield articles


def render(app: Flask) -> bytes:
    """The whole exposition: this role's counters, then the live state."""
    live = CollectorRegistry(auto_describe=False)
    live.register(LiveStateCollector(app))
    return generate_latest(process_registry()) + generate_latest(live)
