"""Outbound webhooks: subscriptions, secret rotation, the delivery log and redelivery."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, NoReturn

from flask import current_app
from flask.views import MethodView

from service.access.idempotency import idempotent
from service.access.tenancy import current_tenant_id, owned_or_404
from service.database import current_session
from service.subscriptions import service as subscriptions
from service.subscriptions.models import Subscription as SubscriptionRow
from service.subscriptions.network import NetworkPolicy
from service.subscriptions.schemas import (
    DeliveryListQuerySchema,
    DeliveryListSchema,
    DeliverySchema,
    RotateSecretSchema,
    SubscriptionCreateSchema,
    SubscriptionListSchema,
    SubscriptionSchema,
    SubscriptionUpdateSchema,
    SubscriptionWithSecretSchema,
)
from service.web.blueprint import Blueprint
from service.web.problems import abort_problem

blp = Blueprint(
    "subscriptions",
    __name__,
    url_prefix="/v1/subscriptions",
    description="Receive signed article events (Standard Webhooks) at your URL.",
    scope="admin",
)
NO_SUCH_SUBSCRIPTION = "No such subscription."


def policy() -> NetworkPolicy:
    return NetworkPolicy.from_config(current_app.config)


def unsafe_url(error: subscriptions.UnsafeUrl) -> NoReturn:
    abort_problem(422, f"url: {error}", problem_type="validation", errors={"json": {"url": [str(error)]}})


@blp.route("")
class Subscriptions(MethodView):
    @idempotent
    @blp.arguments(SubscriptionCreateSchema())
    @blp.response(201, SubscriptionWithSecretSchema, description="Created; the secret is shown this once.")
    @blp.alt_response(422, description="Not valid, or the URL does not resolve to public addresses only.")
    def post(self, data: dict[str, Any]) -> Any:
        """Subscribe a URL to article events."""
        try:
            return subscriptions.create_subscription(current_session(), current_tenant_id(), data, policy())
        except subscriptions.UnsafeUrl as error:
            unsafe_url(error)

    @blp.response(200, SubscriptionListSchema)
    def get(self) -> Any:
        """List the subscriptions (never their secrets)."""
        return {"items": subscriptions.list_subscriptions(current_session(), current_tenant_id())}


@blp.route("/<string:subscription_id>", missing=NO_SUCH_SUBSCRIPTION)
class Subscription(MethodView):
    @blp.response(200, SubscriptionSchema)
    def get(self, subscription_id: str) -> Any:
        """Read a subscription; disabled_reason says why it stopped, if it did."""
        return owned_or_404(SubscriptionRow, subscription_id)

    @blp.arguments(SubscriptionUpdateSchema())
    @blp.response(200, SubscriptionSchema)
    @blp.alt_response(422, description="Not valid, or the URL does not resolve to public addresses only.")
    def patch(self, changes: dict[str, Any], subscription_id: str) -> Any:
        """Change the URL, events, description or enabled flag (enabled=true re-enables a disabled one)."""
        subscription = owned_or_404(SubscriptionRow, subscription_id)
        try:
            return subscriptions.update_subscription(current_session(), subscription, changes, policy())
        except subscriptions.UnsafeUrl as error:
            unsafe_url(error)

    @blp.response(204)
    def delete(self, subscription_id: str) -> None:
        """Delete a subscription and its delivery log."""
        subscriptions.delete_subscription(current_session(), owned_or_404(SubscriptionRow, subscription_id))


@blp.route("/<string:subscription_id>/rotate-secret", missing=NO_SUCH_SUBSCRIPTION)
class RotateSecret(MethodView):
    @idempotent
    @blp.arguments(RotateSecretSchema())
    @blp.response(200, SubscriptionWithSecretSchema, description="The new secret, shown this once.")
    def post(self, data: dict[str, Any], subscription_id: str) -> Any:
        """Replace the secret; the old one keeps signing beside the new one until the overlap ends."""
        subscription = owned_or_404(SubscriptionRow, subscription_id)
        overlap = data.get("overlap_seconds", current_app.config["WEBHOOK_SECRET_OVERLAP_SECONDS"])
        return subscriptions.rotate_secret(current_session(), subscription, timedelta(seconds=overlap))


@blp.route("/<string:subscription_id>/deliveries", missing=NO_SUCH_SUBSCRIPTION)
class Deliveries(MethodView):
    @blp.arguments(DeliveryListQuerySchema(), location="query")
    @blp.response(200, DeliveryListSchema)
    def get(self, query: dict[str, Any], subscription_id: str) -> Any:
        """The latest deliveries, each with its attempts: time, status code, latency, error, next retry."""
        subscription = owned_or_404(SubscriptionRow, subscription_id)
        return {"items": subscriptions.list_deliveries(current_session(), subscription, limit=query["limit"])}


@blp.route(
    "/<string:subscription_id>/deliveries/<string:delivery_id>/redeliver", missing="No such subscription or delivery."
)
class Redeliver(MethodView):
    @idempotent
    @blp.response(202, DeliverySchema, description="Queued to be sent again now.")
    @blp.alt_response(409, description="The subscription is disabled, or the delivery is being sent right now.")
    def post(self, subscription_id: str, delivery_id: str) -> Any:
        """Send a delivery again, with the same id and body."""
        subscription = owned_or_404(SubscriptionRow, subscription_id)
        delivery = subscriptions.get_delivery(current_session(), subscription, delivery_id)
        if delivery is None:
            abort_problem(404, f"No delivery with id {delivery_id} for this subscription.", problem_type="not-found")
        if not subscription.enabled:
            abort_problem(
                409,
                f"The subscription is disabled ({subscription.disabled_reason}); enable it first with PATCH.",
                problem_type="subscription-disabled",
            )
        try:
            return subscriptions.redeliver(current_session(), delivery)
        except subscriptions.DeliveryBusy as error:
            abort_problem(409, str(error), problem_type="delivery-in-progress")
