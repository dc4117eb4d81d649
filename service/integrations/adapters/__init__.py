"""One adapter per integration type: verify a delivery's signature, then map its payload to submissions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from service.articles.submit import Submission
from service.integrations.documents import Post, submission
from service.web.json_bodies import JsonBodyError, load_json


@dataclass
class Received:
    """What a verified delivery maps to: ingest requests, and what was left out."""

    submissions: list[Submission] = field(default_factory=list)
    # Items the payload held that are not articles to ingest (a draft, an entry without content), and why.
    skipped: list[dict[str, str]] = field(default_factory=list)

    def add(self, post: Post, delivery: InboundDelivery) -> Received:
        """Submit `post` as an article of the delivery's integration (its source and tenant)."""
        self.submissions.append(
            submission(post, source=delivery.source, tenant_id=delivery.tenant_id, request_id=delivery.request_id)
        )
        return self

    def skip(self, item_id: str, reason: str) -> Received:
        self.skipped.append({"id": item_id, "reason": reason})
        return self


@dataclass(frozen=True)
class InboundDelivery:
    """What the adapter gets: the raw body, the headers (lower-cased names) and the integration's settings."""

    body: bytes
    headers: dict[str, str]
    secret: str
    source: str
    tenant_id: str
    request_id: str | None
    now: datetime
    tolerance: timedelta


class InvalidPayload(ValueError):
    """The body is signed correctly but is not what this sender type sends; errors says where."""

    def __init__(self, message: str, errors: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {"body": [message]}


class Adapter(Protocol):
    """An integration type: check the signature (returning the delivery id), then map the payload."""

    def verify(self, delivery: InboundDelivery) -> str: ...

    def parse(self, delivery: InboundDelivery) -> Received: ...


def json_payload(body: bytes) -> Any:
    """A JSON delivery's document, read as strictly as any JSON request body (UTF-8, bounded depth)."""
    try:
        return load_json(body)
    except JsonBodyError as error:
        raise InvalidPayload(str(error)) from error
