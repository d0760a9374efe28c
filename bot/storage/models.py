"""Tables of the adapter (SQLAlchemy 2.0 typed declarative models)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Integer, LargeBinary, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base with named constraints (stable names for Alembic)."""

    type_annotation_map = {datetime: DateTime(timezone=True)}


class Conversation(Base):
    """One anonymous conversation, keyed by the pseudonym, with the triage labels only."""

    __tablename__ = "conversations"

    pseudonym: Mapped[str] = mapped_column(String(32), primary_key=True)
    country: Mapped[str] = mapped_column(String(8), default="FR")
    situation: Mapped[str] = mapped_column(String(20), default="none")
    urgency: Mapped[str] = mapped_column(String(10), default="low")
    audience: Mapped[str] = mapped_column(String(10), default="unknown")
    state: Mapped[str] = mapped_column(String(20), default="bot")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ChatRef(Base):
    """How to reach the user's chat: the chat id, encrypted, deleted with the conversation.

    The adapter must be able to send the volunteer's replies to the right chat after a
    restart, so the id is kept — encrypted with a key derived from PSEUDONYM_KEY, never
    in clear, and erased by /oubli or by the retention purge.
    """

    __tablename__ = "chat_refs"

    pseudonym: Mapped[str] = mapped_column(
        ForeignKey("conversations.pseudonym", ondelete="CASCADE", name="fk_chat_refs_conversation"),
        primary_key=True,
    )
    chat_id_encrypted: Mapped[bytes] = mapped_column(LargeBinary)


class AuditEvent(Base):
    """Who did what and when: event types and pseudonyms, never message text."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    event_type: Mapped[str] = mapped_column(String(40))
    pseudonym: Mapped[str | None] = mapped_column(String(32), index=True)
    details: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)


class ProcessedUpdate(Base):
    """Telegram update ids already handled: a re-delivered update is done only once."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(server_default=func.now())
