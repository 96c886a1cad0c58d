"""hours due: people whose hours the worker works out again

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("hours_due",
                    sa.Column("registration_id", sa.String(36), nullable=False),
                    sa.Column("forum", sa.String(100), nullable=False),
                    sa.PrimaryKeyConstraint("registration_id"))


def downgrade() -> None:
    op.drop_table("hours_due")
