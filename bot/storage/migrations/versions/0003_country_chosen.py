"""The country: whether the person chose it (a button, /pays, a deep link, or said it), and whether it was
offered.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("country_chosen", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(
            sa.Column("country_offered", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("country_offered")
        batch.drop_column("country_chosen")
