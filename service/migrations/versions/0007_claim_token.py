"""Processing claims name the task message that holds them

Revision ID: 0007_claim_token
Revises: 0005_fts_article_id
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_claim_token"
down_revision = "0005_fts_article_id"


def upgrade() -> None:
    # A plain ADD COLUMN (not batch mode): rebuilding `articles` on SQLite would drop its full-text triggers.
    op.add_column("articles", sa.Column("claim_token", sa.String(length=80), nullable=True))


def downgrade() -> None:
    # Native DROP COLUMN (SQLite 3.35+) for the same reason: no table rebuild, the triggers stay.
    op.drop_column("articles", "claim_token")
