"""Subscription schemas: create and change requests, the subscription, its secret, deliveries and attempts."""

from __future__ import annotations

from marshmallow import fields, validate

from service.subscriptions.models import DeliveryState, EventType
from service.web.schemas import Schema, Timestamp


def _url(**kwargs: object) -> fields.Url:
    return fields.Url(
        schemes={"http", "https"},
        require_tld=False,
        validate=validate.Length(max=2000),
        metadata={"description": "Where deliveries are POSTed; it must resolve to public addresses."},
        **kwargs,  # type: ignore[arg-type]
    )


class SubscriptionCreateSchema(Schema):
    url = _url(required=True)
    events = fields.List(
        fields.String(validate=validate.OneOf(EventType.ALL)),
        required=True,
        validate=validate.Length(min=1),
        metadata={"description": f"Events to receive: {', '.join(EventType.ALL)}."},
    )
    description = fields.String(validate=validate.Length(max=500), allow_none=True)
    enabled = fields.Boolean(load_default=True)


class SubscriptionUpdateSchema(Schema):
    """A partial update: only the fields given change."""

    url = _url()
    events = fields.List(fields.String(validate=validate.OneOf(EventType.ALL)), validate=validate.Length(min=1))
    description = fields.String(validate=validate.Length(max=500), allow_none=True)
    enabled = fields.Boolean(metadata={"description": "true re-enables a disabled subscription."})


class SubscriptionSchema(Schema):
    id = fields.String(required=True)
    url = fields.String(required=True)
    events = fields.List(fields.String(), required=True)
    description = fields.String(allow_none=True)
    enabled = fields.Boolean(required=True)
    disabled_reason = fields.String(allow_none=True, metadata={"description": "Why it was disabled, if it was."})
    previous_secret_expires_at = Timestamp(
        allow_none=True, metadata={"description": "Until then the previous secret signs too (after a rotation)."}
    )
    failing_since = Timestamp(allow_none=True)
    created_at = Timestamp(required=True)
    updated_at = Timestamp(required=True)


class SubscriptionWithSecretSchema(SubscriptionSchema):
    """The answer to creation: the only time the secret is shown."""

    secret = fields.String(required=True, metadata={"description": "whsec_...: verify our signatures with it."})


class RotateSecretSchema(Schema):
    overlap_seconds = fields.Integer(
        validate=validate.Range(min=0, max=7 * 24 * 3600),
        metadata={"description": "How long the old secret keeps signing (default 24 h)."},
    )


class SubscriptionListSchema(Schema):
    items = fields.List(fields.Nested(SubscriptionSchema), required=True)


class AttemptSchema(Schema):
    attempted_at = Timestamp(required=True)
    status_code = fields.Integer(allow_none=True, metadata={"description": "null when no HTTP answer came."})
    latency_ms = fields.Integer(required=True)
    error = fields.String(allow_none=True)
    next_attempt_at = Timestamp(allow_none=True, metadata={"description": "The retry this failure scheduled."})


class DeliverySchema(Schema):
    id = fields.String(required=True, metadata={"description": "Also the webhook-id header of every attempt."})
    event_type = fields.String(required=True)
    article_id = fields.String(allow_none=True)
    state = fields.String(required=True, validate=validate.OneOf(DeliveryState.ALL))
    created_at = Timestamp(required=True)
    completed_at = Timestamp(allow_none=True)
    next_attempt_at = Timestamp(allow_none=True)
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    attempts = fields.List(fields.Nested(AttemptSchema), required=True)


class DeliveryListQuerySchema(Schema):
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class DeliveryListSchema(Schema):
    items = fields.List(fields.Nested(DeliverySchema), required=True)
