"""PostgreSQL's tsvector is computed when an article's title or body changes, not at every write of its result

Revision ID: 0013_search_vector_trigger
Revises: 0012_entity_keys_on_sqlite

A generated column is computed again whenever a column it reads is written: every article processed rewrites the
near-duplicate lists in the results of the copies it matches, and each of those ran to_tsvector over a body that
had not changed. The column becomes a plain one, filled by a trigger only when the text it is made of changed (as
SQLite's index has been since 0011). The text, the configuration and so the vectors and search results are the same.
"""

from __future__ import annotations

from alembic import op

revision = "0013_search_vector_trigger"
down_revision = "0012_entity_keys_on_sqlite"

# The expression of 0004_access.py's generated column, unchanged.
SEARCH_DOCUMENT = "coalesce({row}title, '') || ' ' || coalesce({row}result ->> 'body', '')"
TEXT_CHANGED = "old.title IS DISTINCT FROM new.title OR old.result ->> 'body' IS DISTINCT FROM new.result ->> 'body'"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE articles ALTER COLUMN search_vector DROP EXPRESSION")  # values and index kept
    op.execute(
        "CREATE FUNCTION articles_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"new.search_vector := to_tsvector('english'::regconfig, {SEARCH_DOCUMENT.format(row='new.')}); "
        "RETURN new; END $$"
    )
    op.execute(
        "CREATE TRIGGER articles_search_vector_insert BEFORE INSERT ON articles "
        "FOR EACH ROW EXECUTE FUNCTION articles_search_vector()"
    )
    op.execute(
        "CREATE TRIGGER articles_search_vector_update BEFORE UPDATE OF title, result ON articles "
        f"FOR EACH ROW WHEN ({TEXT_CHANGED}) EXECUTE FUNCTION articles_search_vector()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS articles_search_vector_update ON articles")
    op.execute("DROP TRIGGER IF EXISTS articles_search_vector_insert ON articles")
    op.execute("DROP FUNCTION IF EXISTS articles_search_vector()")
    # A column cannot become generated again in place: made anew as 0004_access.py made it, with its index.
    op.execute("DROP INDEX IF EXISTS ix_articles_search_vector")
    op.execute("ALTER TABLE articles DROP COLUMN search_vector")
    op.execute(
        "ALTER TABLE articles ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS (to_tsvector('english'::regconfig, {SEARCH_DOCUMENT.format(row='')})) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)")
