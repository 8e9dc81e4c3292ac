"""timers: one-off moments (a pulse closes, a round's phase ends, a reminder goes) kept in the
database and fired once by whichever process runs, instead of in one process's memory

The rounds and prompts open at the upgrade get their timers here, so none is left without one.

Revision ID: timers1
Revises: digests1
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import bot.storage.models

revision = "timers1"
down_revision = "digests1"
branch_labels = None
depends_on = None


def _when(name: str, *, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, bot.storage.models.UTCDateTime(timezone=True), nullable=nullable)


# (kind, table, the time it falls due, which rows are still waiting for it)
_OPEN = (
    ("reminder", "prompt_runs", "remind_at", "remind_at IS NOT NULL AND reminded_at IS NULL"),
    ("pulse.close", "pulse_checks", "closes_at", "reported = false"),
    ("maturity.close", "maturity_rounds", "closes_at", "closed_at IS NULL"),
    ("msc.close", "msc_rounds", "closes_at", "closed_at IS NULL"),
    ("learning_set.phase", "learning_rounds", "phase_ends_at", "phase <> 'closed'"),
)


def upgrade() -> None:
    timers = op.create_table(
        "timers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        _when("due_at"),
        _when("next_try_at"),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("fired_at", nullable=True),
        sa.Column("fired_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "subject", "due_at", name="uq_timer"),
    )
    op.create_index("ix_timers_state_next_try_at", "timers", ["state", "next_try_at"])
    columns = ["kind", "subject", "due_at", "next_try_at", "state", "attempts", "fired_by"]
    for kind, table, due, waiting in _OPEN:
        rows = sa.table(table, sa.column("id", sa.Integer()), sa.column(due))
        op.execute(
            sa.insert(timers).from_select(
                columns,
                sa.select(
                    sa.literal(kind),
                    sa.cast(rows.c.id, sa.String(200)),
                    rows.c[due],
                    rows.c[due],
                    sa.literal("due"),
                    sa.literal(0),
                    sa.literal(""),
                ).where(sa.text(waiting)),
            )
        )


def downgrade() -> None:
    op.drop_index("ix_timers_state_next_try_at", table_name="timers")
    op.drop_table("timers")
