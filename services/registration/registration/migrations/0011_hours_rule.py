"""the certificate rule's hours part: min_hours, required_sessions, hours_step_minutes

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_hours", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("required_sessions", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("hours_step_minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.drop_column("hours_step_minutes")
        batch_op.drop_column("required_sessions")
        batch_op.drop_column("min_hours")
