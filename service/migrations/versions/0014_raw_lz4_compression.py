"""Raw inputs are compressed with LZ4 on PostgreSQL

Revision ID: 0014_raw_lz4_compression
Revises: 0013_search_vector_trigger

PostgreSQL compresses every value over 2 kB before storing it, with its own pglz by default. The raw input of every
article (6 kB and more) passes through it: storing the raw inputs of a batch by COPY took about twice as long with
pglz as with LZ4 (issue 11's batch path), to about the same size for text. Parsed results were tried too and showed
no measurable gain in the worker, so they keep the default. Values already stored keep their compression. Needs
PostgreSQL 14 built with LZ4 (Debian's and the official images are); skipped where it is not, and on SQLite, which
does not compress.
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import text

revision = "0014_raw_lz4_compression"
down_revision = "0013_search_vector_trigger"

COLUMNS = (("raw_documents", "body"),)


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
