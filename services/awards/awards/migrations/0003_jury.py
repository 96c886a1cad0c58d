"""jurors, their categories, reviews (assignments and scores), declared conflicts

Revision ID: awards_0003
Revises: awards_0002
"""
import sqlalchemy as sa
from alembic import op

from forumops_shared.db import UtcDateTime

revision = "awards_0003"
down_revision = "awards_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jurors",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("programme_id", sa.Integer, sa.ForeignKey("programmes.id"), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("email_key", sa.String(320), nullable=False),
        sa.Column("organisation", sa.String(300), nullable=True),
        sa.Column("province", sa.String(100), nullable=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("invited_at", UtcDateTime(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("programme_id", "email_key", name="uq_jurors_email"),
    )
    op.create_table(
        "juror_categories",
        sa.Column("juror_id", sa.String(32), sa.ForeignKey("jurors.id"), primary_key=True),
        sa.Column("category", sa.String(64), primary_key=True),
    )
    op.create_table(
        "reviews",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("application_id", sa.String(32), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("juror_id", sa.String(32), sa.ForeignKey("jurors.id"), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("scores", sa.Text, nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("assigned_at", UtcDateTime(), nullable=False),
        sa.Column("submitted_at", UtcDateTime(), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("application_id", "juror_id", name="uq_reviews_pair"),
    )
    op.create_index("ix_reviews_juror_id", "reviews", ["juror_id"])
    op.create_table(
        "conflicts",
        sa.Column("juror_id", sa.String(32), sa.ForeignKey("jurors.id"), primary_key=True),
        sa.Column("application_id", sa.String(32), sa.ForeignKey("applications.id"), primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("declared_at", UtcDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("conflicts", "reviews", "juror_categories", "jurors"):
        op.drop_table(table)
