"""Inbound integrations: the senders allowed to post articles to /v1/webhooks/<id>, each with its own secret."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from service.access import require_scope
from service.access.idempotency import idempotent
from service.access.tenancy import current_tenant_id
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
from service.web.problems import not_found

blp = Blueprint(
    "integrations",
    __name__,
    url_prefix="/v1/integrations",
    description="Senders (Standard Webhooks, WebSub hubs, WordPress, Ghost) that push articles to us.",
)


def integration_or_404(integration_id: str) -> IntegrationRow:
    integration = integrations.get_integration(current_session(), current_tenant_id(), integration_id)
    if integration is None:
        not_found("integration", integration_id)
    return integration


@blp.route("")
class Integrations(MethodView):
    @require_scope("admin")
    @idempotent
    @blp.arguments(IntegrationCreateSchema)
    @blp.response(201, IntegrationWithSecretSchema, description="Created; the secret is shown this once.")
    @blp.alt_response(422, description="The request is not valid; `errors` says which fields.")
    def post(self, data: dict[str, Any]) -> Any:
        """Create an integration and its secret."""
        return integrations.create_integration(current_session(), current_tenant_id(), data)

    @require_scope("admin")
    @blp.response(200, IntegrationListSchema)
    def get(self) -> Any:
        """List the integrations (never their secrets)."""
        return {"items": integrations.list_integrations(current_session(), current_tenant_id())}


@blp.route("/<string:integration_id>")
class Integration(MethodView):
    @require_scope("admin")
    @blp.response(200, IntegrationSchema)
    @blp.alt_response(404, description="No such integration.")
    def get(self, integration_id: str) -> Any:
        """Read an integration."""
        return integration_or_404(integration_id)

    @require_scope("admin")
    @blp.response(204)
    @blp.alt_response(404, description="No such integration.")
    def delete(self, integration_id: str) -> None:
        """Delete an integration: its webhook URL stops accepting deliveries; its articles stay."""
        integrations.delete_integration(current_session(), integration_or_404(integration_id))
