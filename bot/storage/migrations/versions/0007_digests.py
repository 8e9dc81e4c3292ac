"""digests: when each circle first appeared, so a new circle is not called quiet

Revision ID: digests1
Revises: practices1
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision = "digests1"
down_revision = "practices1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    when = bot.storage.models.UTCDateTime(timezone=True)
    op.add_column("circles", sa.Column("created_at", when, nullable=True))
    # A circle kept before now began no later than the first thing anyone did in it; one
    # never heard from is counted from now.
    circles = sa.table("circles", sa.column("id", sa.String()), sa.column("created_at", when))
    firsts = [
        sa.select(sa.func.min(table.c[column]))
        .where(table.c.circle_id == circles.c.id)
        .scalar_subquery()
        for table, column in (
            (
                sa.table("entries", sa.column("circle_id"), sa.column("created_at", when)),
                "created_at",
            ),
            (
                sa.table("memberships", sa.column("circle_id"), sa.column("joined_at", when)),
                "joined_at",
            ),
            (
                sa.table("prompt_runs", sa.column("circle_id"), sa.column("opened_at", when)),
                "opened_at",
            ),
        )
    ]
    now = sa.bindparam("now", datetime.now(UTC), type_=when)
    op.execute(circles.update().values(created_at=sa.func.coalesce(*firsts, now)))


def downgrade() -> None:
    with op.batch_alter_table("circles") as batch:
        batch.drop_column("created_at")
