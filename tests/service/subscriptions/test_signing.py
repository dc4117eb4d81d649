"""Our Standard Webhooks signatures, checked by the reference `standardwebhooks` package."""

from __future__ import annotations

import base64
import json
import time

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from service.subscriptions.signing import generate_secret, secret_key, webhook_headers

BODY = json.dumps({"type": "article.processed", "timestamp": "2026-01-01T00:00:00+00:00", "data": {"id": "a"}}).encode()


def test_secret_format() -> None:
    secret = generate_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    assert generate_secret() != secret


def test_the_reference_library_verifies_our_signature() -> None:
    secret = generate_secret()
    headers = webhook_headers([secret], "msg_1", int(time.time()), BODY)

    assert Webhook(secret).verify(BODY, headers) == json.loads(BODY)


def test_during_rotation_either_secret_verifies() -> None:
    new, old = generate_secret(), generate_secret()
    headers = webhook_headers([new, old], "msg_2", int(time.time()), BODY)

    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(new).verify(BODY, headers)
    Webhook(old).verify(BODY, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(BODY, headers)


def test_a_tampered_body_does_not_verify() -> None:
    secret = generate_secret()
    headers = webhook_headers([secret], "msg_3", int(time.time()), BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b'"a"', b'"b"'), headers)


def test_secret_key_rejects_non_base64() -> None:
    with pytest.raises(ValueError):
        secret_key("whsec_not base64!")
