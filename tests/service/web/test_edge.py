"""The HTTP edge: security headers on every response, and 503 (not 500) while the database is away."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service import create_app
from service.web.security import STRICT_POLICY
from tests import services
from tests.service.web.test_problems import assert_problem


@pytest.mark.parametrize(
    ("path", "status"), [("/v1/articles", 200), ("/v1/articles/nope", 404), ("/openapi.json", 200), ("/healthz", 200)]
)
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Frame-Options"] == "DENY"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_raw_html_is_served_sandboxed(client: FlaskClient, queued_messages: Any) -> None:
    created = client.post(
        "/v1/articles", data=b"<html><script>alert(1)</script><p>Hi</p></html>", content_type="text/html"
    )
    raw = client.get(created.get_json()["links"]["raw"])
    assert raw.mimetype == "text/html" and "sandbox" in raw.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/docs", "/console/sign-in"])
def test_pages_keep_their_own_policy(postgres_url: str, tmp_path: Any, path: str) -> None:
    app = create_app({"DATABASE_URL": postgres_url, "VAR_DIR": str(tmp_path), "SECRET_KEY": "console-test-" + "k" * 32})
    response = app.test_client().get(path)
    app.extensions["db"].dispose()
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == STRICT_POLICY
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.fixture
def app_without_database(tmp_path: Any) -> Any:
    """An app whose PostgreSQL is down: nothing listens on the port its URL names."""
    from tests.e2e.conftest import free_port

    return create_app(
        {
            "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{free_port()}/ingest",
            "BROKER_URL": services.redis_url(services.redis_db("api")),
            "VAR_DIR": str(tmp_path),
            "RATE_LIMIT_STORAGE_URL": "memory://",
        }
    )


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [("post", "/v1/articles", {"text": "A story."}), ("get", "/v1/articles", None), ("get", "/v1/articles/x", None)],
)
def test_requests_while_the_database_is_down_are_503_with_retry_after(
    app_without_database: Any, method: str, path: str, body: Any
) -> None:
    client = app_without_database.test_client()
    response = getattr(client, method)(path, json=body, headers={"Authorization": "Bearer ik_live_whatever"})
    problem = assert_problem(response, 503)
    assert problem["type"].endswith("/database-unavailable")
    assert int(response.headers["Retry-After"]) > 0
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_webhook_while_the_database_is_down_is_503(app_without_database: Any) -> None:
    response = app_without_database.test_client().post(
        "/v1/webhooks/some-id", data=b"{}", content_type="application/json"
    )
    assert_problem(response, 503)
