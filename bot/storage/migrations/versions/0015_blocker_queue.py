"""blocker queue: the blockers of one status, oldest first, read from an index (the blockers
waiting for a steward, in the steward digest and on the web view's This week and Blockers pages)

Revision ID: web3
Revises: web2
"""

from __future__ import annotations

from alembic import op

revision = "web3"
down_revision = "web2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_blockers_status_raised", "blockers", ["status", "raised_at"])


def downgrade() -> None:
    op.drop_index("ix_blockers_status_raised", table_name="blockers")
