"""Processing claims name the process that holds them

Revision ID: 0008_claimed_by
Revises: 0007_claim_token
"""

from __future__ import annotations

from service.migrations.helpers import add_article_column, drop_article_column, string

revision = "0008_claimed_by"
down_revision = "0007_claim_token"


def upgrade() -> None:
    add_article_column(string("claimed_by", 300, nullable=True))


def downgrade() -> None:
    drop_article_column("claimed_by")
