"""check-outs: a scan's direction, in (a check-in, as every scan before) or out

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("scans", sa.Column("direction", sa.String(3), nullable=False, server_default="in"))


def downgrade() -> None:
    with op.batch_alter_table("scans") as batch:
        batch.drop_column("direction")
