"""Alembic environment: the URL comes from the app config, never from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import engine_from_config, pool

from service.access import models as _access_models  # noqa: F401  (registers the tables)
from service.articles import models as _article_models  # noqa: F401
from service.database import Base, normalise_database_url
from service.integrations import models as _integration_models  # noqa: F401
from service.subscriptions import models as _subscription_models  # noqa: F401

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    section = config.get_section(config.config_ini_section) or {}
    section["sqlalchemy.url"] = normalise_database_url(section["sqlalchemy.url"])
    connectable = engine_from_config(section, prefix="sqlalchemy.", poolclass=pool.NullPool)
    with connectable.connect() as connection:
        # Batch mode lets later ALTERs work on SQLite, which cannot alter most column properties in place.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
