"""The database schema."""

from __future__ import annotations

import click


@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION (default head)."""
    from service.config import load_config
    from service.migrate import upgrade

    url = load_config()["DATABASE_URL"]
    upgrade(url, revision)
    click.echo(f"database at {revision}")
