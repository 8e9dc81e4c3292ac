"""web: indexes that let the web view and the digests read at size

Revision ID: web2
Revises: digests1
"""

from __future__ import annotations

from alembic import op

revision = "web2"
down_revision = "digests1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # when a circle last took part in a pulse: one step per pulse rather than every answer
    op.create_index("ix_pulse_answers_pulse_answered", "pulse_answers", ["pulse_id", "answered_at"])


def downgrade() -> None:
    op.drop_index("ix_pulse_answers_pulse_answered", table_name="pulse_answers")
