"""audit records and shared rate-limit counts

Revision ID: 0005
Revises: 0004
"""
from alembic import op

from forumops_shared.audit import create_audit_v1, drop_audit_v1
from forumops_shared.ratelimit import create_rate_counts_v1, drop_rate_counts_v1

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_audit_v1(op)
    create_rate_counts_v1(op)


def downgrade() -> None:
    drop_rate_counts_v1(op)
    drop_audit_v1(op)
