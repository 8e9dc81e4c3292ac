"""blockers: a record per blocker entry, and each change of its status with a note

Revision ID: blockers1
Revises: experiments1
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision = "blockers1"
down_revision = "experiments1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "blockers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("raised_by", sa.Integer(), nullable=True),
        sa.Column("taken_by", sa.Integer(), nullable=True),
        sa.Column("raised_at", bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_at", bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", bot.storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("flagged_at", bot.storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reported_at", bot.storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["circle_id"], ["circles.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id"),
    )
    op.create_index("ix_blockers_circle_id", "blockers", ["circle_id"])
    op.create_index("ix_blockers_status", "blockers", ["status"])
    op.create_index("ix_blockers_raised_at", "blockers", ["raised_at"])
    op.create_index("ix_blockers_closed_at", "blockers", ["closed_at"])
    op.create_table(
        "blocker_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("blocker_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("at", bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["blocker_id"], ["blockers.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_blocker_changes_blocker_id", "blocker_changes", ["blocker_id"])


def downgrade() -> None:
    op.drop_table("blocker_changes")
    op.drop_table("blockers")
