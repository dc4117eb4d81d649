"""initial schema

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from service.migrations.helpers import JSON_DOCUMENT, create_tenant_table, integer, string, text, timestamp

revision = "0001"
down_revision = None

DEFAULT_TENANT_ID = "00000000-0000-0000-0000-000000000001"


def upgrade() -> None:
    op.create_table(
        "tenants",
        string("id", 36),
        string("name", 200),
        timestamp("created_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    create_tenant_table(
        "articles",
        string("status", 16),
        string("source", 200),
        text("url", nullable=True),
        string("external_id", 500, nullable=True),
        string("declared_format", 8),
        string("published_at_hint", 40, nullable=True),
        string("language_hint", 8, nullable=True),
        sa.Column("client_metadata", JSON_DOCUMENT, nullable=False),
        string("input_sha256", 64),
        timestamp("received_at"),
        timestamp("updated_at"),
        timestamp("processing_started_at", nullable=True),
        timestamp("processed_at", nullable=True),
        integer("attempts"),
        string("parser_version", 20, nullable=True),
        text("title", nullable=True),
        sa.Column("result", JSON_DOCUMENT, nullable=True),
        sa.Column("error", JSON_DOCUMENT, nullable=True),
        string("request_id", 64, nullable=True),
        unique=("tenant_id", "source", "input_sha256"),
        unique_name="uq_articles_tenant_source_input",
        tenant_index=False,
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index("ix_articles_status_updated", ["status", "updated_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index("ix_articles_tenant_received", ["tenant_id", "received_at", "id"], unique=False)

    op.create_table(
        "raw_documents",
        string("article_id", 36),
        string("content_type", 200),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        integer("size"),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    # Every row belongs to a tenant from the start; until API keys arrive, everything is the default tenant's.
    tenants = sa.table(
        "tenants", sa.column("id"), sa.column("name"), sa.column("created_at", sa.DateTime(timezone=True))
    )
    op.bulk_insert(tenants, [{"id": DEFAULT_TENANT_ID, "name": "default", "created_at": datetime.now(UTC)}])


def downgrade() -> None:
    op.drop_table("raw_documents")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index("ix_articles_tenant_received")
        batch_op.drop_index(batch_op.f("ix_articles_tenant_id"))
        batch_op.drop_index("ix_articles_status_updated")

    op.drop_table("articles")
    op.drop_table("tenants")
