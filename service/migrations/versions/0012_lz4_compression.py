"""Large values are compressed with LZ4 on PostgreSQL

Revision ID: 0012_lz4_compression
Revises: 0011_fts_reindex_changed_text

PostgreSQL compresses every value over 2 kB before storing it, with its own pglz by default. The raw input of every
article (6 kB and more) and every parsed result pass through it: PostgreSQL's CPU per accepted article was more in
compressing the raw input than in everything else the INSERT does (bench/RESULTS.md, issue 11). LZ4 compresses
several times faster, to about the same size for text. Values already stored keep their compression until they
are written again. Needs PostgreSQL 14 built with LZ4 (Debian's and the official images are); skipped where it is
not, and on SQLite, which does not compress.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0012_lz4_compression"
down_revision = "0011_fts_reindex_changed_text"

COLUMNS = (("raw_documents", "body"), ("articles", "result"))


def _lz4_available() -> bool:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return False
    choices = bind.execute(text("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")).scalar()
    return "lz4" in (choices or [])


def _set_compression(method: str) -> None:
    if not _lz4_available():
        return
    for table, column in COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}")


def upgrade() -> None:
    _set_compression("lz4")


def downgrade() -> None:
    _set_compression("pglz")
