"""SQLite full-text index keyed on article_id, not on the articles table's implicit rowid

Revision ID: 0005_fts_article_id
Revises: 0004_idempotency_lease

articles has a string primary key, so its rowid is SQLite's own: VACUUM may renumber it, and so does rebuilding
the table (a dump and restore, a batch migration), after which searches returned other articles. The FTS5 table
now carries the article's id. No-op on PostgreSQL, whose generated tsvector lives in the row itself.
"""

from __future__ import annotations

from alembic import op

revision = "0005_fts_article_id"
down_revision = "0004_idempotency_lease"

TRIGGER_NAMES = ("articles_fts_insert", "articles_fts_update", "articles_fts_delete")
INDEXED_TEXT = "coalesce({row}.title, ''), coalesce(json_extract({row}.result, '$.body'), '')"


def fts_triggers(key: str, new_key: str, old_key: str) -> list[str]:
    """The triggers that keep articles_fts in step with articles, its rows keyed by `key`."""
    return [
        f"""
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts({key}, title, body) VALUES ({new_key}, {INDEXED_TEXT.format(row="new")});
    END
    """,
        f"""
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, result ON articles BEGIN
        DELETE FROM articles_fts WHERE {key} = {old_key};
        INSERT INTO articles_fts({key}, title, body) VALUES ({new_key}, {INDEXED_TEXT.format(row="new")});
    END
    """,
        f"""
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        DELETE FROM articles_fts WHERE {key} = {old_key};
    END
    """,
    ]


# FTS5 cannot index an UNINDEXED column, so deleting by article_id reads the FTS table's rows; the price of a key
# that survives VACUUM, paid on update and delete only, and small at the embedded default's scale.
TRIGGERS_BY_ARTICLE_ID = fts_triggers("article_id", "new.id", "old.id")
# What 0002_access created, for the downgrade.
TRIGGERS_BY_ROWID = fts_triggers("rowid", "new.rowid", "old.rowid")


def _drop_index() -> None:
    for name in TRIGGER_NAMES:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS articles_fts")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_index()
    op.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(article_id UNINDEXED, title, body, tokenize = 'porter unicode61')"
    )
    for trigger in TRIGGERS_BY_ARTICLE_ID:
        op.execute(trigger)
    op.execute(
        f"INSERT INTO articles_fts(article_id, title, body) SELECT id, {INDEXED_TEXT.format(row='articles')} "
        "FROM articles"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _drop_index()
    op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, tokenize = 'porter unicode61')")
    for trigger in TRIGGERS_BY_ROWID:
        op.execute(trigger)
    op.execute(
        f"INSERT INTO articles_fts(rowid, title, body) SELECT rowid, {INDEXED_TEXT.format(row='articles')} "
        "FROM articles"
    )
