"""Integration schemas: the create request, the integration (its secret shown once) and a delivery's answer."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from service.articles.schemas import SOURCE_PATTERN, ReceivedArticleSchema
from service.integrations.models import IntegrationType
from service.web.schemas import Schema, Timestamp


class IntegrationCreateSchema(Schema):
    type = fields.String(
        required=True,
        validate=validate.OneOf(IntegrationType.ALL),
        metadata={"description": f"The sender: {', '.join(IntegrationType.ALL)}."},
    )
    name = fields.String(validate=validate.Length(min=1, max=200))
    source = fields.String(
        validate=validate.Regexp(SOURCE_PATTERN, error="Letters, digits and . _ : / - only, at most 200."),
        metadata={"description": "Source of the articles it creates (default: <type>-<first 8 of the id>)."},
    )
    topic = fields.Url(
        schemes={"http", "https"},
        require_tld=False,
        metadata={"description": "websub only: the feed URL the hub must name when verifying the subscription."},
    )

    @validates_schema
    def topic_only_for_websub(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("topic") and data.get("type") != IntegrationType.WEBSUB:
            raise ValidationError("Only websub integrations have a topic.", field_name="topic")


class IntegrationSchema(Schema):
    id = fields.String(required=True)
    type = fields.String(required=True)
    name = fields.String(allow_none=True)
    source = fields.String(required=True)
    topic = fields.String(allow_none=True)
    created_at = Timestamp(required=True)
    webhook_url = fields.Method("webhook_path", metadata={"description": "Where the sender posts its deliveries."})

    def webhook_path(self, integration: Any) -> str:
        return f"/v1/webhooks/{integration.id}"


class IntegrationWithSecretSchema(IntegrationSchema):
    """The answer to creation: the only time the secret is shown."""

    secret = fields.String(required=True, metadata={"description": "Give it to the sender; it signs with it."})


class IntegrationListSchema(Schema):
    items = fields.List(fields.Nested(IntegrationSchema), required=True)


class SkippedItemSchema(Schema):
    id = fields.String(required=True)
    reason = fields.String(required=True)


class DeliveryReceivedSchema(Schema):
    """The answer to a delivery: the articles it created and the duplicates it recognised."""

    integration_id = fields.String(required=True)
    delivery_id = fields.String(required=True)
    replay = fields.Boolean(required=True, metadata={"description": "true when this delivery id was seen before."})
    created = fields.List(fields.String(), required=True)
    duplicates = fields.List(fields.String(), required=True)
    articles = fields.List(fields.Nested(ReceivedArticleSchema), required=True)
    skipped = fields.List(fields.Nested(SkippedItemSchema), required=True)
