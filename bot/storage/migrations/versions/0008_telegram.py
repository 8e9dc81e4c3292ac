"""room moves: a room the platform gave a new address (a group that became a supergroup)

Revision ID: telegram1
Revises: msc1
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision = "telegram1"
down_revision = "msc1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "room_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("old_chat", sa.String(length=128), nullable=False),
        sa.Column("new_chat", sa.String(length=128), nullable=False),
        sa.Column("moved_at", bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "old_chat", name="uq_room_move"),
    )


def downgrade() -> None:
    op.drop_table("room_moves")
