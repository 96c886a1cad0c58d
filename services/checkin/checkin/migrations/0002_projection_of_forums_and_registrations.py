"""projection of forums and registrations

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
    op.create_table('forums',
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('titles', sa.Text(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('online_url', sa.String(length=1000), nullable=True),
    sa.Column('onsite_checkin', sa.Boolean(), nullable=False),
    sa.Column('online_min_minutes', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('slug')
    )
    op.create_table('points',
    sa.Column('forum', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('province', sa.String(length=100), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('forum', 'code')
    )
    op.create_table('registrations',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('forum', sa.String(length=100), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attendance', sa.String(length=10), nullable=False),
    sa.Column('point', sa.String(length=64), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=True),
    sa.Column('email_key', sa.String(length=320), nullable=True),
    sa.Column('ticket_code', sa.String(length=16), nullable=False),
    sa.Column('ticket_version', sa.Integer(), nullable=False),
    sa.Column('erased', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registrations_email_key'), ['email_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_registrations_forum'), ['forum'], unique=False)

    op.create_table('ticket_keys',
    sa.Column('forum', sa.String(length=100), nullable=False),
    sa.Column('kid', sa.String(length=32), nullable=False),
    sa.Column('public_key', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('forum', 'kid')
    )


def downgrade() -> None:
    op.drop_table('ticket_keys')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registrations_forum'))
        batch_op.drop_index(batch_op.f('ix_registrations_email_key'))

    op.drop_table('registrations')
    op.drop_table('points')
    op.drop_table('forums')
