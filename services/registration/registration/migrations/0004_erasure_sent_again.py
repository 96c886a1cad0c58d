"""erasure sent again

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa



revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erasure_resent_at', sa.DateTime(timezone=True), nullable=True))
    # Erasures made before: their event had an id of its own, which a second sending could not
    # repeat; consumers would apply it again. They count as sent twice.
    op.execute("UPDATE registrations SET erasure_resent_at = erased_at WHERE erased_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('erasure_resent_at')
