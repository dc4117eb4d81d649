"""Webhook secrets sealed at rest with INGEST_WEBHOOK_SECRETS_KEY, on real PostgreSQL; plaintext rows still read."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from service import create_app
from service.access.keys import create_tenant
from service.config import ConfigurationError
from service.integrations.models import Integration
from service.sealing import SEALED_PREFIX, SecretsKeyError, generate_key, reseal_all
from service.subscriptions.models import Subscription
from tests import services
from tests.conftest import keyed_client
from tests.senders import standard_headers

ARTICLE = b'{"text": "The harbour reopened on Thursday after four months of repairs."}'


@pytest.fixture
def sealed_app(postgres_url: str, tmp_path: Any) -> Iterator[Flask]:
    config = {
        "DATABASE_URL": postgres_url,
        "BROKER_URL": services.redis_url(services.redis_db("api")),
        "VAR_DIR": str(tmp_path),
        "RATE_LIMIT_STORAGE_URL": "memory://",
    }
    app = create_app({**config, "WEBHOOK_SECRETS_KEY": f"{generate_key()},{generate_key()}"})
    app.config["UNSEALED_APP"] = create_app(config)
    yield app
    with app.app_context():
        session = app.extensions["db"].session
        session.execute(text("DELETE FROM integrations WHERE source LIKE 'sealing-%'"))
        session.commit()
    app.extensions["db"].dispose()
    app.config["UNSEALED_APP"].extensions["db"].dispose()


def stored_secret(app: Flask, integration_id: str) -> str:
    with app.app_context():
        session = app.extensions["db"].session
        value = session.execute(text("SELECT secret FROM integrations WHERE id = :id"), {"id": integration_id}).scalar()
        session.rollback()
        return str(value)


def new_tenant_client(app: Flask) -> FlaskClient:
    tenant = f"sealing-{uuid.uuid4().hex[:8]}"
    with app.app_context():
        create_tenant(app.extensions["db"].session, tenant)
    return keyed_client(app, tenant)


def test_an_integration_secret_is_sealed_and_still_verifies(sealed_app: Flask, queued_messages: Any) -> None:
    client = new_tenant_client(sealed_app)
    created = client.post("/v1/integrations", json={"type": "standard", "source": "sealing-a"}).get_json()

    stored = stored_secret(sealed_app, created["id"])
    assert stored.startswith(SEALED_PREFIX) and created["secret"] not in stored
    headers = standard_headers(created["secret"], ARTICLE)
    assert client.post(f"/v1/webhooks/{created['id']}", data=ARTICLE, headers=headers).status_code == 202

    # Without the key, a sealed secret cannot be read at all (it is not taken for a plaintext one).
    unsealed = sealed_app.config["UNSEALED_APP"]
    with unsealed.app_context(), pytest.raises(SecretsKeyError):
        unsealed.extensions["db"].session.get(Integration, created["id"])


def test_plaintext_secrets_stored_before_the_key_are_read_and_then_sealed(
    sealed_app: Flask, queued_messages: Any
) -> None:
    unsealed = sealed_app.config["UNSEALED_APP"]
    client = new_tenant_client(unsealed)
    created = client.post("/v1/integrations", json={"type": "standard", "source": "sealing-b"}).get_json()
    assert stored_secret(sealed_app, created["id"]) == created["secret"]  # no key: stored as given

    with sealed_app.app_context():
        session = sealed_app.extensions["db"].session
        assert session.get(Integration, created["id"]).secret == created["secret"]
        assert reseal_all(session) >= 1
        session.expire_all()
        assert session.get(Integration, created["id"]).secret == created["secret"]
    assert stored_secret(sealed_app, created["id"]).startswith(SEALED_PREFIX)


def test_subscription_secrets_are_sealed(sealed_app: Flask) -> None:
    with sealed_app.app_context():
        session = sealed_app.extensions["db"].session
        tenant = create_tenant(session, f"sealing-{uuid.uuid4().hex[:8]}")
        subscription = Subscription(tenant_id=tenant.id, url="https://hooks.example/x", events=[], secret="whsec_abc")
        subscription.previous_secret = "whsec_old"
        session.add(subscription)
        session.commit()
        raw = session.execute(
            text("SELECT secret, previous_secret FROM subscriptions WHERE id = :id"), {"id": subscription.id}
        ).one()
        assert all(value.startswith(SEALED_PREFIX) and "whsec" not in value for value in raw)
        session.expire_all()
        assert session.get(Subscription, subscription.id).secret == "whsec_abc"
        session.delete(session.get(Subscription, subscription.id))
        session.commit()


def test_a_bad_secrets_key_is_refused_at_start() -> None:
    with pytest.raises(ConfigurationError, match="INGEST_WEBHOOK_SECRETS_KEY"):
        create_app({"WEBHOOK_SECRETS_KEY": "not-a-fernet-key"})
