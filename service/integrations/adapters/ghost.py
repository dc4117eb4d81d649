"""Ghost: the `post.published` webhook, signed `X-Ghost-Signature: sha256=<hex>, t=<ms>`.

Ghost computes hex HMAC-SHA256 over the raw body followed by the timestamp (milliseconds) with the webhook secret
(`core/server/services/webhooks/webhook-trigger.js`). Ghost sends no delivery id; the signature stands for one.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from service.integrations.adapters import InboundDelivery, InvalidPayload, Received, json_payload
from service.integrations.documents import Post, iso_utc
from service.integrations.signatures import (
    SignatureInvalid,
    check_timestamp,
    hmac_digest,
    matches,
    require_header,
)

MILLISECONDS = re.compile(r"[0-9]{1,15}")


def verify(delivery: InboundDelivery) -> str:
    header = require_header(delivery.headers, "X-Ghost-Signature")
    fields = dict(part.strip().partition("=")[::2] for part in header.split(","))
    given_hex, timestamp = fields.get("sha256", ""), fields.get("t", "")
    # ASCII digits only, and few enough for a date: isdigit() takes "²", which int() refuses, and 30 digits overflow.
    if not given_hex or not MILLISECONDS.fullmatch(timestamp):
        raise SignatureInvalid("X-Ghost-Signature is not `sha256=<hex>, t=<milliseconds>`.")
    try:
        given = bytes.fromhex(given_hex)
    except ValueError as error:
        raise SignatureInvalid("The X-Ghost-Signature hash is not hexadecimal.") from error
    check_timestamp(datetime.fromtimestamp(int(timestamp) / 1000, UTC), delivery.now, delivery.tolerance)
    if not matches(hmac_digest(delivery.secret.encode(), delivery.body + timestamp.encode()), given):
        raise SignatureInvalid("X-Ghost-Signature does not match this integration's secret.")
    return f"ghost:{timestamp}:{given_hex.lower()}"


def parse(delivery: InboundDelivery) -> Received:
    """The ingest requests a verified delivery maps to."""
    payload = json_payload(delivery.body)
    post = ((payload or {}).get("post") or {}).get("current") if isinstance(payload, dict) else None
    if not isinstance(post, dict):
        raise InvalidPayload("The body is not a Ghost post event ({post: {current: {...}}}).")
    status = post.get("status")
    if status not in (None, "published"):
        return Received().skip(str(post.get("id", "")), f"status {status}, not published")
    html = post.get("html")
    if not isinstance(html, str) or not html.strip():
        raise InvalidPayload("post.current.html is missing or empty.", {"json": {"post.current.html": ["No content."]}})
    ghost_id = post.get("uuid") or post.get("id")
    return Received().add(
        Post(
            html=html,
            title=post.get("title"),
            url=post.get("url"),
            authors=_authors(post),
            published_at=iso_utc(post.get("published_at")),
            external_id=f"ghost:{ghost_id}" if ghost_id else None,
        ),
        delivery,
    )


def _authors(post: dict[str, Any]) -> list[str]:
    authors = [author.get("name") for author in post.get("authors") or [] if isinstance(author, dict)]
    names = [name for name in authors if isinstance(name, str) and name]
    primary = post.get("primary_author")
    if not names and isinstance(primary, dict) and primary.get("name"):
        names = [primary["name"]]
    return names
