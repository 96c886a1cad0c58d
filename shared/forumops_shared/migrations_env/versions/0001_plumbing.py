"""outbox, processed events and leases

Revision ID: 0001
Revises:
"""
from alembic import op

from forumops_shared.plumbing import create_plumbing_v1, drop_plumbing_v1

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_plumbing_v1(op)


def downgrade() -> None:
    drop_plumbing_v1(op)

