"""Inbound integrations: the senders allowed to post articles to /v1/webhooks/<id>, each with its own secret."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.access.idempotency import idempotent
from service.access.tenancy import current_tenant_id, owned_or_404
from service.database import current_session
from service.integrations import service as integrations
from service.integrations.models import Integration as IntegrationRow
from service.integrations.schemas import (
    IntegrationCreateSchema,
    IntegrationListSchema,
    IntegrationSchema,
    IntegrationWithSecretSchema,
)
from service.web.blueprint import Blueprint

blp = Blueprint(
    "integrations",
    __name__,
    url_prefix="/v1/integrations",
    description="Senders (Standard Webhooks, WebSub hubs, WordPress, Ghost) that push articles to us.",
    scope="admin",
)


@blp.route("")
class Integrations(MethodView):
    @idempotent
    @blp.arguments(IntegrationCreateSchema())
    @blp.response(201, IntegrationWithSecretSchema, description="Created; the secret is shown this once.")
    @blp.alt_response(422, description="The request is not valid; `errors` says which fields.")
    def post(self, data: dict[str, Any]) -> Any:
        """Create an integration and its secret."""
        return integrations.create_integration(current_session(), current_tenant_id(), data)

    @blp.response(200, IntegrationListSchema)
    def get(self) -> Any:
        """List the integrations (never their secrets)."""
        return {"items": integrations.list_integrations(current_session(), current_tenant_id())}


@blp.route("/<string:integration_id>", missing="No such integration.")
class Integration(MethodView):
    @blp.response(200, IntegrationSchema)
    def get(self, integration_id: str) -> Any:
        """Read an integration."""
        return owned_or_404(IntegrationRow, integration_id)

    @blp.response(204)
    def delete(self, integration_id: str) -> None:
        """Delete an integration: its webhook URL stops accepting deliveries; its articles stay."""
        integrations.delete_integration(current_session(), owned_or_404(IntegrationRow, integration_id))
