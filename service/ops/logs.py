"""Structured logs: one JSON object per line, carrying the request id from the HTTP request into its tasks."""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

from flask import g, has_request_context

# Set while a Celery task runs, from the request_id header its submitter attached.
_task_request_id: ContextVar[str | None] = ContextVar("task_request_id", default=None)

# Loggers whose INFO lines repeat what our own log lines say (see configure).
QUIET_BELOW_WARNING = ("celery.app.trace", "celery.worker.strategy", "celery.beat")

# Attributes of a LogRecord that are not `extra` fields.
_STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


def current_request_id() -> str | None:
    if has_request_context():
        request_id: str | None = g.get("request_id")
        return request_id
    return _task_request_id.get()


def bind_task_request_id(request_id: str | None) -> Token[str | None]:
    return _task_request_id.set(request_id)


def unbind_task_request_id(token: Token[str | None]) -> None:
    _task_request_id.reset(token)


class JsonFormatter(logging.Formatter):
    """ts, level, logger, message, request_id, any `extra={...}` fields, and the traceback if there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if request_id := current_request_id():
            entry["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


class RequestIdFilter(logging.Filter):
    """For the text format: the request id as %(request_id)s."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


def configure(level: str, log_format: str) -> None:
    """Replace the root handlers with one on stderr in the chosen format."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.addFilter(RequestIdFilter())
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"))
    handler._ingest = True  # type: ignore[attr-defined]
    root = logging.getLogger()
    # Replace only our own handler: a test runner's capture handlers stay.
    for existing in list(root.handlers):
        if getattr(existing, "_ingest", False):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # Celery logs every task received and succeeded at INFO; the periodic reconciler and sweeper alone would write
    # a pair of lines every few seconds. Our tasks log what they did themselves, and failures still come through.
    debugging = root.getEffectiveLevel() <= logging.DEBUG
    for chatty in QUIET_BELOW_WARNING:
        logging.getLogger(chatty).setLevel(logging.NOTSET if debugging else logging.WARNING)
