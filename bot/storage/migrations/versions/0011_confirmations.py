"""confirmations: a question asked before something that cannot be undone, until it expires

Revision ID: confirmations1
Revises: delivery1
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision = "confirmations1"
down_revision = "delivery1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("asked_at", bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("person_id", "action", name="uq_confirmation"),
    )
    op.create_index("ix_confirmations_person_id", "confirmations", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_confirmations_person_id", table_name="confirmations")
    op.drop_table("confirmations")
