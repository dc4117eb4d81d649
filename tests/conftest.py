"""Fixtures for tests that need the app: a real PostgreSQL database and a real Redis broker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.access.keys import SCOPES, create_key, create_tenant, get_tenant
from service.migrate import upgrade
from tests import services


def pytest_unconfigure(config: pytest.Config) -> None:
    """Give back (emptied) the Redis databases this run leased."""
    services.LEASE.release()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated to head, dropped afterwards."""
    url = services.create_database("ingest_test")
    upgrade(url)
    yield url
    services.drop_database(url)


@pytest.fixture(scope="session")
def app(postgres_url: str) -> Iterator[Flask]:
    services.flush_redis(services.redis_db("api"))
    application = create_app(
        {
            "DATABASE_URL": postgres_url,
            "BROKER_URL": services.redis_url(services.redis_db("api")),
            "TESTING": True,
            # Limits have tests of their own (tests/service/access/test_rate_limits.py); here they must never interfere.
            "RATE_LIMIT": "100000/minute",
        }
    )
    yield application
    application.extensions["db"].dispose()
    services.flush_redis(services.redis_db("api"))


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
def make_key(app: Flask, db_session: Any) -> Callable[..., str]:
    """Issue a key (creating its tenant when needed) inside the test's transaction; returns the secret."""

    def make(tenant: str = "default", scopes: tuple[str, ...] = SCOPES) -> str:
        if get_tenant(db_session, tenant) is None:
            create_tenant(db_session, tenant)
        return create_key(db_session, tenant, list(scopes)).secret

    return make


def authenticated(app: Flask, key: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    return client


def keyed_client(app: Flask, tenant: str = "default") -> FlaskClient:
    """A client with a new key of every scope for `tenant` (which exists), committed outside any test transaction."""
    with app.app_context():
        key = create_key(app.extensions["db"].session, tenant, list(SCOPES)).secret
    return authenticated(app, key)


@pytest.fixture
def client(app: Flask, make_key: Callable[..., str]) -> FlaskClient:
    """A client with a key of every scope for the default tenant."""
    return authenticated(app, make_key())


@pytest.fixture
def anonymous_client(app: Flask, db_session: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def queued_messages(app: Flask) -> Iterator[Any]:
    """The Redis list behind the ingest queue, emptied before and after the test."""
    broker = services.redis_client(services.redis_db("api"))
    broker.delete("ingest")
    yield lambda: broker.lrange("ingest", 0, -1)
    broker.delete("ingest")
