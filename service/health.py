"""Dependency checks for the readiness probe."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import text


def check_database(app: Flask) -> str:
    try:
        with app.extensions["db"].engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure means "not ready"; the message goes to the operator
        return f"error: {type(error).__name__}: {error}"[:300]
    return "ok"


def check_broker(app: Flask) -> str:
    celery = app.extensions["celery"]
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:
        return f"error: {type(error).__name__}: {error}"[:300]
    return "ok"


def check_dependencies(app: Flask) -> dict[str, str]:
    return {"database": check_database(app), "broker": check_broker(app)}
