"""msc: Most Significant Change rounds, their candidates, private choices and selections

Revision ID: msc1
Revises: practices1
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision = "msc1"
down_revision = "practices1"
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, bot.storage.models.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "msc_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.String(), nullable=False),
        _when("scheduled_for"),
        _when("period_start"),
        _when("opened_at"),
        _when("closes_at"),
        _when("closed_at", nullable=True),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["circle_id"], ["circles.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("circle_id", "scheduled_for", name="uq_msc_round"),
    )
    op.create_index("ix_msc_rounds_circle_id", "msc_rounds", ["circle_id"])
    op.create_table(
        "msc_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("from_selection_id", sa.Integer(), nullable=True),
        sa.Column("below_circle_id", sa.String(length=64), nullable=False),
        sa.Column("below_reason", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["round_id"], ["msc_rounds.id"]),
        sa.ForeignKeyConstraint(["entry_id"], ["entries.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "number", name="uq_msc_candidate_number"),
        sa.UniqueConstraint("round_id", "entry_id", name="uq_msc_candidate_story"),
    )
    op.create_index("ix_msc_candidates_round_id", "msc_candidates", ["round_id"])
    op.create_index("ix_msc_candidates_entry_id", "msc_candidates", ["entry_id"])
    op.create_table(
        "msc_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        _when("chosen_at"),
        sa.ForeignKeyConstraint(["round_id"], ["msc_rounds.id"]),
        sa.ForeignKeyConstraint(["candidate_id"], ["msc_candidates.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "person_id", name="uq_msc_choice"),
    )
    op.create_index("ix_msc_choices_round_id", "msc_choices", ["round_id"])
    op.create_index("ix_msc_choices_candidate_id", "msc_choices", ["candidate_id"])
    op.create_index("ix_msc_choices_entry_id", "msc_choices", ["entry_id"])
    op.create_index("ix_msc_choices_person_id", "msc_choices", ["person_id"])
    op.create_table(
        "msc_selections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        _when("selected_at"),
        _when("passed_up_at", nullable=True),
        sa.ForeignKeyConstraint(["round_id"], ["msc_rounds.id"]),
        sa.ForeignKeyConstraint(["candidate_id"], ["msc_candidates.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id"),
    )
    op.create_index("ix_msc_selections_candidate_id", "msc_selections", ["candidate_id"])
    op.create_index("ix_msc_selections_entry_id", "msc_selections", ["entry_id"])


def downgrade() -> None:
    for table in ("msc_selections", "msc_choices", "msc_candidates", "msc_rounds"):
        op.drop_table(table)
