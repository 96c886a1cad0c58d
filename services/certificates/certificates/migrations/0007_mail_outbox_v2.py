"""mail outbox, version 2: no pre-composed messages

Revision ID: 0007
Revises: 0006
"""
from alembic import op

from forumops_shared.mail import mail_outbox_back_to_v1, mail_outbox_v2

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    mail_outbox_v2(op)


def downgrade() -> None:
    mail_outbox_back_to_v1(op)
