"""Subscriptions API on real PostgreSQL: CRUD, the secret shown once, rotation, the SSRF check at creation."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

LOCAL_URL = "http://127.0.0.1:9/hook"


@pytest.fixture
def loopback_allowed(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The operator allow-list the tests need to reach their receivers on 127.0.0.1."""
    monkeypatch.setitem(app.config, "WEBHOOK_ALLOWED_NETWORKS", ["127.0.0.1/32"])


def create(client: FlaskClient, **overrides: Any) -> Any:
    body = {"url": LOCAL_URL, "events": ["article.processed", "article.failed"], **overrides}
    return client.post("/v1/subscriptions", json=body)


def test_create_shows_the_secret_once(client: FlaskClient, loopback_allowed: None) -> None:
    response = create(client, description="newsroom")

    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["secret"].startswith("whsec_")
    assert created["enabled"] is True and created["disabled_reason"] is None
    assert created["events"] == ["article.failed", "article.processed"]

    read = client.get(f"/v1/subscriptions/{created['id']}").get_json()
    listed = client.get("/v1/subscriptions").get_json()["items"]
    assert "secret" not in read
    assert [item["id"] for item in listed] == [created["id"]] and "secret" not in listed[0]


def test_patch_changes_only_what_is_given_and_delete_removes(client: FlaskClient, loopback_allowed: None) -> None:
    subscription_id = create(client).get_json()["id"]

    patched = client.patch(f"/v1/subscriptions/{subscription_id}", json={"events": ["article.duplicate"]})
    assert patched.status_code == 200
    assert patched.get_json()["events"] == ["article.duplicate"] and patched.get_json()["url"] == LOCAL_URL

    disabled = client.patch(f"/v1/subscriptions/{subscription_id}", json={"enabled": False}).get_json()
    assert disabled["enabled"] is False and disabled["disabled_reason"]
    enabled = client.patch(f"/v1/subscriptions/{subscription_id}", json={"enabled": True}).get_json()
    assert enabled["enabled"] is True and enabled["disabled_reason"] is None

    assert client.delete(f"/v1/subscriptions/{subscription_id}").status_code == 204
    missing = client.get(f"/v1/subscriptions/{subscription_id}")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"


def test_validation_errors_are_field_level_problems(client: FlaskClient, loopback_allowed: None) -> None:
    response = client.post("/v1/subscriptions", json={"url": "not a url", "events": ["article.eaten"]})

    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    errors = response.get_json()["errors"]["json"]
    assert "url" in errors and "events" in errors


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:9/hook", "http://2130706433/", "http://[::1]/", "http://169.254.169.254/", "http://0x7f.1/"],
)
def test_internal_urls_are_refused_without_an_allow_list(client: FlaskClient, url: str) -> None:
    response = create(client, url=url)

    assert response.status_code == 422
    # The odd spellings that the URL validator does not already reject are caught by the address check.
    assert response.get_json()["errors"]["json"]["url"]


def test_patch_checks_the_new_url_too(client: FlaskClient, loopback_allowed: None, app: Flask) -> None:
    subscription_id = create(client).get_json()["id"]

    response = client.patch(f"/v1/subscriptions/{subscription_id}", json={"url": "http://10.1.2.3/hook"})

    assert response.status_code == 422 and "url" in response.get_json()["errors"]["json"]


def test_a_host_the_resolver_cannot_encode_is_a_422_on_create_and_patch(
    client: FlaskClient, loopback_allowed: None
) -> None:
    unencodable = f"https://{'ä' * 60}.example/hook"  # one label over the 63 characters IDNA allows
    subscription_id = create(client).get_json()["id"]

    created = create(client, url=unencodable)
    patched = client.patch(f"/v1/subscriptions/{subscription_id}", json={"url": unencodable})

    for response in (created, patched):
        assert response.status_code == 422 and response.mimetype == "application/problem+json"
        assert "url" in response.get_json()["errors"]["json"]


def test_rotation_shows_the_new_secret_and_keeps_the_old_one_signing(
    client: FlaskClient, loopback_allowed: None
) -> None:
    created = create(client).get_json()

    rotated = client.post(f"/v1/subscriptions/{created['id']}/rotate-secret", json={})

    assert rotated.status_code == 200
    body = rotated.get_json()
    assert body["secret"].startswith("whsec_") and body["secret"] != created["secret"]
    overlap_ends = datetime.fromisoformat(body["previous_secret_expires_at"])
    assert timedelta(hours=23) < overlap_ends - datetime.now(UTC) <= timedelta(hours=24)

    short = client.post(f"/v1/subscriptions/{created['id']}/rotate-secret", json={"overlap_seconds": 60}).get_json()
    assert datetime.fromisoformat(short["previous_secret_expires_at"]) - datetime.now(UTC) <= timedelta(seconds=60)


def test_unknown_subscription_and_delivery_are_404(client: FlaskClient, loopback_allowed: None) -> None:
    subscription_id = create(client).get_json()["id"]

    assert client.get("/v1/subscriptions/nope/deliveries").status_code == 404
    response = client.post(f"/v1/subscriptions/{subscription_id}/deliveries/nope/redeliver")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
