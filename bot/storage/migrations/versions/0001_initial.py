"""Initial schema: conversations, encrypted chat references, audit events, processed updates.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("pseudonym", sa.String(32), primary_key=True),
        sa.Column("country", sa.String(8), nullable=False),
        sa.Column("situation", sa.String(20), nullable=False),
        sa.Column("urgency", sa.String(10), nullable=False),
        sa.Column("audience", sa.String(10), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.create_table(
        "chat_refs",
        sa.Column(
            "pseudonym",
            sa.String(32),
            sa.ForeignKey("conversations.pseudonym", ondelete="CASCADE", name="fk_chat_refs_conversation"),
            primary_key=True,
        ),
        sa.Column("chat_id_encrypted", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("event_type", sa.String(40), nullable=False),
        sa.Column("pseudonym", sa.String(32), nullable=True),
        sa.Column("details", sa.JSON, nullable=False),
    )
    op.create_index("ix_audit_events_pseudonym", "audit_events", ["pseudonym"])
    op.create_table(
        "processed_updates",
        sa.Column("update_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("processed_updates")
    op.drop_index("ix_audit_events_pseudonym", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_table("chat_refs")
    op.drop_table("conversations")
