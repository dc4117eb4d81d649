"""Inbound webhook integrations."""

from __future__ import annotations

import json

import click

from service.cli.context import app_context, current_session


@click.group()
def integrations() -> None:
    """Inbound webhook integrations (senders that push articles)."""


@integrations.command("create")
@click.option(
    "--type", "integration_type", required=True, type=click.Choice(["standard", "websub", "wordpress", "ghost"])
)
@click.option("--source", default=None, help="Source of the articles it creates (default <type>-<id prefix>).")
@click.option("--name", default=None, help="A name to recognise it by.")
@click.option("--topic", default=None, help="websub: the feed URL the hub must name when verifying.")
def integrations_create(integration_type: str, source: str | None, name: str | None, topic: str | None) -> None:
    """Create an integration; prints its webhook URL and its secret (shown only this once)."""
    from marshmallow import ValidationError

    from service.access.models import DEFAULT_TENANT_ID
    from service.integrations import service as integration_service
    from service.integrations.schemas import IntegrationCreateSchema, IntegrationWithSecretSchema

    request = {"type": integration_type, "source": source, "name": name, "topic": topic}
    try:
        data = IntegrationCreateSchema().load({key: value for key, value in request.items() if value is not None})
    except ValidationError as error:
        raise click.ClickException(json.dumps(error.messages)) from error
    with app_context():
        integration = integration_service.create_integration(current_session(), DEFAULT_TENANT_ID, data)
        click.echo(json.dumps(IntegrationWithSecretSchema().dump(integration), indent=2))


@integrations.command("list")
def integrations_list() -> None:
    """List the integrations (without secrets)."""
    from service.access.models import DEFAULT_TENANT_ID
    from service.integrations import service as integration_service
    from service.integrations.schemas import IntegrationSchema

    with app_context():
        found = integration_service.list_integrations(current_session(), DEFAULT_TENANT_ID)
        click.echo(json.dumps(IntegrationSchema(many=True).dump(found), indent=2))
