"""LSH band index for near-duplicate look-ups

Revision ID: 0002_near_duplicates
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_near_duplicates"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "fingerprint_bands",
        sa.Column("tenant_id", sa.String(length=36), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("band", sa.String(length=32), nullable=False),
        sa.Column("article_id", sa.String(length=36), sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "band", "article_id"),
    )
    op.create_index("ix_fingerprint_bands_article_id", "fingerprint_bands", ["article_id"])


def downgrade() -> None:
    op.drop_index("ix_fingerprint_bands_article_id", table_name="fingerprint_bands")
    op.drop_table("fingerprint_bands")
