"""Award certificates (category, recipient kind, the organiser's ref) and kept PDFs.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('certificate_pdfs',
    sa.Column('serial', sa.String(length=20), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('rendered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['serial'], ['certificates.serial'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('serial')
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('recipient_kind', sa.String(length=8), nullable=True))
        batch_op.add_column(sa.Column('award_ref', sa.String(length=100), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('award_ref')
        batch_op.drop_column('recipient_kind')
        batch_op.drop_column('category')

    op.drop_table('certificate_pdfs')
