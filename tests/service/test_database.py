"""Pooled PostgreSQL connections: pinged only after sitting idle, replaced when the server closed them, and without a
transaction for requests that only read."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from flask import Flask
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError

from service.access.keys import create_tenant
from service.database import normalise_database_url, ping_when_idle
from service.migrate import downgrade, upgrade
from tests.conftest import keyed_client


def _terminate(postgres_url: str, backend_pid: int) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (backend_pid,))


def _backend_pid(engine: object) -> int:
    with engine.connect() as connection:  # type: ignore[attr-defined]
        return int(connection.scalar(text("SELECT pg_backend_pid()")))


@contextmanager
def one_connection_pool(postgres_url: str, idle_before_ping: float) -> Iterator[Engine]:
    engine = create_engine(normalise_database_url(postgres_url), pool_size=1, max_overflow=0)
    ping_when_idle(engine, idle_before_ping)
    try:
        yield engine
    finally:
        engine.dispose()


def test_an_idle_connection_closed_by_the_server_is_replaced_unseen(postgres_url: str) -> None:
    # Zero seconds: every connection handed out again counts as idle and is pinged first.
    with one_connection_pool(postgres_url, 0.0) as engine:
        first = _backend_pid(engine)
        _terminate(postgres_url, first)
        assert _backend_pid(engine) != first


def test_a_connection_in_steady_use_is_not_pinged_and_one_failure_renews_the_pool(postgres_url: str) -> None:
    with one_connection_pool(postgres_url, 3600.0) as engine:
        first = _backend_pid(engine)
        _terminate(postgres_url, first)
        # Not idle long enough to be pinged: the dead connection is handed out and its statement fails...
        with pytest.raises(OperationalError):
            _backend_pid(engine)
        # ...which invalidates it, so the next request gets a live one.
        assert _backend_pid(engine) != first


def _compression(postgres_url: str) -> dict[str, str]:
    """The compression set on each large column ("l" LZ4, "p" pglz, blank: the server's default)."""
    with psycopg.connect(postgres_url) as connection:
        rows = connection.execute(
            "SELECT attrelid::regclass::text || '.' || attname, attcompression FROM pg_attribute "
            "WHERE (attrelid, attname) IN (('raw_documents'::regclass, 'body'), ('articles'::regclass, 'result'))"
        ).fetchall()
    return {column: method for column, method in rows}


def test_raw_inputs_are_compressed_with_lz4(postgres_url: str) -> None:
    # Results keep the server's default: LZ4 showed no gain there.
    assert _compression(postgres_url) == {"raw_documents.body": "l", "articles.result": ""}
    try:
        downgrade(postgres_url, "0013_search_vector_trigger")
        assert _compression(postgres_url) == {"raw_documents.body": "p", "articles.result": ""}
    finally:
        upgrade(postgres_url)
    assert _compression(postgres_url) == {"raw_documents.body": "l", "articles.result": ""}


def test_reads_run_outside_a_transaction_and_writes_inside_one(app: Flask, queued_messages: Any) -> None:
    """A GET's statements go without BEGIN and ROLLBACK around them (autocommit); a POST's still commit together."""
    tenant = f"reads-{uuid.uuid4().hex[:8]}"
    with app.app_context():
        create_tenant(app.extensions["db"].session, tenant)
    client = keyed_client(app, tenant)
    statements: list[tuple[str, bool]] = []

    def record(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append((statement.split()[0].upper(), connection.connection.dbapi_connection.autocommit))

    engine = app.extensions["db"].engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        posted = client.post("/v1/articles?source=reads", data=b"Words of an article.", content_type="text/plain")
        assert posted.status_code == 202
        written = list(statements)
        statements.clear()
        assert client.get(f"/v1/articles/{posted.get_json()['id']}").status_code == 200
        assert client.head(f"/v1/articles/{posted.get_json()['id']}").status_code == 200
        read = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert written and not any(autocommit for _verb, autocommit in written)
    assert read and all(verb == "SELECT" and autocommit for verb, autocommit in read)
