"""stories: a story's title, the teller's own description of it, and when it was withdrawn

Revision ID: stories1
Revises: blockers1
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision = "stories1"
down_revision = "blockers1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_details",
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("dimensions", sa.String(), nullable=False),
        sa.Column("direction", sa.String(length=16), nullable=False),
        sa.Column("withdrawn_at", bot.storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("changed_at", bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"]),
        sa.PrimaryKeyConstraint("entry_id"),
    )


def downgrade() -> None:
    op.drop_table("story_details")
