"""One thread per case: handoffs.topic_id (the case's topic in its volunteer's private chat);
handoffs.context_consent and context_messages (whether the person let the volunteer read what they
wrote before, and the ids of the messages that show it, deleted at /fin or /oubli: ids, never text);
handoffs.late_alerted (the coordinators were told it waits past its target);
conversations.checkin_due (the one check-in a person asked for after a chat);
blocks.until (a block's expiry, by reason: 90 days for the blocks made before);
volunteers.focus_ticket dropped (a volunteer's message goes to the case it is tied to, never to a
"current" one guessed from the last claim).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("topic_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("context_consent", sa.Boolean(), nullable=True))
        batch.add_column(
            sa.Column("context_messages", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
        batch.add_column(sa.Column("late_alerted", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("checkin_due", sa.DateTime(), nullable=True))
    with op.batch_alter_table("blocks") as batch:
        batch.add_column(sa.Column("until", sa.DateTime(), nullable=True))
    op.execute(
        "UPDATE blocks SET until = at + interval '90 days'"
        if _postgres()
        else "UPDATE blocks SET until = datetime(at, '+90 days')"
    )
    with op.batch_alter_table("blocks") as batch:
        batch.alter_column("until", existing_type=sa.DateTime(), nullable=False)
    with op.batch_alter_table("volunteers") as batch:
        batch.drop_column("focus_ticket")


def _postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def downgrade() -> None:
    with op.batch_alter_table("blocks") as batch:
        batch.drop_column("until")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("checkin_due")
    with op.batch_alter_table("volunteers") as batch:
        batch.add_column(sa.Column("focus_ticket", sa.String(8), nullable=True))
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("late_alerted")
        batch.drop_column("context_messages")
        batch.drop_column("context_consent")
        batch.drop_column("topic_id")
