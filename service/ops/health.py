"""Dependency checks for the readiness probe: `ok` or `error` for the public, the error itself for the log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

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


def database_answers(app: Flask) -> bool:
    try:
        with app.extensions["db"].engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def wait_for_database(
    app: Flask,
    *,
    give_up_after: float,
    backoff_max: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> bool:
    """Wait while the database does not answer, probing with exponential backoff; False if still down at the end.

    A worker's processes all wait here during an outage, so the worker as a whole stops taking work and resumes by
    itself, instead of spinning retries that each count against a limit.
    """
    deadline = clock() + give_up_after
    wait = 0.25
    while not database_answers(app):
        if clock() >= deadline:
            return False
        log.warning("database unreachable; probing again in %.1f s", wait)
        sleep(min(wait, max(deadline - clock(), 0)))
        wait = min(wait * 2, backoff_max)
    return True
