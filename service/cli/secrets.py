"""Webhook secrets at rest: make a sealing key, and seal the secrets stored before it was set."""

from __future__ import annotations

import click

from service.cli.context import app_context, current_session


@click.group()
def secrets() -> None:
    """Seal webhook secrets at rest with INGEST_WEBHOOK_SECRETS_KEY."""


@secrets.command("key")
def secrets_key() -> None:
    """Print a new key for INGEST_WEBHOOK_SECRETS_KEY (put a new one first to rotate, keep the old one after it)."""
    from service.sealing import generate_key

    click.echo(generate_key())


@secrets.command("seal")
def secrets_seal() -> None:
    """Rewrite every stored webhook secret with the first INGEST_WEBHOOK_SECRETS_KEY (plaintext rows, older keys)."""
    from service.sealing import reseal_all

    with app_context() as app:
        if app.extensions["secrets_keyring"] is None:
            raise click.UsageError("set INGEST_WEBHOOK_SECRETS_KEY first (`ingest secrets key` makes one)")
        click.echo(f"{reseal_all(current_session())} secrets sealed")
