"""sessions and sign-ups

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("forum_id", sa.Integer, sa.ForeignKey("forums.id"), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("titles", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("points", sa.Text, nullable=True),
        sa.Column("online_url", sa.String(1000), nullable=True),
        sa.Column("capacity", sa.Integer, nullable=True),
        sa.Column("signup", sa.Boolean, nullable=False),
        sa.Column("walk_in", sa.String(10), nullable=False),
        sa.Column("confirmed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("waitlisted", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("forum_id", "code", name="uq_sessions_forum_code"),
    )
    op.create_table(
        "session_signups",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Integer, sa.ForeignKey("sessions.id"), nullable=False),
        sa.Column("registration_id", sa.String(36), sa.ForeignKey("registrations.id"), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("waitlisted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("session_id", "registration_id", name="uq_session_signups_once"),
    )
    op.create_index("ix_session_signups_waitlist", "session_signups", ["session_id", "status", "seq"])
    op.create_index("ix_session_signups_registration", "session_signups", ["registration_id"])


def downgrade() -> None:
    op.drop_index("ix_session_signups_registration", "session_signups")
    op.drop_index("ix_session_signups_waitlist", "session_signups")
    op.drop_table("session_signups")
    op.drop_table("sessions")
