"""Dependency checks for the readiness probe: `ok` or `error` for the public, the error itself for the log."""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy import text

log = logging.getLogger(__name__)

OK = "ok"
ERROR = "error"


def check_database(app: Flask) -> str:
    try:
        with app.extensions["db"].engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure means "not ready"; /readyz is public, so the message goes to the log
        log.warning("readiness: database unavailable: %s: %s", type(error).__name__, error)
        return ERROR
    return OK


def check_broker(app: Flask) -> str:
    celery = app.extensions["celery"]
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        log.warning("readiness: broker unavailable: %s: %s", type(error).__name__, error)
        return ERROR
    return OK


def check_dependencies(app: Flask) -> dict[str, str]:
    return {"database": check_database(app), "broker": check_broker(app)}
