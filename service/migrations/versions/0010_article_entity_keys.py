"""Articles keep their entity keys in an indexed array on PostgreSQL, so a person filter and a text search combine

Revision ID: 0010_article_entity_keys
Revises: 0009_article_fingerprints

`?q="a phrase"&person=Wang Yi` joined the entity side table to articles and then read every article naming the
person to check its tsvector (72 ms at 100,000 articles, 2,000 of them naming the person): PostgreSQL cannot AND a
GIN index of one table with an index of another. With the keys (`person:wang yi`) in a GIN-indexed array on the
article itself, both filters are bitmap index scans of one table, ANDed before a row is read. The side table stays
the record (SQLite filters on it); the array is PostgreSQL's copy, filled here from it for existing rows.
"""

from __future__ import annotations

from alembic import op

revision = "0010_article_entity_keys"
down_revision = "0009_article_fingerprints"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE articles ADD COLUMN entity_keys text[]")
    op.execute(
        "UPDATE articles SET entity_keys = keys.entity_keys FROM ("
        " SELECT article_id, array_agg(DISTINCT type || ':' || name_key) AS entity_keys"
        " FROM article_entities GROUP BY article_id) AS keys"
        " WHERE articles.id = keys.article_id"
    )
    op.execute("CREATE INDEX ix_articles_entity_keys ON articles USING gin (entity_keys)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_articles_entity_keys")
    op.execute("ALTER TABLE articles DROP COLUMN IF EXISTS entity_keys")
