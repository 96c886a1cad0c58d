"""announcements

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op


revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "announcements",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("forum_id", sa.Integer, sa.ForeignKey("forums.id"), nullable=False),
        sa.Column("subjects", sa.Text, nullable=False),
        sa.Column("bodies", sa.Text, nullable=False),
        sa.Column("audience", sa.Text, nullable=False),
        sa.Column("recipients", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_announcements_forum_id", "announcements", ["forum_id"])


def downgrade() -> None:
    op.drop_index("ix_announcements_forum_id", "announcements")
    op.drop_table("announcements")
