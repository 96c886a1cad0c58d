"""awards programmes' results: the programmes projected, and which programme issued a certificate

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_VALID_OF_PROGRAMME = sa.text("programme IS NOT NULL AND revoked_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("titles", sa.Text(), nullable=False),
        sa.Column("forum", sa.String(length=100), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("slug"),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("programme", sa.String(length=100), nullable=True))
    op.create_index("certificates_one_valid_per_winner", "certificates", ["programme", "award_ref"], unique=True,
                    sqlite_where=_VALID_OF_PROGRAMME, postgresql_where=_VALID_OF_PROGRAMME)


def downgrade() -> None:
    op.drop_index("certificates_one_valid_per_winner", table_name="certificates")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_column("programme")
    op.drop_table("programmes")
