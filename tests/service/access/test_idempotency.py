"""Idempotency-Key on POST: replay, reuse with another body, in flight, and 20 concurrent requests with one key."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.access.idempotency import request_fingerprint
from service.access.keys import SCOPES, create_key, create_tenant
from service.access.models import IdempotencyRecord, IdempotencyState, Tenant
from service.articles.models import Article
from service.database import utcnow

RACED_KEY = "one-key-for-all"


def post(client: FlaskClient, body: bytes, key: str, query: str = "") -> Any:
    return client.post(f"/v1/articles{query}", data=body, content_type="text/plain", headers={"Idempotency-Key": key})


def test_same_key_same_body_replays_the_first_response(client: FlaskClient, queued_messages: Any) -> None:
    first = post(client, b"An idempotent article.", "key-replay")
    again = post(client, b"An idempotent article.", "key-replay")

    assert first.status_code == 202
    assert again.status_code == 202  # the first answer, not the 200 "duplicate" a new request would get
    assert again.get_json() == first.get_json()
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert len(queued_messages()) == 1


def test_same_key_other_body_is_422(client: FlaskClient, queued_messages: Any) -> None:
    post(client, b"The first body.", "key-reused")
    reused = post(client, b"A different body.", "key-reused")
    other_query = post(client, b"The first body.", "key-reused", "?source=elsewhere")

    assert reused.status_code == 422 and reused.mimetype == "application/problem+json"
    assert "different request" in reused.get_json()["detail"]
    assert other_query.status_code == 422


def in_flight_record(
    app: Flask,
    tenant_id: str,
    key: str,
    body: bytes,
    started_ago: timedelta,
    leased_for: timedelta | None,
    path: str = "/v1/articles",
) -> IdempotencyRecord:
    """What a first request with this key looks like to a second one: running, or dead with its lease lapsing."""
    with app.test_request_context(
        path,
        method="POST",
        data=body,
        content_type="text/plain",
    ):
        fingerprint = request_fingerprint()
    started = utcnow() - started_ago
    return IdempotencyRecord(
        tenant_id=tenant_id,
        key=key,
        request_fingerprint=fingerprint,
        state=IdempotencyState.IN_FLIGHT,
        created_at=started,
        expires_at=started + timedelta(hours=24),
        locked_until=None if leased_for is None else started + leased_for,
    )


def default_tenant_id(db_session: Any) -> str:
    return str(db_session.scalar(select(Tenant.id).where(Tenant.name == "default")))


def test_a_key_still_in_flight_within_its_lease_is_409(client: FlaskClient, db_session: Any) -> None:
    db_session.add(
        in_flight_record(
            client.application,
            default_tenant_id(db_session),
            "key-in-flight",
            b"Still running.",
            started_ago=timedelta(seconds=100),
            leased_for=timedelta(seconds=120),
        )
    )
    db_session.commit()

    response = post(client, b"Still running.", "key-in-flight")

    assert response.status_code == 409, response.get_json()
    assert response.headers["Retry-After"]


@pytest.mark.parametrize(
    "leased_for",
    [timedelta(seconds=120), None],
    ids=["lease-lapsed", "row-from-before-leases-older-than-a-lease"],
)
def test_a_key_whose_request_died_is_taken_over_after_its_lease(
    client: FlaskClient, db_session: Any, queued_messages: Any, leased_for: timedelta | None
) -> None:
    body = f"Its first request was killed mid-way {uuid.uuid4()}.".encode()
    db_session.add(
        in_flight_record(
            client.application,
            default_tenant_id(db_session),
            "key-of-a-dead-request",
            body,
            started_ago=timedelta(seconds=121),
            leased_for=leased_for,
        )
    )
    db_session.commit()

    retried = post(client, body, "key-of-a-dead-request")
    replayed = post(client, body, "key-of-a-dead-request")

    assert retried.status_code == 202, retried.get_json()
    assert replayed.status_code == 202 and replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.get_json()["id"] == retried.get_json()["id"]
    record = db_session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == "key-of-a-dead-request"))
    db_session.refresh(record)
    assert record.state == IdempotencyState.DONE
    assert len(queued_messages()) == 1


def test_an_expired_key_is_taken_afresh(client: FlaskClient, db_session: Any, queued_messages: Any) -> None:
    first = post(client, b"Expiring.", "key-expired")
    record = db_session.scalar(select(IdempotencyRecord).where(IdempotencyRecord.key == "key-expired"))
    record.expires_at = utcnow() - timedelta(seconds=1)
    db_session.commit()

    again = post(client, b"Expiring.", "key-expired")
    assert again.status_code == 200 and again.get_json()["duplicate"] is True  # run again, not replayed
    assert again.get_json()["id"] == first.get_json()["id"]


def test_a_failed_request_releases_its_key(client: FlaskClient, queued_messages: Any) -> None:
    refused = client.post(
        "/v1/articles", json={"source": "no document"}, headers={"Idempotency-Key": "key-after-error"}
    )
    assert refused.status_code == 422
    fixed = client.post(
        "/v1/articles", json={"text": "Now with a document."}, headers={"Idempotency-Key": "key-after-error"}
    )
    assert fixed.status_code == 202


def test_a_malformed_key_is_400(client: FlaskClient) -> None:
    response = post(client, b"x", "k" * 300)
    assert response.status_code == 400


@pytest.mark.parametrize("key_state", ["new", "lease-lapsed"])
def test_twenty_concurrent_requests_with_one_key_store_one_article(
    app: Flask, queued_messages: Any, key_state: str
) -> None:
    # No test transaction here: real commits from 20 threads, each with its own session, racing on the unique key
    # (or, with a lapsed lease, on the conditional UPDATE that takes the key over).
    session = app.extensions["db"].session_factory()
    tenant = create_tenant(session, f"race-{uuid.uuid4().hex[:8]}")
    key = create_key(session, tenant.name, list(SCOPES)).secret
    body = f"Raced article {uuid.uuid4()}".encode()
    if key_state == "lease-lapsed":
        session.add(
            in_flight_record(
                app,
                tenant.id,
                RACED_KEY,
                body,
                started_ago=timedelta(seconds=300),
                leased_for=timedelta(seconds=120),
                path="/v1/articles?source=race",
            )
        )
        session.commit()
    session.close()
    barrier = threading.Barrier(20)
    statuses: list[int] = []
    bodies: list[Any] = []
    lock = threading.Lock()

    def send() -> None:
        client = app.test_client()
        barrier.wait()
        response = client.post(
            "/v1/articles?source=race",
            data=body,
            content_type="text/plain",
            headers={"Authorization": f"Bearer {key}", "Idempotency-Key": RACED_KEY},
        )
        with lock:
            statuses.append(response.status_code)
            bodies.append(response.get_json())

    threads = [threading.Thread(target=send) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == 20
    assert set(statuses) <= {202, 409}, statuses
    assert statuses.count(202) >= 1
    # Every 202 is the same article: the one that won, or a replay of it.
    assert len({item["id"] for item, status in zip(bodies, statuses, strict=True) if status == 202}) == 1
    session = app.extensions["db"].session_factory()
    stored = session.scalar(select(func.count()).select_from(Article).where(Article.tenant_id == tenant.id))
    session.close()
    assert stored == 1
    assert len(queued_messages()) == 1
