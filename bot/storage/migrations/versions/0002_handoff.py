"""Hand-off: volunteers, requests, relay outbox, blocks; bot message ids; engine forgetting.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NOW = sa.func.now()


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(
            sa.Column("engine_forgotten", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "sent_messages",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "pseudonym",
            sa.String(32),
            sa.ForeignKey(
                "conversations.pseudonym", ondelete="CASCADE", name="fk_sent_messages_conversation"
            ),
            nullable=False,
            index=True,
        ),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    )
    op.create_table(
        "volunteers",
        sa.Column("pseudonym", sa.String(32), primary_key=True),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("focus_ticket", sa.String(8), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    )
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("ticket", sa.String(8), nullable=False, unique=True),
        sa.Column(
            "pseudonym",
            sa.String(32),
            sa.ForeignKey("conversations.pseudonym", ondelete="CASCADE", name="fk_handoffs_conversation"),
            nullable=False,
            index=True,
        ),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("urgency", sa.String(10), nullable=False),
        sa.Column("urgency_rank", sa.Integer(), nullable=False),
        sa.Column("situation", sa.String(20), nullable=False),
        sa.Column("audience", sa.String(10), nullable=False),
        sa.Column("minor", sa.Boolean(), nullable=True),
        sa.Column("platform", sa.String(30), nullable=True),
        sa.Column("steps_given", sa.JSON(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("announced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("announcements", sa.Integer(), nullable=False),
        sa.Column("nobody_told", sa.Boolean(), nullable=False),
        sa.Column("card_message_id", sa.BigInteger(), nullable=True),
        sa.Column("volunteer", sa.String(32), nullable=True, index=True),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(30), nullable=True),
        sa.Column("feedback", sa.String(8), nullable=True),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "handoff_id",
            sa.Integer(),
            sa.ForeignKey("handoffs.id", ondelete="CASCADE", name="fk_outbox_handoff"),
            nullable=False,
            index=True,
        ),
        sa.Column("to_volunteer", sa.Boolean(), nullable=False),
        sa.Column("body_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    )
    op.create_table(
        "blocks",
        sa.Column("pseudonym", sa.String(32), primary_key=True),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("by_volunteer", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    )


def downgrade() -> None:
    for table in ("blocks", "outbox", "handoffs", "volunteers", "sent_messages"):
        op.drop_table(table)
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("engine_forgotten")
