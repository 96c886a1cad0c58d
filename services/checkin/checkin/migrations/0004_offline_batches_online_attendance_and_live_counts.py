"""offline batches, online attendance and live counts

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
    op.create_table('attendance_spans',
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('joined_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('registration_id', 'joined_at', 'left_at')
    )
    op.create_table('conflicts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('forum', sa.String(length=100), nullable=False),
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('scan', sa.Integer(), nullable=False),
    sa.Column('point', sa.String(length=64), nullable=False),
    sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_point', sa.String(length=64), nullable=True),
    sa.Column('first_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('scan')
    )
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_forum'), ['forum'], unique=False)

    op.create_table('online_attendance',
    sa.Column('registration_id', sa.String(length=36), nullable=False),
    sa.Column('forum', sa.String(length=100), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('registration_id')
    )
    with op.batch_alter_table('online_attendance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_online_attendance_forum'), ['forum'], unique=False)

    op.create_table('point_counts',
    sa.Column('forum', sa.String(length=100), nullable=False),
    sa.Column('point', sa.String(length=64), nullable=False),
    sa.Column('registered', sa.Integer(), server_default='0', nullable=False),
    sa.Column('waitlisted', sa.Integer(), server_default='0', nullable=False),
    sa.Column('arrived', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('forum', 'point')
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mode', sa.String(length=10), server_default='onsite', nullable=False))
        batch_op.add_column(sa.Column('forced', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.alter_column('point',
               existing_type=sa.VARCHAR(length=64),
               nullable=True)
        batch_op.alter_column('device_id',
               existing_type=sa.VARCHAR(length=32),
               nullable=True)
        batch_op.alter_column('scan',
               existing_type=sa.INTEGER(),
               nullable=True)

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manage_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_registrations_manage_token_hash'), ['manage_token_hash'], unique=False)
        batch_op.create_index('ix_registrations_forum_ticket_code', ['forum', 'ticket_code'], unique=False)

    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offline', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('forced', sa.Boolean(), server_default=sa.false(), nullable=False))

    # Live counts of what was there before (people attending online count on the point '').
    def place(r: str) -> str:
        return f"CASE WHEN {r}.attendance = 'online' THEN '' ELSE COALESCE({r}.point, '') END"

    op.execute(f"""INSERT INTO point_counts (forum, point, registered, waitlisted, arrived)
        SELECT forum, place, 0, 0, 0 FROM (SELECT r.forum, {place('r')} AS place FROM registrations r
                                           UNION SELECT forum, COALESCE(point, '') FROM checkins) AS known""")
    op.execute(f"""UPDATE point_counts SET
        registered = (SELECT COUNT(*) FROM registrations r WHERE r.forum = point_counts.forum
                      AND r.status = 'confirmed' AND {place('r')} = point_counts.point),
        waitlisted = (SELECT COUNT(*) FROM registrations r WHERE r.forum = point_counts.forum
                      AND r.status = 'waitlisted' AND {place('r')} = point_counts.point),
        arrived = (SELECT COUNT(*) FROM checkins c WHERE c.forum = point_counts.forum
                   AND COALESCE(c.point, '') = point_counts.point)""")


def downgrade() -> None:
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_column('forced')
        batch_op.drop_column('offline')

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_forum_ticket_code')
        batch_op.drop_index(batch_op.f('ix_registrations_manage_token_hash'))
        batch_op.drop_column('manage_token_hash')

    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.alter_column('scan',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.alter_column('device_id',
               existing_type=sa.VARCHAR(length=32),
               nullable=False)
        batch_op.alter_column('point',
               existing_type=sa.VARCHAR(length=64),
               nullable=False)
        batch_op.drop_column('forced')
        batch_op.drop_column('mode')

    op.drop_table('point_counts')
    with op.batch_alter_table('online_attendance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_online_attendance_forum'))

    op.drop_table('online_attendance')
    with op.batch_alter_table('conflicts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_forum'))

    op.drop_table('conflicts')
    op.drop_table('attendance_spans')
