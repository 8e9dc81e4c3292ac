"""digests: when each circle first appeared, so that a new circle is not called quiet

Revision ID: digests1
Revises: confirmations1
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision = "digests1"
down_revision = "confirmations1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    when = bot.storage.models.UTCDateTime(timezone=True)
    starts = op.create_table(
        "circle_starts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.String(length=64), nullable=False),
        sa.Column("started_at", when, nullable=False),
        sa.ForeignKeyConstraint(["circle_id"], ["circles.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("circle_id"),
    )
    # A circle kept before now began no later than the first thing anyone did in it; one
    # never heard from is counted from now.
    circles = sa.table("circles", sa.column("id", sa.String()))

    def first(table: str, column: str) -> sa.ScalarSelect:  # type: ignore[type-arg]
        rows = sa.table(table, sa.column("circle_id", sa.String()), sa.column(column, when))
        return (
            sa.select(sa.func.min(rows.c[column]))
            .where(rows.c.circle_id == circles.c.id)
            .scalar_subquery()
        )

    now = sa.bindparam("now", datetime.now(UTC), type_=when)
    began = sa.func.coalesce(
        first("entries", "created_at"),
        first("memberships", "joined_at"),
        first("prompt_runs", "opened_at"),
        now,
    )
    op.execute(
        starts.insert().from_select(["circle_id", "started_at"], sa.select(circles.c.id, began))
    )


def downgrade() -> None:
    op.drop_table("circle_starts")
