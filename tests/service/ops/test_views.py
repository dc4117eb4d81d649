"""Metrics in the Prometheus format and JSON logs carrying the request id."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY

from service.ops import metrics
from service.ops.logs import JsonFormatter, bind_task_request_id, unbind_task_request_id
from tests.conftest import authenticated


def test_metrics_report_requests_queues_and_articles(
    app: Flask, client: FlaskClient, make_key: Callable[..., str], queued_messages: Any
) -> None:
    client.post("/v1/articles", data=b"Counted.", content_type="text/plain")
    client.get("/v1/articles/missing")

    response = authenticated(app, make_key(scopes=("metrics",))).get("/metrics")

    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert 'ingest_http_requests_total{method="POST",route="/v1/articles",status="202"}' in text
    assert 'ingest_http_requests_total{method="GET",route="/v1/articles/<string:article_id>",status="404"}' in text
    assert 'ingest_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/v1/articles"}' in text
    # The Redis list lengths (the submission above is waiting in "ingest").
    depths = dict(re.findall(r'^ingest_queue_depth\{queue="(\w+)"\} (\d+)\.0$', text, re.MULTILINE))
    assert set(depths) == {"ingest", "webhooks"}
    assert int(depths["ingest"]) == len(queued_messages())
    assert 'ingest_articles{status="queued"}' in text


def test_task_outcomes_and_durations_are_recorded() -> None:
    class Task:
        name = "workers.tasks.process_article"

    def count(outcome: str) -> float:
        labels = {"task": Task.name, "outcome": outcome}
        return REGISTRY.get_sample_value("ingest_tasks_total", labels) or 0.0

    done_before, retry_before = count("done"), count("retry")
    metrics.task_started(task_id="t-1")
    metrics.task_finished(task_id="t-1", task=Task(), retval="done", state="SUCCESS")
    metrics.task_started(task_id="t-2")
    metrics.task_finished(task_id="t-2", task=Task(), retval=None, state="RETRY")

    assert count("done") == done_before + 1
    assert count("retry") == retry_before + 1
    assert REGISTRY.get_sample_value("ingest_task_duration_seconds_count", {"task": Task.name}) >= 2


def test_logs_are_json_with_the_request_id(app: Flask) -> None:
    formatter = JsonFormatter()
    record = logging.makeLogRecord({"name": "t", "levelname": "INFO", "msg": "hello %s", "args": ("you",)})
    with app.test_request_context("/", headers={"X-Request-ID": "req-42"}):
        app.preprocess_request()
        line = json.loads(formatter.format(record))
    assert line["message"] == "hello you" and line["request_id"] == "req-42" and line["level"] == "INFO"

    token = bind_task_request_id("req-from-task-header")
    try:
        assert json.loads(formatter.format(record))["request_id"] == "req-from-task-header"
    finally:
        unbind_task_request_id(token)
    assert "request_id" not in json.loads(formatter.format(record))


def test_each_process_gets_its_own_metrics_folder(tmp_path: Any, monkeypatch: Any) -> None:
    from service.config import MULTIPROCESS_METRICS_ENV, use_multiprocess_metrics

    monkeypatch.delenv(MULTIPROCESS_METRICS_ENV, raising=False)
    gone = tmp_path / "worker-999999999"
    gone.mkdir()
    other_role = tmp_path / "api-999999999"
    other_role.mkdir()

    folder = use_multiprocess_metrics(str(tmp_path), "worker")

    assert folder.name.startswith("worker-") and folder.is_dir()
    assert not gone.exists()  # left by a process that is no longer running
    assert other_role.exists()  # another role's folders are that role's business
