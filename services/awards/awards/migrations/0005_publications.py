"""published results, and the award certificates the certificates service issued for them

Revision ID: awards_0005
Revises: awards_0004
"""
import sqlalchemy as sa
from alembic import op

from forumops_shared.db import UtcDateTime

revision = "awards_0005"
down_revision = "awards_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "publications",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("programme_id", sa.Integer, sa.ForeignKey("programmes.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("decision_version", sa.Integer, nullable=False),
        sa.Column("winners", sa.Text, nullable=False),
        sa.Column("correction_reason", sa.Text, nullable=True),
        sa.Column("published_at", UtcDateTime(), nullable=False),
        sa.UniqueConstraint("programme_id", "version", name="uq_publications_version"),
    )
    op.create_table(
        "award_certificates",
        sa.Column("serial", sa.String(32), primary_key=True),
        sa.Column("programme", sa.String(100), nullable=False),
        sa.Column("application_id", sa.String(64), nullable=False),
        sa.Column("issued_at", UtcDateTime(), nullable=False),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
    )
    op.create_index("ix_award_certificates_programme", "award_certificates", ["programme", "application_id"])


def downgrade() -> None:
    op.drop_table("award_certificates")
    op.drop_table("publications")
