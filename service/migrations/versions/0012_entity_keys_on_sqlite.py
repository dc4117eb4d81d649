"""SQLite gets the articles.entity_keys column PostgreSQL has, so the model maps it on both

Revision ID: 0012_entity_keys_on_sqlite
Revises: 0011_fts_reindex_changed_text

The worker wrote the keys (migration 0010) with an UPDATE of its own after the result's, and PostgreSQL made a new
row version for each: the second re-inserted the whole tsvector and every key into the GIN indexes for the same
article. Mapped, the keys go in the result's one UPDATE. SQLite filters on the entity side table and never fills
this column; it only has to exist for the mapping.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.migrations.helpers import add_article_column, drop_article_column

revision = "0012_entity_keys_on_sqlite"
down_revision = "0011_fts_reindex_changed_text"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        add_article_column(sa.Column("entity_keys", sa.JSON(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        drop_article_column("entity_keys")
