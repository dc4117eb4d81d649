"""API keys: every route but the probes and the OpenAPI document needs one, scopes are enforced, tenants are apart."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from service.access.keys import KEY_PREFIX
from service.cli import main as ingest_cli
from tests.conftest import authenticated

PROBLEM = "application/problem+json"
SEED_TEXT = b"Chinese Foreign Minister Wang Yi said Monday his government will act."


def test_routes_without_a_key_are_401(anonymous_client: FlaskClient) -> None:
    for method, path in [
        ("get", "/v1/articles"),
        ("post", "/v1/articles"),
        ("post", "/v1/articles/batch"),
        ("get", "/v1/articles/some-id"),
        ("delete", "/v1/articles/some-id"),
        ("get", "/v1/articles/some-id/raw"),
        ("post", "/v1/articles/some-id/reprocess"),
        ("get", "/metrics"),
    ]:
        response = getattr(anonymous_client, method)(path)
        assert response.status_code == 401, (method, path)
        assert response.mimetype == PROBLEM
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_probes_and_the_openapi_document_are_public(anonymous_client: FlaskClient) -> None:
    assert anonymous_client.get("/healthz").status_code == 200
    assert anonymous_client.get("/readyz").status_code == 200
    assert anonymous_client.get("/openapi.json").status_code == 200
    assert anonymous_client.get("/docs").status_code == 200


def test_a_key_is_accepted_as_bearer_or_x_api_key(app: Flask, make_key: Callable[..., str]) -> None:
    key = make_key()
    client = app.test_client()
    assert client.get("/v1/articles", headers={"Authorization": f"Bearer {key}"}).status_code == 200
    assert client.get("/v1/articles", headers={"X-API-Key": key}).status_code == 200
    assert client.get("/v1/articles", headers={"Authorization": f"Bearer {key}x"}).status_code == 401
    assert client.get("/v1/articles", headers={"Authorization": "Basic dXNlcjpwYXNz"}).status_code == 401


def test_a_key_without_the_scope_is_403(app: Flask, make_key: Callable[..., str]) -> None:
    reader = authenticated(app, make_key(scopes=("read",)))
    writer = authenticated(app, make_key(scopes=("ingest",)))

    refused = reader.post("/v1/articles", data=b"words", content_type="text/plain")
    assert refused.status_code == 403 and refused.mimetype == PROBLEM
    assert "ingest" in refused.get_json()["detail"]
    assert reader.get("/v1/articles").status_code == 200
    assert reader.get("/metrics").status_code == 403

    created = writer.post("/v1/articles", data=b"words", content_type="text/plain")
    assert created.status_code == 202
    assert writer.get("/v1/articles").status_code == 403
    assert writer.get(created.headers["Location"]).status_code == 403


def test_a_revoked_key_is_refused(app: Flask, db_session: Any, make_key: Callable[..., str]) -> None:
    from service.access.keys import find_active_key, revoke_key

    key = make_key()
    client = authenticated(app, key)
    assert client.get("/v1/articles").status_code == 200
    revoke_key(db_session, find_active_key(db_session, key).id)  # type: ignore[union-attr]
    assert client.get("/v1/articles").status_code == 401


def test_no_key_is_stored_in_plaintext(app: Flask, db_session: Any, make_key: Callable[..., str]) -> None:
    key = make_key(scopes=("ingest",))
    assert key.startswith(KEY_PREFIX) and len(key) >= len(KEY_PREFIX) + 22  # >= 128 bits in base64url
    secret_part = key[len(KEY_PREFIX) :]
    authenticated(app, key).post("/v1/articles", data=b"a stored thing", content_type="text/plain")
    for table in ("api_keys", "tenants", "articles", "raw_documents", "idempotency_keys"):
        for row in db_session.execute(text(f"SELECT * FROM {table}")):
            for value in row:
                rendered = value.decode("latin-1") if isinstance(value, bytes) else str(value)
                assert secret_part not in rendered, table


@pytest.fixture
def two_tenants(app: Flask, make_key: Callable[..., str]) -> tuple[FlaskClient, FlaskClient]:
    return authenticated(app, make_key("tenant-a")), authenticated(app, make_key("tenant-b"))


def test_another_tenants_article_is_404_everywhere(
    two_tenants: tuple[FlaskClient, FlaskClient], queued_messages: Any
) -> None:
    owner, stranger = two_tenants
    article_id = owner.post("/v1/articles?source=private", data=SEED_TEXT, content_type="text/plain").get_json()["id"]

    for response in (
        stranger.get(f"/v1/articles/{article_id}"),
        stranger.get(f"/v1/articles/{article_id}?fields=title"),
        stranger.get(f"/v1/articles/{article_id}/raw"),
        stranger.post(f"/v1/articles/{article_id}/reprocess"),
        stranger.delete(f"/v1/articles/{article_id}"),
    ):
        assert response.status_code == 404
        assert article_id in response.get_json()["detail"]
    assert stranger.get("/v1/articles?source=private").get_json()["items"] == []
    assert stranger.get("/v1/articles?q=Wang").get_json()["items"] == []
    # The same document from another tenant is that tenant's own article, not a duplicate of the first.
    theirs = stranger.post("/v1/articles?source=private", data=SEED_TEXT, content_type="text/plain")
    assert theirs.status_code == 202 and theirs.get_json()["id"] != article_id
    assert owner.get(f"/v1/articles/{article_id}").status_code == 200


def test_idempotency_keys_are_per_tenant(two_tenants: tuple[FlaskClient, FlaskClient], queued_messages: Any) -> None:
    owner, stranger = two_tenants
    headers = {"Idempotency-Key": "shared-key-1"}
    first = owner.post("/v1/articles", data=b"one tenant", content_type="text/plain", headers=headers)
    other = stranger.post("/v1/articles", data=b"another tenant", content_type="text/plain", headers=headers)
    assert first.status_code == 202 and other.status_code == 202
    assert first.get_json()["id"] != other.get_json()["id"]


def test_keys_cli_create_list_revoke(app: Flask, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_DATABASE_URL", postgres_url)
    monkeypatch.setenv("INGEST_BROKER_URL", app.config["BROKER_URL"])
    tenant = f"cli-{uuid.uuid4().hex[:8]}"
    runner = CliRunner()

    assert runner.invoke(ingest_cli, ["tenants", "create", tenant]).exit_code == 0
    created = runner.invoke(ingest_cli, ["keys", "create", "--tenant", tenant, "--scope", "ingest", "--scope", "read"])
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith(KEY_PREFIX)

    listed = runner.invoke(ingest_cli, ["keys", "list", "--tenant", tenant])
    assert key[: len(KEY_PREFIX) + 6] in listed.output and key not in listed.output
    assert "ingest,read" in listed.output and "active" in listed.output
    key_id = listed.output.split()[0]

    client = app.test_client()
    assert client.get("/v1/articles", headers={"X-API-Key": key}).status_code == 200
    assert runner.invoke(ingest_cli, ["keys", "revoke", key_id]).exit_code == 0
    assert client.get("/v1/articles", headers={"X-API-Key": key}).status_code == 401
    assert "revoked" in runner.invoke(ingest_cli, ["keys", "list", "--tenant", tenant]).output
    unknown = runner.invoke(ingest_cli, ["keys", "create", "--tenant", "nobody-" + tenant, "--scope", "read"])
    assert unknown.exit_code != 0 and "no tenant" in unknown.output


PUBLIC_PATHS = {"/healthz", "/readyz", "/v1/webhooks/{integration_id}"}


def test_every_route_declares_its_key_and_every_post_its_idempotency_key(anonymous_client: FlaskClient) -> None:
    # A guard for routes added later (subscriptions, integrations...): each states its scope with require_scope,
    # and each POST that a key authenticates takes an Idempotency-Key (decorate it with service.access.idempotency's
    # `idempotent`). Routes that authenticate another way are marked @public, have no security requirement, and
    # are listed in PUBLIC_PATHS here.
    spec = anonymous_client.get("/openapi.json").get_json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            secured = bool(operation.get("security"))
            assert secured != (path in PUBLIC_PATHS), f"{method.upper()} {path}: security {operation.get('security')}"
            if secured:
                assert {"401", "403"} <= set(operation["responses"]), f"{method.upper()} {path}"
            if secured and method == "post":
                names = {parameter.get("name") for parameter in operation.get("parameters", [])}
                assert "Idempotency-Key" in names, f"POST {path} takes no Idempotency-Key"


def test_another_tenants_subscription_and_integration_are_404(
    app: Flask, two_tenants: tuple[FlaskClient, FlaskClient], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_NETWORKS", ["127.0.0.1/32"])
    owner, stranger = two_tenants
    subscription = owner.post(
        "/v1/subscriptions", json={"url": "http://127.0.0.1:9/hook", "events": ["article.processed"]}
    )
    assert subscription.status_code == 201, subscription.get_json()
    subscription_id = subscription.get_json()["id"]
    integration = owner.post("/v1/integrations", json={"type": "standard"})
    assert integration.status_code == 201, integration.get_json()
    integration_id = integration.get_json()["id"]

    for response in (
        stranger.get(f"/v1/subscriptions/{subscription_id}"),
        stranger.patch(f"/v1/subscriptions/{subscription_id}", json={"enabled": False}),
        stranger.post(f"/v1/subscriptions/{subscription_id}/rotate-secret", json={}),
        stranger.get(f"/v1/subscriptions/{subscription_id}/deliveries"),
        stranger.delete(f"/v1/subscriptions/{subscription_id}"),
        stranger.get(f"/v1/integrations/{integration_id}"),
        stranger.delete(f"/v1/integrations/{integration_id}"),
    ):
        assert response.status_code == 404, response.get_json()
    assert stranger.get("/v1/subscriptions").get_json()["items"] == []
    assert stranger.get("/v1/integrations").get_json()["items"] == []
    assert owner.get(f"/v1/subscriptions/{subscription_id}").status_code == 200
    assert owner.get(f"/v1/integrations/{integration_id}").status_code == 200


def test_subscriptions_and_integrations_need_the_admin_scope(app: Flask, make_key: Callable[..., str]) -> None:
    worker = authenticated(app, make_key(scopes=("ingest", "read")))
    assert worker.get("/v1/subscriptions").status_code == 403
    assert worker.post("/v1/integrations", json={"type": "standard"}).status_code == 403


def test_metrics_take_a_metrics_or_admin_key_and_a_metrics_key_nothing_else(
    app: Flask, make_key: Callable[..., str]
) -> None:
    scraper = authenticated(app, make_key(scopes=("metrics",)))
    operator = authenticated(app, make_key(scopes=("admin",)))
    reader = authenticated(app, make_key(scopes=("read",)))

    assert scraper.get("/metrics").status_code == 200
    assert operator.get("/metrics").status_code == 200
    refused = reader.get("/metrics")
    assert refused.status_code == 403 and "'metrics' or 'admin'" in refused.get_json()["detail"]
    assert scraper.get("/v1/subscriptions").status_code == 403
    assert scraper.post("/v1/integrations", json={"type": "standard"}).status_code == 403
    assert scraper.get("/v1/articles").status_code == 403
    assert scraper.post("/v1/articles", data=b"words", content_type="text/plain").status_code == 403


def test_a_metrics_key_is_made_with_the_cli(app: Flask, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INGEST_DATABASE_URL", postgres_url)
    monkeypatch.setenv("INGEST_BROKER_URL", app.config["BROKER_URL"])
    tenant = f"ops-{uuid.uuid4().hex[:8]}"
    created = CliRunner().invoke(
        ingest_cli, ["keys", "create", "--tenant", tenant, "--create-tenant", "--scope", "metrics", "--name", "prom"]
    )
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[-1]
    client = app.test_client()
    assert client.get("/metrics", headers={"X-API-Key": key}).status_code == 200
    assert client.get("/v1/articles", headers={"X-API-Key": key}).status_code == 403
