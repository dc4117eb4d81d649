"""Rate limits per key on Redis, 429 problems with headers, failing open when the store is away, proxies."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from prometheus_client import REGISTRY

from service import create_app
from service.access.keys import SCOPES, create_key, create_tenant
from service.web.proxies import TrustedProxies, client_address, parse_networks
from tests import services


def limited_app(postgres_url: str, storage_url: str, **config: Any) -> Flask:
    return create_app(
        {
            "DATABASE_URL": postgres_url,
            "BROKER_URL": services.redis_url(services.redis_db("api")),
            "RATE_LIMIT": "3/minute",
            "RATE_LIMIT_STORAGE_URL": storage_url,
            **config,
        }
    )


def issue_keys(app: Flask, count: int) -> list[str]:
    with app.app_context():
        session = app.extensions["db"].session
        tenant = create_tenant(session, f"limits-{uuid.uuid4().hex[:8]}")
        return [create_key(session, tenant.name, list(SCOPES)).secret for _ in range(count)]


LIMIT_KEYS = "LIMITS:*"


def clear_limits(store: Any) -> None:
    for key in store.scan_iter(LIMIT_KEYS):
        store.delete(key)


@pytest.fixture
def redis_limited_app(postgres_url: str) -> Iterator[Flask]:
    # The limits live beside the API's queues in this run's database; only their own keys are cleared.
    store = services.redis_client(services.redis_db("api"))
    clear_limits(store)
    app = limited_app(postgres_url, services.redis_url(services.redis_db("api")))
    yield app
    app.extensions["db"].dispose()
    clear_limits(store)
    store.close()


def test_the_fourth_request_in_a_minute_is_429_with_headers(redis_limited_app: Flask) -> None:
    first_key, second_key = issue_keys(redis_limited_app, 2)
    client = redis_limited_app.test_client()
    headers = {"Authorization": f"Bearer {first_key}"}

    answers = [client.get("/v1/articles", headers=headers) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert [answer.headers["RateLimit-Remaining"] for answer in answers[:3]] == ["2", "1", "0"]
    limited = answers[3]
    assert limited.mimetype == "application/problem+json"
    assert limited.get_json()["status"] == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    assert limited.headers["RateLimit-Limit"] == "3"
    assert limited.headers["RateLimit-Remaining"] == "0"
    assert 0 <= int(limited.headers["RateLimit-Reset"]) <= 60
    assert limited.headers["RateLimit-Policy"] == "3;w=60"
    # The count is per key, kept in Redis.
    assert client.get("/v1/articles", headers={"X-API-Key": second_key}).status_code == 200
    assert any(b"ingest" in key for key in services.redis_client(services.redis_db("api")).keys(LIMIT_KEYS))


def test_probes_are_never_limited(redis_limited_app: Flask) -> None:
    client = redis_limited_app.test_client()
    assert {client.get("/healthz").status_code for _ in range(5)} == {200}


def test_requests_without_a_valid_key_are_limited_by_address(redis_limited_app: Flask) -> None:
    client = redis_limited_app.test_client()
    answers = [client.get("/v1/articles", headers={"X-API-Key": "ik_live_guess"}).status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]


def test_an_unreachable_store_fails_open_with_a_log_line_and_a_metric(
    postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # Nothing listens on port 1: every call to the store is refused at once.
    app = limited_app(postgres_url, "redis://127.0.0.1:1/0")
    (key,) = issue_keys(app, 1)
    errors_before = REGISTRY.get_sample_value("ingest_rate_limit_storage_errors_total") or 0.0
    client = app.test_client()

    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        answers = [client.get("/v1/articles", headers={"X-API-Key": key}) for _ in range(5)]

    # Served, and still limited per process in memory while the store is away.
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429, 429]
    assert "storage unreachable" in caplog.text
    assert (REGISTRY.get_sample_value("ingest_rate_limit_storage_errors_total") or 0.0) > errors_before
    app.extensions["db"].dispose()


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    networks = parse_networks("10.0.0.0/8, 192.168.1.5")
    assert client_address("10.0.0.2", "203.0.113.9, 10.0.0.7", networks) == "203.0.113.9"
    assert client_address("192.168.1.5", "198.51.100.1, 203.0.113.9", networks) == "203.0.113.9"
    # A client that is not a trusted proxy cannot choose its own address.
    assert client_address("198.51.100.77", "203.0.113.9", networks) == "198.51.100.77"
    assert client_address("10.0.0.2", "", networks) == "10.0.0.2"
    assert client_address("10.0.0.2", "203.0.113.9", []) == "10.0.0.2"

    seen: dict[str, str] = {}

    def wsgi_app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen["addr"] = environ["REMOTE_ADDR"]
        return []

    TrustedProxies(wsgi_app, networks)({"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "203.0.113.50"}, None)
    assert seen["addr"] == "203.0.113.50"


def test_trusted_proxies_setting_reaches_the_app(postgres_url: str) -> None:
    app = limited_app(postgres_url, "memory://", TRUSTED_PROXIES="127.0.0.1")
    client = app.test_client()
    # Unauthenticated requests are limited by address: two clients behind the same proxy get separate counts.
    for address in ("203.0.113.1", "203.0.113.2"):
        answers = [client.get("/v1/articles", headers={"X-Forwarded-For": address}).status_code for _ in range(3)]
        assert answers == [401, 401, 401]
    assert client.get("/v1/articles", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 429
    app.extensions["db"].dispose()


def test_the_inbound_webhook_is_limited_per_address(redis_limited_app: Flask) -> None:
    # Public (it checks signatures, not keys) but not free: a flood from one address is cut off.
    client = redis_limited_app.test_client()
    answers = [client.post("/v1/webhooks/no-such-integration", data=b"{}").status_code for _ in range(4)]
    assert answers[:3] == [404, 404, 404] and answers[3] == 429


def test_the_headers_come_from_the_hit_itself(redis_limited_app: Flask) -> None:
    """One round trip per request: the window the hit counted in answers the headers, with no second read."""
    from flask import g

    from service.access.rate_limits import OneTripFixedWindow

    limiter = redis_limited_app.extensions["ingest_limiter"]
    item = limiter.limit_manager.default_limits[0].limit
    strategy = limiter.limiter
    assert isinstance(strategy, OneTripFixedWindow)
    store = services.redis_client(services.redis_db("api"))
    with redis_limited_app.test_request_context():
        assert strategy.hit(item, "one-trip-test")
        assert strategy.hit(item, "one-trip-test")
        # The counter disappears from Redis; what this request read with its hit is still its answer.
        clear_limits(store)
        reset_at, remaining = strategy.get_window_stats(item, "one-trip-test")
        assert remaining == item.amount - 2 and reset_at > 0
        assert g.rate_limit_windows
    with redis_limited_app.test_request_context():
        # A request that made no hit reads the store as before.
        assert strategy.get_window_stats(item, "one-trip-test")[1] == item.amount
