"""Articles keep the fingerprints near-duplicate look-ups compare, apart from the parsed result

Revision ID: 0009_article_fingerprints
Revises: 0008_claimed_by

A near-duplicate look-up compares a new article with up to 200 candidates. Reading `result -> 'fingerprints'`
detoasted each candidate's whole parsed result (tens of kilobytes of JSON) to use one kilobyte of it. Rows stored
before this column are still read from their result (the look-up falls back to it), so there is no backfill.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0009_article_fingerprints"
down_revision = "0008_claimed_by"


def upgrade() -> None:
    # A plain ADD COLUMN (not batch mode): rebuilding `articles` on SQLite would drop its full-text triggers.
    op.add_column("articles", sa.Column("fingerprints", sa.JSON().with_variant(JSONB(), "postgresql"), nullable=True))


def downgrade() -> None:
    op.drop_column("articles", "fingerprints")
