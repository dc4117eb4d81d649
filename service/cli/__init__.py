"""The `ingest` command: one click group or command per domain, gathered here."""

from __future__ import annotations

import click

from service.cli import access, articles, database, integrations, secrets, serve


@click.group()
def main() -> None:
    """Article ingestion service."""


for command in (
    serve.run,
    serve.api,
    serve.worker,
    serve.beat,
    articles.seed_command,
    articles.parse,
    articles.submit_command,
    articles.reprocess,
    access.tenants,
    access.keys,
    integrations.integrations,
    database.db,
    secrets.secrets,
):
    main.add_command(command)
