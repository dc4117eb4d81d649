"""Articles keep the fingerprints near-duplicate look-ups compare, apart from the parsed result

Revision ID: 0009_article_fingerprints
Revises: 0008_claimed_by

A near-duplicate look-up compares a new article with up to 200 candidates. Reading `result -> 'fingerprints'`
detoasted each candidate's whole parsed result (tens of kilobytes of JSON) to use one kilobyte of it. Rows stored
before this column are still read from their result (the look-up falls back to it), so there is no backfill.
"""

from __future__ import annotations

import sqlalchemy as sa

from service.migrations.helpers import JSON_DOCUMENT, add_article_column, drop_article_column

revision = "0009_article_fingerprints"
down_revision = "0008_claimed_by"


def upgrade() -> None:
    add_article_column(sa.Column("fingerprints", JSON_DOCUMENT, nullable=True))


def downgrade() -> None:
    drop_article_column("fingerprints")
