"""web: indexes that let the web view and the digests read at size; links and sessions of the
person running the bot, a steward by right

Revision ID: web2
Revises: timers1
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "web2"
down_revision = "timers1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("web_links", "web_sessions"):
        op.add_column(
            table, sa.Column("by_right", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # one kind of a circle's entries by time: the Stories page, newest first, without a sort
    op.create_index(
        "ix_entries_kind_circle_created", "entries", ["kind", "circle_id", "created_at"]
    )
    # when a circle last took part in a pulse: one step per pulse rather than every answer
    op.create_index("ix_pulse_answers_pulse_answered", "pulse_answers", ["pulse_id", "answered_at"])


def downgrade() -> None:
    op.drop_index("ix_entries_kind_circle_created", table_name="entries")
    op.drop_index("ix_pulse_answers_pulse_answered", table_name="pulse_answers")
    for table in ("web_sessions", "web_links"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("by_right")
