"""WordPress: a REST API post object, signed the way WooCommerce and the common webhook plugins sign.

Signature: `X-WP-Webhook-Signature` (or WooCommerce's `X-WC-Webhook-Signature`) = base64 HMAC-SHA256 of the raw
body with the shared secret. The replay key is the hash of that signed body: the delivery-id headers are not signed,
so a captured body resent with a fresh id is still recognised. The scheme signs no timestamp, so a body is only known
as a replay for as long as we remember it (INGEST_WEBHOOK_REPLAY_RETENTION_SECONDS).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from service.integrations.adapters import InboundDelivery, InvalidPayload, Received, json_payload
from service.integrations.documents import Post, iso_utc
from service.integrations.signatures import SignatureInvalid, hmac_digest, matches

SIGNATURE_HEADERS = ("x-wp-webhook-signature", "x-wc-webhook-signature")


def verify(delivery: InboundDelivery) -> str:
    header = next((delivery.headers[name] for name in SIGNATURE_HEADERS if delivery.headers.get(name)), None)
    if header is None:
        raise SignatureInvalid("The X-WP-Webhook-Signature (or X-WC-Webhook-Signature) header is missing.")
    try:
        given = base64.b64decode(header.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise SignatureInvalid("The signature is not base64.") from error
    if not matches(hmac_digest(delivery.secret.encode(), delivery.body), given):
        raise SignatureInvalid("The signature does not match this integration's secret.")
    # Not the X-WP/X-WC-Webhook-Delivery-ID header: it is outside the signature, and a fresh one would pass a replay.
    return "sha256:" + hashlib.sha256(delivery.body).hexdigest()


def parse(delivery: InboundDelivery) -> Received:
    """The ingest requests a verified delivery maps to."""
    post = json_payload(delivery.body)
    if not isinstance(post, dict):
        raise InvalidPayload("The body is not a WordPress post object.")
    status = post.get("status")
    if status not in (None, "publish"):
        return Received().skip(str(post.get("id", "")), f"status {status}, not publish")
    body = _rendered(post.get("content"))
    if not body.strip():
        raise InvalidPayload("content.rendered is missing or empty.", {"json": {"content": ["No content."]}})
    return Received().add(
        Post(
            html=body,
            title=_rendered(post.get("title")) or None,
            url=post.get("link"),
            authors=_authors(post),
            published_at=iso_utc(post.get("date_gmt")) or iso_utc(post.get("date")),
            external_id=f"wordpress:{post['id']}" if post.get("id") is not None else None,
        ),
        delivery,
    )


def _rendered(value: Any) -> str:
    """WordPress sends {rendered: "..."} objects; plugins often flatten them to strings."""
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else ""


def _authors(post: dict[str, Any]) -> list[str]:
    """Author names when embedded (?_embed), else nothing: the bare post only has the author's numeric id."""
    embedded = (post.get("_embedded") or {}).get("author") or []
    names = [str(author["name"]) for author in embedded if isinstance(author, dict) and author.get("name")]
    if not names and isinstance(post.get("author_name"), str):
        names = [post["author_name"]]
    return names
