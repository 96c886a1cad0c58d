"""Signing seeds leave the database: ticket_keys.private_key may be NULL (always is, once the service
has started: forumops_shared.signing_keys moves the seeds to the key file and wipes them here).

On SQLite the table is copied to a new one; secure_delete zeroes the old one's pages as they are
freed, so that the seeds survive in no free page of the file.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA secure_delete = ON")
    with op.batch_alter_table('ticket_keys', schema=None) as batch_op:
        batch_op.alter_column('private_key', existing_type=sa.String(length=64), nullable=True)


def downgrade() -> None:
    # The seeds are in the key file now; an older version would find none here. Put the active
    # seed back by hand (see forumops_shared.key_files) before running it.
    op.execute("UPDATE ticket_keys SET private_key = '' WHERE private_key IS NULL")
    with op.batch_alter_table('ticket_keys', schema=None) as batch_op:
        batch_op.alter_column('private_key', existing_type=sa.String(length=64), nullable=False)
