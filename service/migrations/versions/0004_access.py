"""access: API keys, idempotency keys, search (full text + entities + language/published_at)

Revision ID: 0002_access
Revises: 0002_webhooks
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.migrations.helpers import create_tenant_table, integer, serial_id, string, timestamp

revision = "0002_access"
down_revision = "0002_webhooks"

# English stemming, so "negotiation" finds "negotiations"; title and body weigh alike.
SEARCH_DOCUMENT = "coalesce(title, '') || ' ' || coalesce(result ->> 'body', '')"

SQLITE_FTS_TRIGGERS = [
    # The FTS row shares the article's rowid, so updates and deletes are index lookups, not scans.
    """
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, body)
        VALUES (new.rowid, coalesce(new.title, ''), coalesce(json_extract(new.result, '$.body'), ''));
    END
    """,
    """
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, result ON articles BEGIN
        DELETE FROM articles_fts WHERE rowid = old.rowid;
        INSERT INTO articles_fts(rowid, title, body)
        VALUES (new.rowid, coalesce(new.title, ''), coalesce(json_extract(new.result, '$.body'), ''));
    END
    """,
    """
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        DELETE FROM articles_fts WHERE rowid = old.rowid;
    END
    """,
]


def upgrade() -> None:
    create_tenant_table(
        "api_keys",
        string("name", 200, nullable=True),
        string("prefix", 32),
        string("key_sha256", 64),
        sa.Column("scopes", sa.JSON(), nullable=False),
        timestamp("created_at"),
        timestamp("revoked_at", nullable=True),
        unique=("key_sha256",),
    )

    op.create_table(
        "idempotency_keys",
        serial_id(),
        string("tenant_id", 36),
        string("key", 255),
        string("request_fingerprint", 64),
        string("state", 16),
        integer("response_status", nullable=True),
        sa.Column("response_headers", sa.JSON(), nullable=True),
        sa.Column("response_body", sa.LargeBinary(), nullable=True),
        timestamp("created_at"),
        timestamp("expires_at"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("tenant_id", "key", name="uq_idempotency_tenant_key"),
    )
    op.create_index("ix_idempotency_expires", "idempotency_keys", ["expires_at"])

    op.create_table(
        "article_entities",
        serial_id(),
        string("article_id", 36),
        string("tenant_id", 36),
        string("type", 16),
        string("name", 300),
        string("name_key", 300),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_article_entities_article_id", "article_entities", ["article_id"])
    op.create_index("ix_article_entities_lookup", "article_entities", ["tenant_id", "type", "name_key"])

    with op.batch_alter_table("articles") as batch_op:
        batch_op.add_column(string("language", 16, nullable=True))
        batch_op.add_column(timestamp("published_at", nullable=True))
        batch_op.create_index("ix_articles_tenant_language", ["tenant_id", "language"])
        batch_op.create_index("ix_articles_tenant_published", ["tenant_id", "published_at"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE articles ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS (to_tsvector('english'::regconfig, {SEARCH_DOCUMENT})) STORED"
        )
        op.execute("CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)")
    else:
        op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tokenize = 'porter unicode61')")
        for trigger in SQLITE_FTS_TRIGGERS:
            op.execute(trigger)
        op.execute(
            "INSERT INTO articles_fts(rowid, title, body) SELECT rowid, coalesce(title, ''), "
            "coalesce(json_extract(result, '$.body'), '') FROM articles"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search_vector")
        op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS search_vector")
    else:
        for name in ("articles_fts_insert", "articles_fts_update", "articles_fts_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    with op.batch_alter_table("articles") as batch_op:
        batch_op.drop_index("ix_articles_tenant_published")
        batch_op.drop_index("ix_articles_tenant_language")
        batch_op.drop_column("published_at")
        batch_op.drop_column("language")
    op.drop_table("article_entities")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_api_keys_tenant_id", table_name="api_keys")
    op.drop_table("api_keys")
