"""Processing claims name the process that holds them

Revision ID: 0008_claimed_by
Revises: 0007_claim_token
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_claimed_by"
down_revision = "0007_claim_token"


def upgrade() -> None:
    # A plain ADD COLUMN (not batch mode): rebuilding `articles` on SQLite would drop its full-text triggers.
    op.add_column("articles", sa.Column("claimed_by", sa.String(length=300), nullable=True))


def downgrade() -> None:
    op.drop_column("articles", "claimed_by")
