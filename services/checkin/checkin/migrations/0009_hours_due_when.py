"""hours due when: a mark of hours to work out gains its time (the end of the session admitted into)

Revision ID: 0009
Revises: 0008
"""
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The table is made again with its new key; the few marks waiting stay due at once, as they were.
    waiting = op.get_bind().execute(sa.text("SELECT registration_id, forum FROM hours_due")).all()
    op.drop_table("hours_due")
    table = op.create_table("hours_due",
                            sa.Column("registration_id", sa.String(36), nullable=False),
                            sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
                            sa.Column("forum", sa.String(100), nullable=False),
                            sa.PrimaryKeyConstraint("registration_id", "due_at"))
    op.create_index("ix_hours_due_due_at", "hours_due", ["due_at"])
    now = datetime.now(timezone.utc)
    op.bulk_insert(table, [{"registration_id": rid, "due_at": now, "forum": forum} for rid, forum in waiting])


def downgrade() -> None:
    waiting = op.get_bind().execute(sa.text("SELECT DISTINCT registration_id, forum FROM hours_due")).all()
    op.drop_index("ix_hours_due_due_at", "hours_due")
    op.drop_table("hours_due")
    table = op.create_table("hours_due",
                            sa.Column("registration_id", sa.String(36), nullable=False),
                            sa.Column("forum", sa.String(100), nullable=False),
                            sa.PrimaryKeyConstraint("registration_id"))
    op.bulk_insert(table, [{"registration_id": rid, "forum": forum} for rid, forum in waiting])
