"""holders' email addresses and the mail outbox

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

from forumops_shared.mail import create_mail_outbox_v1, drop_mail_outbox_v1

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Where "your certificate is ready" goes; people projected before this revision have none.
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email", sa.String(length=320), nullable=True))
    create_mail_outbox_v1(op)


def downgrade() -> None:
    drop_mail_outbox_v1(op)
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("email")
