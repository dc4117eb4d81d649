"""PostgreSQL compresses parsed results and tsvectors with lz4 instead of pglz, where the server has it

Revision ID: 0014_result_lz4
Revises: 0013_search_vector_trigger

Every processed article stores its result (tens of kilobytes of JSON, TOASTed), and every near-duplicate back-link
writes another article's result again, each compressed as it is written; pglz is the slow one of PostgreSQL's two
methods, lz4 compresses several times faster. Values already stored keep their compression (both are read
alike); a server built without lz4 keeps pglz. No-op on SQLite.
"""

from __future__ import annotations

from alembic import op

revision = "0014_result_lz4"
down_revision = "0013_search_vector_trigger"

COLUMNS = ("result", "search_vector")


def _lz4_available() -> bool:
    query = "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
    return bool(op.get_bind().exec_driver_sql(query).scalar())


def _set_compression(method: str) -> None:
    if op.get_bind().dialect.name != "postgresql" or not _lz4_available():
        return
    for column in COLUMNS:
        op.execute(f"ALTER TABLE articles ALTER COLUMN {column} SET COMPRESSION {method}")


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("default")
