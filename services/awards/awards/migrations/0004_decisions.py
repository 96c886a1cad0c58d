"""the organiser's decisions, every version kept

Revision ID: awards_0004
Revises: awards_0003
"""
import sqlalchemy as sa
from alembic import op

from forumops_shared.db import UtcDateTime

revision = "awards_0004"
down_revision = "awards_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("programme_id", sa.Integer, sa.ForeignKey("programmes.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("winners", sa.Text, nullable=False),
        sa.Column("departures", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("decided_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("programme_id", "version", name="uq_decisions_version"),
    )


def downgrade() -> None:
    op.drop_table("decisions")
