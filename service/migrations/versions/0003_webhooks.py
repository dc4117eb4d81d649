"""webhooks: inbound integrations and outbound subscriptions

Revision ID: 0002_webhooks
Revises: 0002_near_duplicates
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.migrations.helpers import JSON_DOCUMENT, create_tenant_table, integer, string, text, timestamp

revision = "0002_webhooks"
down_revision = "0002_near_duplicates"


def upgrade() -> None:
    create_tenant_table(
        "integrations",
        string("type", 16),
        string("name", 200, nullable=True),
        string("source", 200),
        text("topic", nullable=True),
        string("secret", 200),
        timestamp("created_at"),
    )
    create_tenant_table(
        "received_deliveries",
        string("integration_id", 36),
        string("delivery_id", 200),
        timestamp("received_at"),
        sa.Column("outcome", JSON_DOCUMENT, nullable=False),
        cascade_from=("integration_id", "integrations.id"),
        unique=("integration_id", "delivery_id"),
        unique_name="uq_received_deliveries_integration_delivery",
    )
    op.create_index("ix_received_deliveries_received_at", "received_deliveries", ["received_at"])
    create_tenant_table(
        "subscriptions",
        text("url"),
        sa.Column("events", JSON_DOCUMENT, nullable=False),
        string("description", 500, nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        text("disabled_reason", nullable=True),
        string("secret", 200),
        string("previous_secret", 200, nullable=True),
        timestamp("previous_secret_expires_at", nullable=True),
        timestamp("failing_since", nullable=True),
        timestamp("created_at"),
        timestamp("updated_at"),
    )
    create_tenant_table(
        "deliveries",
        string("subscription_id", 36),
        string("event_type", 40),
        string("article_id", 36, nullable=True),
        text("payload"),
        string("state", 16),
        integer("attempt_count"),
        timestamp("next_attempt_at", nullable=True),
        timestamp("claimed_until", nullable=True),
        integer("last_status_code", nullable=True),
        text("last_error", nullable=True),
        timestamp("created_at"),
        timestamp("completed_at", nullable=True),
        cascade_from=("subscription_id", "subscriptions.id"),
    )
    op.create_index("ix_deliveries_subscription_created", "deliveries", ["subscription_id", "created_at"])
    op.create_index("ix_deliveries_state_next_attempt", "deliveries", ["state", "next_attempt_at"])
    op.create_table(
        "delivery_attempts",
        string("id", 36),
        string("delivery_id", 36),
        timestamp("attempted_at"),
        integer("status_code", nullable=True),
        integer("latency_ms"),
        text("error", nullable=True),
        timestamp("next_attempt_at", nullable=True),
        sa.ForeignKeyConstraint(["delivery_id"], ["deliveries.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_delivery_attempts_delivery_id", "delivery_attempts", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("delivery_attempts")
    op.drop_table("deliveries")
    op.drop_table("subscriptions")
    op.drop_table("received_deliveries")
    op.drop_table("integrations")
