"""experiments: the PDSA ledger (experiments, their leads, stage updates)

Revision ID: experiments1
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision = "experiments1"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.String(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("prediction", sa.String(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("result", sa.String(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=False),
        sa.Column("previous_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("nudged_at", bot.storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["circle_id"], ["circles.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_experiments_circle_id", "experiments", ["circle_id"])
    op.create_index("ix_experiments_review_date", "experiments", ["review_date"])
    op.create_index("ix_experiments_previous_id", "experiments", ["previous_id"])
    op.create_table(
        "experiment_leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiments.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("experiment_id", "person_id", name="uq_experiment_lead"),
    )
    op.create_index("ix_experiment_leads_experiment_id", "experiment_leads", ["experiment_id"])
    op.create_index("ix_experiment_leads_person_id", "experiment_leads", ["person_id"])
    op.create_table(
        "experiment_updates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("experiment_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("created_at", bot.storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["experiment_id"], ["experiments.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_experiment_updates_experiment_id", "experiment_updates", ["experiment_id"])
    op.create_index("ix_experiment_updates_entry_id", "experiment_updates", ["entry_id"])
    op.create_index("ix_experiment_updates_created_at", "experiment_updates", ["created_at"])


def downgrade() -> None:
    op.drop_table("experiment_updates")
    op.drop_table("experiment_leads")
    op.drop_table("experiments")
