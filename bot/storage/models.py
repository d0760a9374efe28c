"""Tables of the adapter (SQLAlchemy 2.0 typed declarative models)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    false,
    func,
)
from sqlalchemy import (
    Enum as SQLEnum,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.handoff.states import Outcome, Status, Trigger


def _words(enum: type[StrEnum], length: int) -> SQLEnum:
    """A StrEnum kept as its value in a plain VARCHAR column (no database enum type: the migrations
    stay portable between SQLite and PostgreSQL, and a value is checked when it is written)."""
    return SQLEnum(
        enum,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Declarative base with named constraints (stable names for Alembic)."""

    type_annotation_map = {datetime: DateTime(timezone=True)}


class Conversation(Base):
    """One anonymous conversation, keyed by the pseudonym, with the triage labels only."""

    __tablename__ = "conversations"

    pseudonym: Mapped[str] = mapped_column(String(32), primary_key=True)
    country: Mapped[str] = mapped_column(String(8), default="FR")
    # False until the person picks or says a country: until then replies carry 112/911 too.
    country_chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # True once the one-tap choice was shown outside a crisis: it is not offered again (a crisis always offers
    # it).
    country_offered: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    situation: Mapped[str] = mapped_column(String(20), default="none")
    urgency: Mapped[str] = mapped_column(String(10), default="low")
    audience: Mapped[str] = mapped_column(String(10), default="unknown")
    # False while the engine may hold the dialogue's texts; set once they were erased there.
    engine_forgotten: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # When to ask « ça va mieux ? » once, if the person said yes after a chat (erased with the rest).
    checkin_due: Mapped[datetime | None] = mapped_column(default=None)
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


class SentMessage(Base):
    """Ids of the bot's recent messages in a chat, so that /oubli can delete them (48 h)."""

    __tablename__ = "sent_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pseudonym: Mapped[str] = mapped_column(
        ForeignKey("conversations.pseudonym", ondelete="CASCADE", name="fk_sent_messages_conversation"),
        index=True,
    )
    message_id: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(server_default=func.now())


class Volunteer(Base):
    """A volunteer of the allowlist, by pseudonym: availability and capacity (VOLUNTEER_CAPACITY
    until they choose theirs with /capacite)."""

    __tablename__ = "volunteers"

    pseudonym: Mapped[str] = mapped_column(String(32), primary_key=True)
    available: Mapped[bool] = mapped_column(Boolean, default=False)
    capacity: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Handoff(Base):
    """One request for a human: queued, claimed by a volunteer, then closed (or cancelled).

    Only labels are kept (what the card shows), never the user's words.
    """

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket: Mapped[str] = mapped_column(String(8), unique=True)
    pseudonym: Mapped[str] = mapped_column(
        ForeignKey("conversations.pseudonym", ondelete="CASCADE", name="fk_handoffs_conversation"), index=True
    )
    status: Mapped[Status] = mapped_column(_words(Status, 12), default=Status.QUEUED, index=True)
    trigger: Mapped[Trigger] = mapped_column(_words(Trigger, 20), default=Trigger.ASKED)
    urgency: Mapped[str] = mapped_column(String(10), default="low")
    urgency_rank: Mapped[int] = mapped_column(Integer, default=3)
    situation: Mapped[str] = mapped_column(String(20), default="none")
    audience: Mapped[str] = mapped_column(String(10), default="unknown")
    minor: Mapped[bool | None] = mapped_column(Boolean, default=None)
    platform: Mapped[str | None] = mapped_column(String(30), default=None)
    steps_given: Mapped[list[str]] = mapped_column(JSON, default=list)
    requested_at: Mapped[datetime] = mapped_column()
    announced_at: Mapped[datetime] = mapped_column()
    announcements: Mapped[int] = mapped_column(Integer, default=1)
    nobody_told: Mapped[bool] = mapped_column(Boolean, default=False)
    card_message_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # The case's thread (a topic) in its volunteer's private chat; None without topics, or while queued.
    topic_id: Mapped[int | None] = mapped_column(BigInteger, default=None)
    # The person's one-tap answer: may the volunteer read what they wrote to the bot before? (None: not
    # asked yet.) The text is read from the engine's tracker when shown, never stored here; only the ids
    # of the volunteer-side messages that show it, to delete them at /fin, /oubli or a transfer.
    context_consent: Mapped[bool | None] = mapped_column(Boolean, default=None)
    context_messages: Mapped[list[int]] = mapped_column(JSON, default=list)
    # The coordinators were alerted that it waits past its target (once per stay in the queue).
    late_alerted: Mapped[bool] = mapped_column(Boolean, default=False)
    volunteer: Mapped[str | None] = mapped_column(String(32), default=None, index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)
    closed_at: Mapped[datetime | None] = mapped_column(default=None)
    outcome: Mapped[Outcome | None] = mapped_column(_words(Outcome, 30), default=None)
    feedback: Mapped[str | None] = mapped_column(String(8), default=None)


class Outbox(Base):
    """A relayed message waiting for delivery, encrypted, deleted as soon as it is delivered.

    It is written in the same transaction that marks the Telegram update as processed, so
    a message is neither lost by a restart nor sent twice by a re-delivered update.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    handoff_id: Mapped[int] = mapped_column(
        ForeignKey("handoffs.id", ondelete="CASCADE", name="fk_outbox_handoff"), index=True
    )
    to_volunteer: Mapped[bool] = mapped_column(Boolean)
    body_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class Block(Base):
    """A pseudonym a volunteer blocked from the hand-off, with a reason category (audited)."""

    __tablename__ = "blocks"

    pseudonym: Mapped[str] = mapped_column(String(32), primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))
    by_volunteer: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    until: Mapped[datetime] = mapped_column()  # the block's expiry, by reason (BLOCK_REASONS)
