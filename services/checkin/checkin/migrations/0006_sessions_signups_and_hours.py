"""sessions, sign-ups, scans per session and hours

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("sessions",
                    sa.Column("forum", sa.String(100), nullable=False),
                    sa.Column("code", sa.String(64), nullable=False),
                    sa.Column("titles", sa.Text(), nullable=False),
                    sa.Column("kind", sa.String(12), nullable=False),
                    sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
                    sa.Column("points", sa.Text(), nullable=True),
                    sa.Column("online", sa.Boolean(), nullable=False),
                    sa.Column("signup", sa.Boolean(), nullable=False),
                    sa.Column("walk_in", sa.String(6), nullable=False),
                    sa.PrimaryKeyConstraint("forum", "code"))
    op.create_table("signups",
                    sa.Column("registration_id", sa.String(36), nullable=False),
                    sa.Column("session", sa.String(64), nullable=False),
                    sa.PrimaryKeyConstraint("registration_id", "session"))
    op.create_table("session_checkins",
                    sa.Column("registration_id", sa.String(36), nullable=False),
                    sa.Column("session", sa.String(64), nullable=False),
                    sa.Column("forum", sa.String(100), nullable=False),
                    sa.Column("point", sa.String(64), nullable=False),
                    sa.Column("scan", sa.Integer(), nullable=False),
                    sa.Column("checked_in_at", sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint("registration_id", "session"))
    op.create_index("ix_session_checkins_forum_session", "session_checkins", ["forum", "session"])
    op.create_table("hours",
                    sa.Column("registration_id", sa.String(36), nullable=False),
                    sa.Column("forum", sa.String(100), nullable=False),
                    sa.Column("sessions", sa.Text(), nullable=False),
                    sa.Column("minutes", sa.Integer(), nullable=False),
                    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint("registration_id"))
    op.create_index("ix_hours_forum", "hours", ["forum"])
    op.add_column("scans", sa.Column("session", sa.String(64), nullable=True))
    op.add_column("scans", sa.Column("not_signed_up", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("attendance_spans", sa.Column("session", sa.String(64), nullable=True))
    op.create_index("ix_scans_registration_id", "scans", ["registration_id"])


def downgrade() -> None:
    with op.batch_alter_table("attendance_spans") as batch:
        batch.drop_column("session")
    op.drop_index("ix_scans_registration_id", "scans")
    with op.batch_alter_table("scans") as batch:
        batch.drop_column("not_signed_up")
        batch.drop_column("session")
    op.drop_index("ix_hours_forum", "hours")
    op.drop_table("hours")
    op.drop_index("ix_session_checkins_forum_session", "session_checkins")
    op.drop_table("session_checkins")
    op.drop_table("signups")
    op.drop_table("sessions")
