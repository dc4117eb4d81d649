"""SQLite's full-text index is rewritten only when an article's title or body changed

Revision ID: 0011_fts_reindex_changed_text
Revises: 0010_article_entity_keys

The update trigger fired on every UPDATE OF title, result: each article processed rewrote the near-duplicate lists
in the results of up to 50 others, and each of those re-tokenized a body that had not changed (after scanning the
index for its rows, since article_id is UNINDEXED). That was most of the worker's time beyond parsing on a cluster
of copies (issue 14's throughput). The text indexed is the same; only unchanged text is no longer indexed again.
No-op on PostgreSQL, whose generated tsvector lives in the row itself.
"""

from __future__ import annotations

from alembic import op

revision = "0011_fts_reindex_changed_text"
down_revision = "0010_article_entity_keys"

BODY = "json_extract({row}.result, '$.body')"
REINDEX = f"""
        DELETE FROM articles_fts WHERE article_id = old.id;
        INSERT INTO articles_fts(article_id, title, body)
        VALUES (new.id, coalesce(new.title, ''), coalesce({BODY.format(row="new")}, ''));
    END
"""
WHEN_TEXT_CHANGED = f"""
    WHEN new.title IS NOT old.title OR {BODY.format(row="new")} IS NOT {BODY.format(row="old")}
"""


def _replace_update_trigger(condition: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS articles_fts_update")
    op.execute(f"CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, result ON articles{condition}BEGIN{REINDEX}")


def upgrade() -> None:
    _replace_update_trigger(WHEN_TEXT_CHANGED)


def downgrade() -> None:
    _replace_update_trigger(" ")
