"""WebSub (PubSubHubbub) subscriber: the hub pushes a feed signed with X-Hub-Signature; each entry is an article."""

from __future__ import annotations

import calendar
import hashlib
import re
import time
from datetime import UTC, datetime
from typing import Any

import feedparser

from service.integrations.adapters import InboundDelivery, InvalidPayload, Received
from service.integrations.documents import Post, iso_utc
from service.integrations.signatures import SignatureInvalid, hmac_digest, matches, require_header

# The WebSub spec names these; sha1 is what most hubs still send.
ALGORITHMS = ("sha1", "sha256", "sha384", "sha512")
MAX_ENTRIES = 200
# Feeds are parsed inside the request, so their shape is bounded first: feedparser took 8.6 s on a validly signed
# feed nested 100,000 deep. A real push is a few entries; these leave room for a full-content feed of MAX_ENTRIES.
MAX_FEED_BYTES = 4 * 1024 * 1024
MAX_FEED_DEPTH = 48
MAX_FEED_ELEMENTS = 100_000
# Tags, with CDATA sections and comments matched whole so the HTML inside them is not counted as feed elements.
MARKUP = re.compile(rb"<!\[CDATA\[.*?\]\]>|<!--.*?-->|<(/?)[A-Za-z_][^<>]*?(/?)>", re.DOTALL)


def verify(delivery: InboundDelivery) -> str:
    """Check X-Hub-Signature: `method=hex HMAC of the body`; the delivery id is the body's hash (hubs send none)."""
    header = require_header(delivery.headers, "X-Hub-Signature")
    method, _, given_hex = header.partition("=")
    method = method.strip().lower()
    if method not in ALGORITHMS:
        raise SignatureInvalid(
            f"X-Hub-Signature uses {method or 'no method'}; expected one of {', '.join(ALGORITHMS)}."
        )
    try:
        given = bytes.fromhex(given_hex.strip())
    except ValueError as error:
        raise SignatureInvalid("X-Hub-Signature is not hexadecimal.") from error
    if not matches(hmac_digest(delivery.secret.encode(), delivery.body, method), given):
        raise SignatureInvalid("X-Hub-Signature does not match this integration's secret.")
    return "sha256:" + hashlib.sha256(delivery.body).hexdigest()


def check_shape(body: bytes) -> None:
    """Refuse a feed too large, too deep or with too many elements to parse inside a request (InvalidPayload)."""
    if len(body) > MAX_FEED_BYTES:
        raise InvalidPayload(f"The feed is larger than {MAX_FEED_BYTES:,} bytes; push fewer entries at a time.")
    depth = elements = 0
    for match in MARKUP.finditer(body):
        closing, self_closing = match.groups()
        if closing:
            depth -= 1
        elif closing is not None and not self_closing:
            depth += 1
            elements += 1
            if depth > MAX_FEED_DEPTH:
                raise InvalidPayload(f"The feed is nested deeper than {MAX_FEED_DEPTH} elements.")
            if elements > MAX_FEED_ELEMENTS:
                raise InvalidPayload(f"The feed has more than {MAX_FEED_ELEMENTS:,} elements.")


def parse(delivery: InboundDelivery) -> Received:
    """The ingest requests a verified delivery maps to."""
    check_shape(delivery.body)
    feed = feedparser.parse(delivery.body, sanitize_html=True, resolve_relative_uris=True)
    if not feed.entries:
        detail = f" ({feed.bozo_exception})" if feed.get("bozo") else ""
        raise InvalidPayload(f"The body is not an RSS or Atom feed with entries{detail}.")
    received = Received()
    feed_title = feed.feed.get("title")
    for entry in feed.entries[:MAX_ENTRIES]:
        post = entry_post(entry, feed_title)
        if post is None:
            received.skip(entry.get("id") or entry.get("link") or "", "no content")
        else:
            received.add(post, delivery)
    return received


def entry_post(entry: Any, feed_title: str | None) -> Post | None:
    """One feed entry as a post: its full content if the feed has it, else its summary."""
    contents = entry.get("content") or []
    body = next((item.get("value") for item in contents if item.get("value")), None) or entry.get("summary")
    if not body or not body.strip():
        return None
    authors = [author.get("name") for author in entry.get("authors") or [] if author.get("name")]
    if not authors and entry.get("author"):
        authors = [entry["author"]]
    return Post(
        html=body,
        title=entry.get("title"),
        url=entry.get("link"),
        authors=authors,
        published_at=_published(entry),
        external_id=entry.get("id") or entry.get("link"),
        extra={"feed": feed_title} if feed_title else {},
    )


def _published(entry: Any) -> str | None:
    parsed: time.struct_time | None = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed is not None:
        # feedparser normalises to UTC struct_time.
        return datetime.fromtimestamp(calendar.timegm(parsed), UTC).isoformat()
    return iso_utc(entry.get("published"))


def verification_answer(mode: str | None, topic: str | None, challenge: str | None, expected_topic: str | None) -> str:
    """The challenge to echo when the hub verifies a (un)subscription we agree to; ValueError otherwise.

    A `denied` notice (the hub refused our subscription) carries no challenge: it is acknowledged with an empty body.
    """
    if mode == "denied":
        return ""
    if mode not in ("subscribe", "unsubscribe"):
        raise ValueError("hub.mode must be subscribe, unsubscribe or denied.")
    if not topic or not challenge:
        raise ValueError("hub.topic and hub.challenge are required.")
    if not expected_topic:
        # Confirming whatever a hub asks would let anyone subscribe us to any feed they like.
        raise ValueError("This integration has no topic configured, so it confirms none; create it with its feed URL.")
    if topic != expected_topic:
        raise ValueError("hub.topic is not the feed this integration subscribed to.")
    return challenge
