"""notices

Revision ID: example_0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from forumops_shared.db import UtcDateTime

revision = "example_0002"
down_revision = "0001"  # the shared plumbing tables (outbox, processed events, leases)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("forum", sa.String(100), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("visible_from", UtcDateTime(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_notices_forum", "notices", ["forum", "visible_from"])


def downgrade() -> None:
    op.drop_table("notices")
