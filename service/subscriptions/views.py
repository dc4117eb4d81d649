"""Outbound webhooks: subscriptions, secret rotation, the delivery log and redelivery."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, NoReturn

from flask import current_app
from flask.views import MethodView

from service.access import require_scope
from service.access.idempotency import idempotent
from service.access.tenancy import current_tenant_id
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
from service.web.problems import abort_problem, not_found

blp = Blueprint(
    "subscriptions",
    __name__,
    url_prefix="/v1/subscriptions",
    description="Receive signed article events (Standard Webhooks) at your URL.",
)


def policy() -> NetworkPolicy:
    return NetworkPolicy.from_config(current_app.config)


def unsafe_url(error: subscriptions.UnsafeUrl) -> NoReturn:
    abort_problem(422, f"url: {error}", problem_type="validation", errors={"json": {"url": [str(error)]}})


def find_subscription(subscription_id: str) -> SubscriptionRow:
    subscription = subscriptions.get_subscription(current_session(), current_tenant_id(), subscription_id)
    if subscription is None:
        not_found("subscription", subscription_id)
    return subscription


@blp.route("")
class Subscriptions(MethodView):
    @require_scope("admin")
    @idempotent
    @blp.arguments(SubscriptionCreateSchema)
    @blp.response(201, SubscriptionWithSecretSchema, description="Created; the secret is shown this once.")
    @blp.alt_response(422, description="Not valid, or the URL does not resolve to public addresses only.")
    def post(self, data: dict[str, Any]) -> Any:
        """Subscribe a URL to article events."""
        try:
            return subscriptions.create_subscription(current_session(), current_tenant_id(), data, policy())
        except subscriptions.UnsafeUrl as error:
            unsafe_url(error)

    @require_scope("admin")
    @blp.response(200, SubscriptionListSchema)
    def get(self) -> Any:
        """List the subscriptions (never their secrets)."""
        return {"items": subscriptions.list_subscriptions(current_session(), current_tenant_id())}


@blp.route("/<string:subscription_id>")
class Subscription(MethodView):
    @require_scope("admin")
    @blp.response(200, SubscriptionSchema)
    @blp.alt_response(404, description="No such subscription.")
    def get(self, subscription_id: str) -> Any:
        """Read a subscription; disabled_reason says why it stopped, if it did."""
        return find_subscription(subscription_id)

    @require_scope("admin")
    @blp.arguments(SubscriptionUpdateSchema)
    @blp.response(200, SubscriptionSchema)
    @blp.alt_response(404, description="No such subscription.")
    @blp.alt_response(422, description="Not valid, or the URL does not resolve to public addresses only.")
    def patch(self, changes: dict[str, Any], subscription_id: str) -> Any:
        """Change the URL, events, description or enabled flag (enabled=true re-enables a disabled one)."""
        subscription = find_subscription(subscription_id)
        try:
            return subscriptions.update_subscription(current_session(), subscription, changes, policy())
        except subscriptions.UnsafeUrl as error:
            unsafe_url(error)

    @require_scope("admin")
    @blp.response(204)
    @blp.alt_response(404, description="No such subscription.")
    def delete(self, subscription_id: str) -> None:
        """Delete a subscription and its delivery log."""
        subscriptions.delete_subscription(current_session(), find_subscription(subscription_id))


@blp.route("/<string:subscription_id>/rotate-secret")
class RotateSecret(MethodView):
    @require_scope("admin")
    @idempotent
    @blp.arguments(RotateSecretSchema)
    @blp.response(200, SubscriptionWithSecretSchema, description="The new secret, shown this once.")
    @blp.alt_response(404, description="No such subscription.")
    def post(self, data: dict[str, Any], subscription_id: str) -> Any:
        """Replace the secret; the old one keeps signing beside the new one until the overlap ends."""
        subscription = find_subscription(subscription_id)
        overlap = data.get("overlap_seconds", current_app.config["WEBHOOK_SECRET_OVERLAP_SECONDS"])
        return subscriptions.rotate_secret(current_session(), subscription, timedelta(seconds=overlap))


@blp.route("/<string:subscription_id>/deliveries")
class Deliveries(MethodView):
    @require_scope("admin")
    @blp.arguments(DeliveryListQuerySchema, location="query")
    @blp.response(200, DeliveryListSchema)
    @blp.alt_response(404, description="No such subscription.")
    def get(self, query: dict[str, Any], subscription_id: str) -> Any:
        """The latest deliveries, each with its attempts: time, status code, latency, error, next retry."""
        subscription = find_subscription(subscription_id)
        return {"items": subscriptions.list_deliveries(current_session(), subscription, limit=query["limit"])}


@blp.route("/<string:subscription_id>/deliveries/<string:delivery_id>/redeliver")
class Redeliver(MethodView):
    @require_scope("admin")
    @idempotent
    @blp.response(202, DeliverySchema, description="Queued to be sent again now.")
    @blp.alt_response(404, description="No such subscription or delivery.")
    @blp.alt_response(409, description="The subscription is disabled, or the delivery is being sent right now.")
    def post(self, subscription_id: str, delivery_id: str) -> Any:
        """Send a delivery again, with the same id and body."""
        subscription = find_subscription(subscription_id)
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
