"""Inbound webhooks: verify the sender's signature, map its payload, and submit the articles like POST /v1/articles."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Response, current_app, g, request
from flask.views import MethodView

from service.access import public
from service.database import current_session, utcnow
from service.integrations import service as integrations
from service.integrations.adapters import InboundDelivery, InvalidPayload, websub
from service.integrations.models import Integration, IntegrationType
from service.integrations.schemas import DeliveryReceivedSchema
from service.integrations.signatures import SignatureInvalid
from service.web.blueprint import Blueprint
from service.web.problems import abort_problem, not_found

log = logging.getLogger(__name__)

blp = Blueprint(
    "webhooks",
    __name__,
    url_prefix="/v1/webhooks",
    description="Where integrations deliver: authenticated by their signature, not by an API key.",
)


def addressed_integration(integration_id: str) -> Integration:
    integration = integrations.find_integration(current_session(), integration_id)
    if integration is None:
        not_found("integration", integration_id)
    return integration


def read_delivery(integration: Integration) -> InboundDelivery:
    return InboundDelivery(
        body=request.get_data(cache=False),
        headers={name.lower(): value for name, value in request.headers.items()},
        secret=integration.secret,
        source=integration.source,
        tenant_id=integration.tenant_id,
        request_id=g.get("request_id"),
        now=utcnow(),
        tolerance=timedelta(seconds=current_app.config["WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS"]),
    )


@public
@blp.route("/<string:integration_id>")
class Webhook(MethodView):
    @blp.doc(
        requestBody={
            "required": True,
            "description": "What the sender sends: JSON (standard, wordpress, ghost) or an RSS/Atom feed (websub).",
            "content": {"application/json": {"schema": {}}, "application/atom+xml": {"schema": {}}},
        }
    )
    @blp.response(202, DeliveryReceivedSchema, description="Verified; the articles it created and the duplicates.")
    @blp.alt_response(200, schema=DeliveryReceivedSchema, description="A replay of a delivery already received.")
    @blp.alt_response(401, description="The signature is missing, malformed, wrong or too old; nothing was stored.")
    @blp.alt_response(404, description="No such integration.")
    @blp.alt_response(422, description="Signed correctly, but the payload is not what this sender type sends.")
    def post(self, integration_id: str) -> Any:
        """Receive a delivery from an integration."""
        integration = addressed_integration(integration_id)
        try:
            outcome = integrations.receive(current_session(), integration, read_delivery(integration))
        except SignatureInvalid as error:
            abort_problem(401, str(error), problem_type="invalid-signature")
        except InvalidPayload as error:
            abort_problem(422, str(error), problem_type="validation", errors=error.errors)
        return outcome.body, 200 if outcome.replay else 202

    @blp.doc(
        parameters=[
            {"name": name, "in": "query", "schema": {"type": "string"}}
            for name in ("hub.mode", "hub.topic", "hub.challenge", "hub.lease_seconds")
        ]
    )
    @blp.response(200, description="websub: the hub.challenge, echoed as text/plain.")
    @blp.alt_response(404, description="No such websub integration, or we do not agree to this (un)subscription.")
    def get(self, integration_id: str) -> Response:
        """WebSub hub verification: echo hub.challenge when we agree to the (un)subscription."""
        integration = addressed_integration(integration_id)
        if integration.type != IntegrationType.WEBSUB:
            abort_problem(404, "Only websub integrations answer verification requests.", problem_type="not-found")
        try:
            challenge = websub.verification_answer(
                request.args.get("hub.mode"),
                request.args.get("hub.topic"),
                request.args.get("hub.challenge"),
                integration.topic,
            )
        except ValueError as error:
            abort_problem(404, str(error), problem_type="subscription-refused")
        if request.args.get("hub.mode") == "denied":
            reason = request.args.get("hub.reason")
            log.warning("hub denied the subscription of integration %s: %s", integration.id, reason)
        return Response(challenge, status=200, mimetype="text/plain")
