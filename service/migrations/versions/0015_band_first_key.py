"""Near-duplicate band keys are looked up by band first

Revision ID: 0015_band_first_key
Revises: 0014_raw_lz4_compression

The primary key of fingerprint_bands was (tenant_id, band, article_id). Where the planner had no statistics yet (a
new deployment filling up, a table growing faster than autovacuum analyses it) it used only the tenant prefix and
filtered every band key of the tenant, so each look-up cost more as the tenant's articles grew. A band is nearly
unique, so with (band, tenant_id, article_id) the index is probed with the article's band keys whatever the planner
knows of the table. Nothing reads the table by tenant alone.
"""

from __future__ import annotations

from alembic import op

revision = "0015_band_first_key"
down_revision = "0014_raw_lz4_compression"


def _primary_key(*columns: str) -> None:
    with op.batch_alter_table("fingerprint_bands") as batch:
        if op.get_bind().dialect.name == "postgresql":
            batch.drop_constraint("fingerprint_bands_pkey", type_="primary")
        # SQLite cannot change a key in place: the batch copies the table with the new one.
        batch.create_primary_key("fingerprint_bands_pkey", list(columns))


def upgrade() -> None:
    _primary_key("band", "tenant_id", "article_id")


def downgrade() -> None:
    _primary_key("tenant_id", "band", "article_id")
