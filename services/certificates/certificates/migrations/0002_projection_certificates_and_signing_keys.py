"""projection, certificates and signing keys

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attendance',
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('forum', sa.String(length=100), nullable=False),
    sa.Column('onsite_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('online_joined_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('online_minutes', sa.Integer(), server_default='0', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('registration_id')
    )
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_forum'), ['forum'], unique=False)

    op.create_table('certificates',
    sa.Column('serial', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('forum', sa.String(length=100), nullable=False),
    sa.Column('registration_id', sa.String(length=36), nullable=True),
    sa.Column('award_id', sa.String(length=64), nullable=True),
    sa.Column('mode', sa.String(length=10), nullable=True),
    sa.Column('recipient_name', sa.String(length=300), nullable=True),
    sa.Column('organisation', sa.String(length=500), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoke_reason', sa.String(length=1000), nullable=True),
    sa.PrimaryKeyConstraint('serial'),
    sa.UniqueConstraint('award_id'),
    sa.UniqueConstraint('registration_id')
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_forum'), ['forum'], unique=False)

    op.create_table('forums',
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('titles', sa.Text(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('onsite_checkin', sa.Boolean(), nullable=False),
    sa.Column('online_min_minutes', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('slug')
    )
    op.create_table('registrations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('forum', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attendance', sa.String(length=10), nullable=False),
    sa.Column('point', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=True),
    sa.Column('organisation', sa.String(length=500), nullable=True),
    sa.Column('manage_token_hash', sa.String(length=64), nullable=True),
    sa.Column('erased', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_forum'), ['forum'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_manage_token_hash'), ['manage_token_hash'], unique=False)

    op.create_table('signing_keys',
    sa.Column('kid', sa.String(length=32), nullable=False),
    sa.Column('private_key', sa.String(length=64), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('kid')
    )
    with op.batch_alter_table('signing_keys', schema=None) as batch_op:
        batch_op.create_index('uq_signing_keys_one_active', ['active'], unique=True, sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))



def downgrade() -> None:
    with op.batch_alter_table('signing_keys', schema=None) as batch_op:
        batch_op.drop_index('uq_signing_keys_one_active', sqlite_where=sa.text('active'), postgresql_where=sa.text('active'))

    op.drop_table('signing_keys')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_manage_token_hash'))
        batch_op.drop_index(batch_op.f('ix_registrations_forum'))

    op.drop_table('registrations')
    op.drop_table('forums')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_forum'))

    op.drop_table('certificates')
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_forum'))

    op.drop_table('attendance')
