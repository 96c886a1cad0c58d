"""mail outbox

Revision ID: 0007
Revises: 0006
"""
from alembic import op

from forumops_shared.mail import create_mail_outbox_v1, drop_mail_outbox_v1

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_mail_outbox_v1(op)


def downgrade() -> None:
    drop_mail_outbox_v1(op)
