"""practices: action learning sets, System Maturity Model rounds, Goldilocks pulse checks

Revision ID: practices1
Revises: rights1
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision = "practices1"
down_revision = "rights1"
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, bot.storage.models.UTCDateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "learning_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.String(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        _when("scheduled_for"),
        sa.Column("presenter_id", sa.Integer(), nullable=True),
        sa.Column("phase", sa.String(length=16), nullable=False),
        _when("phase_ends_at"),
        _when("presented_at", nullable=True),
        sa.Column("action", sa.String(), nullable=False),
        sa.Column("follow_up_of", sa.Integer(), nullable=True),
        sa.Column("followed_up", sa.Boolean(), nullable=False),
        _when("closed_at", nullable=True),
        sa.ForeignKeyConstraint(["circle_id"], ["circles.id"]),
        sa.ForeignKeyConstraint(["presenter_id"], ["people.id"]),
        sa.ForeignKeyConstraint(["follow_up_of"], ["learning_rounds.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("circle_id", "scheduled_for", name="uq_learning_round"),
    )
    op.create_index("ix_learning_rounds_circle_id", "learning_rounds", ["circle_id"])
    op.create_table(
        "learning_passes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        _when("passed_at"),
        sa.ForeignKeyConstraint(["round_id"], ["learning_rounds.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "person_id", name="uq_learning_pass"),
    )
    op.create_index("ix_learning_passes_round_id", "learning_passes", ["round_id"])
    op.create_table(
        "learning_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("advice", sa.Boolean(), nullable=False),
        sa.Column("platform", sa.String(length=32), nullable=False),
        sa.Column("source_ref", sa.String(length=256), nullable=False),
        _when("created_at"),
        sa.ForeignKeyConstraint(["round_id"], ["learning_rounds.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_learning_notes_round_id", "learning_notes", ["round_id"])
    op.create_index("ix_learning_notes_person_id", "learning_notes", ["person_id"])
    op.create_index("ix_learning_notes_created_at", "learning_notes", ["created_at"])
    op.create_table(
        "maturity_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.String(), nullable=False),
        _when("opened_at"),
        _when("closes_at"),
        _when("closed_at", nullable=True),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("focus", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["circle_id"], ["circles.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_maturity_rounds_circle_id", "maturity_rounds", ["circle_id"])
    op.create_table(
        "maturity_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        _when("scored_at"),
        sa.ForeignKeyConstraint(["round_id"], ["maturity_rounds.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "person_id", "dimension", name="uq_maturity_score"),
    )
    op.create_index("ix_maturity_scores_round_id", "maturity_scores", ["round_id"])
    op.create_index("ix_maturity_scores_person_id", "maturity_scores", ["person_id"])
    op.create_table(
        "maturity_agreed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        _when("agreed_at"),
        sa.ForeignKeyConstraint(["round_id"], ["maturity_rounds.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_id", "dimension", name="uq_maturity_agreed"),
    )
    op.create_index("ix_maturity_agreed_round_id", "maturity_agreed", ["round_id"])
    op.create_table(
        "pulse_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("circle_id", sa.String(), nullable=False),
        _when("scheduled_for"),
        _when("closes_at"),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("reported", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["circle_id"], ["circles.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("circle_id", "scheduled_for", name="uq_pulse_check"),
    )
    op.create_index("ix_pulse_checks_circle_id", "pulse_checks", ["circle_id"])
    op.create_table(
        "pulse_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pulse_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("factor", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=False),
        _when("answered_at"),
        sa.ForeignKeyConstraint(["pulse_id"], ["pulse_checks.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("pulse_id", "person_id", "factor", name="uq_pulse_answer"),
    )
    op.create_index("ix_pulse_answers_pulse_id", "pulse_answers", ["pulse_id"])
    op.create_index("ix_pulse_answers_person_id", "pulse_answers", ["person_id"])


def downgrade() -> None:
    for table in (
        "pulse_answers",
        "pulse_checks",
        "maturity_agreed",
        "maturity_scores",
        "maturity_rounds",
        "learning_notes",
        "learning_passes",
        "learning_rounds",
    ):
        op.drop_table(table)
