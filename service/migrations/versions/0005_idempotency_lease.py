"""idempotency lease: an in-flight key is held until locked_until, then a retry may take it over

Revision ID: 0004_idempotency_lease
Revises: 0002_access
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_idempotency_lease"
down_revision = "0002_access"


def upgrade() -> None:
    # Nullable: rows in flight when this runs have no lease, and the service counts theirs from created_at.
    with op.batch_alter_table("idempotency_keys") as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys") as batch_op:
        batch_op.drop_column("locked_until")
