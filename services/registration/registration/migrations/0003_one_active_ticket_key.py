"""one active ticket key

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ticket_keys', schema=None) as batch_op:
        batch_op.create_index('uq_ticket_keys_one_active', ['active'], unique=True, sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))



def downgrade() -> None:
    with op.batch_alter_table('ticket_keys', schema=None) as batch_op:
        batch_op.drop_index('uq_ticket_keys_one_active', sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))

