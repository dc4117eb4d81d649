"""Integrations (senders that push articles to us) and subscriptions (URLs we push events to), admin scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import abort, current_app, flash, redirect, request, url_for
from marshmallow import ValidationError

from service.console.base import Routes, back_to, database, owned_or_404, render, requires, tenant_id
from service.integrations import service as integrations_service
from service.integrations.models import Integration, IntegrationType
from service.integrations.schemas import IntegrationCreateSchema
from service.subscriptions import service as subscriptions_service
from service.subscriptions.models import EventType, Subscription
from service.subscriptions.network import NetworkPolicy
from service.subscriptions.schemas import RotateSecretSchema, SubscriptionCreateSchema

routes = Routes()

DELIVERIES_SHOWN = 50
NEW_INTEGRATION = IntegrationCreateSchema()
NEW_SUBSCRIPTION = SubscriptionCreateSchema()
ROTATION = RotateSecretSchema()


def filled(*names: str) -> dict[str, str]:
    """The named form fields that were filled in (an empty field means "not given", as in a JSON body)."""
    return {name: request.form.get(name, "").strip() for name in names if request.form.get(name, "").strip()}


# --- Integrations -------------------------------------------------------------------------------------------------


@routes.route("/integrations")
@requires("admin")
def integrations(status: int = 200, **context: Any) -> Any:
    """The list and the creation form; the POST handlers render it again with their answer."""
    listed = integrations_service.list_integrations(database(), tenant_id())
    context.setdefault("form", {})
    context.setdefault("errors", {})
    return render("integrations.html", status=status, integrations=listed, types=IntegrationType.ALL, **context)


@routes.route("/integrations", methods=["POST"])
@requires("admin")
def create_integration() -> Any:
    """Created, and its secret shown on this one answer (never stored in the session or shown again)."""
    form = filled("type", "name", "source", "topic")
    try:
        data = NEW_INTEGRATION.load(form)
    except ValidationError as error:
        return integrations(422, form=form, errors=error.messages)
    created = integrations_service.create_integration(database(), tenant_id(), data)
    return integrations(201, created=created)


@routes.route("/integrations/<integration_id>/delete", methods=["POST"])
@requires("admin")
def delete_integration(integration_id: str) -> Any:
    integrations_service.delete_integration(database(), owned_or_404(Integration, integration_id))
    return back_to("console.integrations", "Integration deleted: its webhook URL no longer accepts deliveries.")


# --- Subscriptions ------------------------------------------------------------------------------------------------


@routes.route("/subscriptions")
@requires("admin")
def subscriptions(status: int = 200, **context: Any) -> Any:
    """The list and the subscribe form; the POST handler renders it again with its answer."""
    listed = subscriptions_service.list_subscriptions(database(), tenant_id())
    context.setdefault("form", {"events": list(EventType.ALL)})
    context.setdefault("errors", {})
    return render("subscriptions.html", status=status, subscriptions=listed, event_types=EventType.ALL, **context)


def subscription_page(subscription: Subscription, status: int = 200, **context: Any) -> Any:
    deliveries = subscriptions_service.list_deliveries(database(), subscription, limit=DELIVERIES_SHOWN)
    return render("subscription.html", status=status, subscription=subscription, deliveries=deliveries, **context)


@routes.route("/subscriptions", methods=["POST"])
@requires("admin")
def create_subscription() -> Any:
    form: dict[str, Any] = {**filled("url", "description"), "events": request.form.getlist("events")}
    try:
        data = NEW_SUBSCRIPTION.load(form)
        subscription = subscriptions_service.create_subscription(
            database(), tenant_id(), data, NetworkPolicy.from_config(current_app.config)
        )
    except ValidationError as error:
        return subscriptions(422, form=form, errors=error.messages)
    except subscriptions_service.UnsafeUrl as error:
        return subscriptions(422, form=form, errors={"url": [str(error)]})
    return subscription_page(subscription, 201, secret=subscription.secret)


@routes.route("/subscriptions/<subscription_id>")
@requires("admin")
def subscription(subscription_id: str) -> Any:
    return subscription_page(owned_or_404(Subscription, subscription_id))


@routes.route("/subscriptions/<subscription_id>/rotate", methods=["POST"])
@requires("admin")
def rotate_secret(subscription_id: str) -> Any:
    subscription = owned_or_404(Subscription, subscription_id)
    try:
        data = ROTATION.load(filled("overlap_seconds"))
    except ValidationError as error:
        return subscription_page(subscription, 422, errors=error.messages)
    overlap = data.get("overlap_seconds", current_app.config["WEBHOOK_SECRET_OVERLAP_SECONDS"])
    rotated = subscriptions_service.rotate_secret(database(), subscription, timedelta(seconds=overlap))
    return subscription_page(rotated, secret=rotated.secret)


@routes.route("/subscriptions/<subscription_id>/enabled", methods=["POST"])
@requires("admin")
def set_enabled(subscription_id: str) -> Any:
    subscription = owned_or_404(Subscription, subscription_id)
    enabled = request.form.get("enabled") == "true"
    policy = NetworkPolicy.from_config(current_app.config)
    subscriptions_service.update_subscription(database(), subscription, {"enabled": enabled}, policy)
    message = "Subscription enabled." if enabled else "Subscription disabled."
    return back_to("console.subscription", message, subscription_id=subscription.id)


@routes.route("/subscriptions/<subscription_id>/delete", methods=["POST"])
@requires("admin")
def delete_subscription(subscription_id: str) -> Any:
    subscriptions_service.delete_subscription(database(), owned_or_404(Subscription, subscription_id))
    return back_to("console.subscriptions", "Subscription deleted with its delivery log.")


@routes.route("/subscriptions/<subscription_id>/deliveries/<delivery_id>/redeliver", methods=["POST"])
@requires("admin")
def redeliver(subscription_id: str, delivery_id: str) -> Any:
    subscription = owned_or_404(Subscription, subscription_id)
    delivery = subscriptions_service.get_delivery(database(), subscription, delivery_id)
    if delivery is None:
        abort(404, f"No delivery with id {delivery_id} for this subscription.")
    if not subscription.enabled:
        flash("The subscription is disabled: enable it first.", "error")
    else:
        try:
            subscriptions_service.redeliver(database(), delivery)
            flash("Queued to be sent again now.", "success")
        except subscriptions_service.DeliveryBusy as error:
            flash(str(error), "error")
    return redirect(url_for("console.subscription", subscription_id=subscription.id))
