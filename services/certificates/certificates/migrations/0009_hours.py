"""hours: the forums' hours rule and programme, each participant's sessions and minutes, and what a
certificate states (sessions, hours) and replaces; one *valid* attendance certificate per registration

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_VALID_OF_REGISTRATION = sa.text("registration_id IS NOT NULL AND revoked_at IS NULL")
# SQLite drops the unique key by copying the table: the kept PDFs go with the old one (a cache,
# drawn again on the next download, as TEMPLATE_VERSION 3 would have them anyway).
# 0002 left the unique key on registration_id unnamed: SQLite's batch copy names it by this
# convention; PostgreSQL named it itself.
_UNIQUE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
_UNIQUE_REGISTRATION = {"sqlite": "uq_certificates_registration_id", "postgresql": "certificates_registration_id_key"}


def upgrade() -> None:
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_hours", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("required_sessions", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("hours_step_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sessions", sa.Text(), nullable=True))
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sessions", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("minutes", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("hours_recorded_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("certificates", schema=None, naming_convention=_UNIQUE_NAMES) as batch_op:
        batch_op.drop_constraint(_UNIQUE_REGISTRATION[op.get_bind().dialect.name], type_="unique")
        batch_op.add_column(sa.Column("sessions", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("hours", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("replaces", sa.String(length=20), nullable=True))
        batch_op.create_index("ix_certificates_registration_id", ["registration_id"], unique=False)
        batch_op.create_index("ix_certificates_replaces", ["replaces"], unique=False)
    op.create_index("certificates_one_valid_per_registration", "certificates", ["registration_id"], unique=True,
                    sqlite_where=_VALID_OF_REGISTRATION, postgresql_where=_VALID_OF_REGISTRATION)


def downgrade() -> None:
    # Back to one certificate per registration ever: only possible while nothing was re-issued.
    op.drop_index("certificates_one_valid_per_registration", table_name="certificates")
    with op.batch_alter_table("certificates", schema=None, naming_convention=_UNIQUE_NAMES) as batch_op:
        batch_op.drop_index("ix_certificates_replaces")
        batch_op.drop_index("ix_certificates_registration_id")
        batch_op.drop_column("replaces")
        batch_op.drop_column("hours")
        batch_op.drop_column("sessions")
        batch_op.create_unique_constraint(_UNIQUE_REGISTRATION[op.get_bind().dialect.name], ["registration_id"])
    with op.batch_alter_table("attendance", schema=None) as batch_op:
        batch_op.drop_column("hours_recorded_at")
        batch_op.drop_column("minutes")
        batch_op.drop_column("sessions")
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.drop_column("sessions")
        batch_op.drop_column("hours_step_minutes")
        batch_op.drop_column("required_sessions")
        batch_op.drop_column("min_hours")
