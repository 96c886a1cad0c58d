"""programmes, applications, attachments, idempotency keys; audit records, rate counts, the mail outbox

Revision ID: awards_0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from forumops_shared.audit import create_audit_v1, drop_audit_v1
from forumops_shared.db import UtcDateTime
from forumops_shared.mail import create_mail_outbox_v1, drop_mail_outbox_v1, mail_outbox_v2
from forumops_shared.ratelimit import create_rate_counts_v1, drop_rate_counts_v1

revision = "awards_0002"
down_revision = "0001"  # the shared plumbing tables (outbox, processed events, leases)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("slug", sa.String(100), nullable=False, unique=True),
        sa.Column("titles", sa.Text, nullable=False),
        sa.Column("forum", sa.String(100), nullable=True),
        sa.Column("applications_open_at", UtcDateTime(), nullable=False),
        sa.Column("applications_close_at", UtcDateTime(), nullable=False),
        sa.Column("review_close_at", UtcDateTime(), nullable=False),
        sa.Column("results_at", UtcDateTime(), nullable=False),
        sa.Column("categories", sa.Text, nullable=False),
        sa.Column("criteria", sa.Text, nullable=False),
        sa.Column("applicants", sa.String(10), nullable=False),
        sa.Column("reviews_per_application", sa.Integer, nullable=False),
        sa.Column("blind", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
    )
    op.create_table(
        "applications",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("programme_id", sa.Integer, sa.ForeignKey("programmes.id"), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("applicant_kind", sa.String(10), nullable=False),
        sa.Column("applicant_name", sa.String(300), nullable=False),
        sa.Column("organisation", sa.String(300), nullable=True),
        sa.Column("province", sa.String(100), nullable=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("consent_at", UtcDateTime(), nullable=False),
        sa.Column("manage_token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("duplicate_key", sa.String(64), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("withdrawn_at", UtcDateTime(), nullable=True),
        sa.UniqueConstraint("programme_id", "duplicate_key", name="uq_applications_duplicate"),
    )
    op.create_index("ix_applications_programme", "applications", ["programme_id", "seq"])
    op.create_table(
        "attachments",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("id", sa.String(32), nullable=False, unique=True),
        sa.Column("application_id", sa.String(32), sa.ForeignKey("applications.id"), nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("stored_as", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_attachments_application_id", "attachments", ["application_id"])
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.String(120), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=True),
        sa.Column("response_body", sa.Text, nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
    )
    op.create_index("ix_awards_idempotency_created", "idempotency_keys", ["created_at"])
    create_audit_v1(op)
    create_rate_counts_v1(op)
    create_mail_outbox_v1(op)
    mail_outbox_v2(op)  # the current shape: every message written by the renderer when it goes out


def downgrade() -> None:
    drop_mail_outbox_v1(op)
    drop_rate_counts_v1(op)
    drop_audit_v1(op)
    for table in ("idempotency_keys", "attachments", "applications", "programmes"):
        op.drop_table(table)
