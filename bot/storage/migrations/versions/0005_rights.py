"""rights: the erasure log (person ids only), so an erasure can be applied again after a restore

Revision ID: rights1
Revises: stories1
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision = "rights1"
down_revision = "stories1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("applied_at", bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_erasures_person_id", "erasures", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_erasures_person_id", table_name="erasures")
    op.drop_table("erasures")
