"""Standard Webhooks (https://www.standardwebhooks.com): one article or a list, as in POST /v1/articles."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError

from service.articles.schemas import ArticleSubmitSchema
from service.articles.submit import submission_from_json
from service.integrations.adapters import InboundDelivery, InvalidPayload, Received, json_payload
from service.integrations.signatures import (
    SignatureInvalid,
    check_timestamp,
    hmac_digest,
    matches,
    require_header,
)
from service.subscriptions.signing import secret_key

MAX_ARTICLES = 100
SECONDS = re.compile(r"[0-9]{1,12}")


def verify(delivery: InboundDelivery) -> str:
    """Check webhook-signature over `id.timestamp.body`; any one of the space-separated v1 signatures may match."""
    message_id = require_header(delivery.headers, "webhook-id")
    timestamp_text = require_header(delivery.headers, "webhook-timestamp")
    signatures = require_header(delivery.headers, "webhook-signature")
    # ASCII digits only, and few enough for a date: isdigit() takes "²", which int() refuses, and 30 digits overflow.
    if not SECONDS.fullmatch(timestamp_text):
        raise SignatureInvalid("webhook-timestamp is not a number of seconds.")
    check_timestamp(datetime.fromtimestamp(int(timestamp_text), UTC), delivery.now, delivery.tolerance)
    signed = f"{message_id}.{timestamp_text}.".encode() + delivery.body
    expected = hmac_digest(secret_key(delivery.secret), signed)
    for candidate in signatures.split():
        version, _, encoded = candidate.partition(",")
        if version != "v1":
            continue
        try:
            given = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            continue
        if matches(expected, given):
            return message_id
    raise SignatureInvalid("No signature in webhook-signature matches this integration's secret.")


def parse(delivery: InboundDelivery) -> Received:
    """The ingest requests a verified delivery maps to."""
    items = json_payload(delivery.body)
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list) or not items or len(items) > MAX_ARTICLES:
        raise InvalidPayload(f"The body is one article object or a list of 1 to {MAX_ARTICLES} of them.")
    schema = ArticleSubmitSchema()
    submissions = []
    errors: dict[str, Any] = {}
    for index, item in enumerate(items):
        try:
            data = schema.load(item)
        except ValidationError as error:
            errors[str(index)] = error.messages
            continue
        data.setdefault("source", delivery.source)
        submissions.append(submission_from_json(data, tenant_id=delivery.tenant_id, request_id=delivery.request_id))
    if errors:
        raise InvalidPayload("Some articles in the body are not valid; nothing was ingested.", {"json": errors})
    return Received(submissions)
