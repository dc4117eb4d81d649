"""Builders for the columns and tables the migrations share.

Frozen: a released migration must build the same schema on every run, so a builder never changes once a migration
calls it. A new shape gets a new builder.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Parsed results and metadata: indexable JSONB on PostgreSQL, JSON text on SQLite.
JSON_DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def string(name: str, length: int, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def text(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.Text(), nullable=nullable)


def integer(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def serial_id() -> sa.Column[object]:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def create_tenant_table(
    name: str,
    *columns: sa.Column[object],
    cascade_from: tuple[str, str] | None = None,
    unique: tuple[str, ...] = (),
    unique_name: str | None = None,
    tenant_index: bool = True,
) -> None:
    """A table of rows one tenant owns: a UUID id (as text), the tenant (indexed), then `columns`.

    `cascade_from` (column, referenced column) deletes a row with the row it belongs to; `unique` names the columns of
    a unique constraint. The constraints are built here, in this order, because SQLite keeps the CREATE TABLE text as
    written, constraints in the order they were made. `tenant_index=False` leaves the tenant's index to the caller
    (0001 made it in a batch among the articles table's other indexes, and SQLite lists them in that order).
    """
    constraints: list[sa.Constraint] = [sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"])]
    if cascade_from:
        column, referenced = cascade_from
        constraints.append(sa.ForeignKeyConstraint([column], [referenced], ondelete="CASCADE"))
    constraints.append(sa.PrimaryKeyConstraint("id"))
    if unique:
        constraints.append(sa.UniqueConstraint(*unique, name=unique_name))
    op.create_table(
        name,
        string("id", 36),
        string("tenant_id", 36),
        *columns,
        *constraints,
    )
    if tenant_index:
        op.create_index(f"ix_{name}_tenant_id", name, ["tenant_id"])


def add_article_column(column: sa.Column[object]) -> None:
    # A plain ADD COLUMN (not batch mode): rebuilding `articles` on SQLite would drop its full-text triggers.
    op.add_column("articles", column)


def drop_article_column(name: str) -> None:
    # Native DROP COLUMN (SQLite 3.35+) for the same reason: no table rebuild, the triggers stay.
    op.drop_column("articles", name)
