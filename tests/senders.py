"""Signing deliveries the way each sender does, for the inbound webhook tests.

Standard Webhooks: signed by the `standardwebhooks` package itself. WebSub, WordPress and Ghost: built by their
documented algorithms (WebSub spec section 8; WooCommerce's X-WC-Webhook-Signature; Ghost's webhook-trigger.js),
since none of them publishes test vectors.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from standardwebhooks import Webhook

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def standard_headers(
    secret: str, body: bytes, message_id: str | None = None, timestamp: float | None = None
) -> dict[str, str]:
    message_id = message_id or f"msg_{uuid.uuid4().hex}"
    when = datetime.fromtimestamp(timestamp if timestamp is not None else time.time(), UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, when, body.decode()),
        "Content-Type": "application/json",
    }


def websub_headers(
    secret: str, body: bytes, algorithm: str = "sha1", content_type: str = "application/rss+xml"
) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()
    return {"X-Hub-Signature": f"{algorithm}={digest}", "Content-Type": content_type}


def wordpress_headers(
    secret: str, body: bytes, delivery_id: str | None = None, header: str = "X-WP-Webhook-Signature"
) -> dict[str, str]:
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    headers = {header: signature, "Content-Type": "application/json"}
    if delivery_id:
        headers["X-WC-Webhook-Delivery-ID"] = delivery_id
    return headers


def ghost_headers(secret: str, body: bytes, timestamp_ms: int | None = None) -> dict[str, str]:
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return {"X-Ghost-Signature": f"sha256={digest}, t={timestamp}", "Content-Type": "application/json"}
