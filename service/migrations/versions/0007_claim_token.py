"""Processing claims name the task message that holds them

Revision ID: 0007_claim_token
Revises: 0005_fts_article_id
"""

from __future__ import annotations

from service.migrations.helpers import add_article_column, drop_article_column, string

revision = "0007_claim_token"
down_revision = "0005_fts_article_id"


def upgrade() -> None:
    add_article_column(string("claim_token", 80, nullable=True))


def downgrade() -> None:
    drop_article_column("claim_token")
