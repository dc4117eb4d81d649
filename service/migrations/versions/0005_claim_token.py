"""Processing claims name the task message that holds them

Revision ID: 0005_claim_token
Revises: 0002_access
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_claim_token"
down_revision = "0002_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (not batch mode): rebuilding `articles` on SQLite would drop its full-text triggers.
    op.add_column("articles", sa.Column("claim_token", sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch_op:
        batch_op.drop_column("claim_token")
