"""Fixtures for tests that need the app: a real PostgreSQL database and a real Redis broker."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.migrate import upgrade
from tests import services


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated to head, dropped afterwards."""
    url = services.create_database("ingest_test")
    upgrade(url)
    yield url
    services.drop_database(url)


@pytest.fixture(scope="session")
def app(postgres_url: str) -> Iterator[Flask]:
    broker = services.redis_client(services.REDIS_DB_API)
    broker.flushdb()
    application = create_app(
        {"DATABASE_URL": postgres_url, "BROKER_URL": services.redis_url(services.REDIS_DB_API), "TESTING": True}
    )
    yield application
    application.extensions["db"].dispose()
    broker.flushdb()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Any]:
    """Each test runs inside a transaction that is rolled back; the code's commits become savepoints."""
    database = app.extensions["db"]
    connection = database.engine.connect()
    transaction = connection.begin()
    database.session.remove()
    database.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    yield database.session
    database.session.remove()
    # Back to the factory's own defaults, so sessions made after this test bind to the engine as usual.
    database.session.session_factory.kw.pop("join_transaction_mode", None)
    database.session.configure(bind=database.engine)
    transaction.rollback()
    connection.close()


@pytest.fixture
def client(app: Flask, db_session: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def queued_messages(app: Flask) -> Iterator[Any]:
    """The Redis list behind the ingest queue, emptied before and after the test."""
    broker = services.redis_client(services.REDIS_DB_API)
    broker.delete("ingest")
    yield lambda: broker.lrange("ingest", 0, -1)
    broker.delete("ingest")
