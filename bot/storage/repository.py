"""What the adapter stores and erases. Functions take a session and never commit."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.handoff.states import OPEN
from bot.settings import COUNTRIES
from bot.storage.cipher import ChatCipher
from bot.storage.models import AuditEvent, Block, ChatRef, Conversation, Handoff, ProcessedUpdate, SentMessage

MAX_DETAIL_CHARS = 64  # audit details are labels and ids, never a message
DELETABLE_FOR = timedelta(hours=48)  # Telegram lets a bot delete its messages for 48 hours
ENGINE_IDLE = timedelta(minutes=60)  # = session_expiration_time of domain.yml

TRIAGE_FIELDS = ("situation", "urgency", "audience")


def touch_conversation(session: Session, pseudonym: str, country: str, now: datetime) -> Conversation:
    """The conversation of this pseudonym, created if new, marked as active now."""
    conversation = session.get(Conversation, pseudonym)
    if conversation is None:
        conversation = Conversation(pseudonym=pseudonym, country=country, created_at=now)
        session.add(conversation)
    conversation.updated_at = now
    return conversation


def country_of(session: Session, pseudonym: str, default: str) -> str:
    """The person's country, or ``default`` for someone we hold nothing about."""
    conversation = session.get(Conversation, pseudonym)
    return conversation.country if conversation else default


def choose_country(session: Session, pseudonym: str, country: str, now: datetime) -> None:
    """The person picked ``country`` (a button, /pays, a deep link): kept like a triage label."""
    conversation = touch_conversation(session, pseudonym, country, now)
    conversation.country = country
    conversation.country_chosen = True


def save_triage(session: Session, pseudonym: str, triage: Mapping[str, object]) -> None:
    """Keep the triage labels (never the text they were read from)."""
    conversation = session.get(Conversation, pseudonym)
    if conversation is None:
        return
    for name in TRIAGE_FIELDS:
        value = triage.get(name)
        if isinstance(value, str):
            setattr(conversation, name, value)
    if triage.get("country") in COUNTRIES:
        # The person said where they are ("je suis en Belgique"): as if chosen with /pays.
        conversation.country = str(triage["country"])
        conversation.country_chosen = True


def remember_chat(session: Session, cipher: ChatCipher, pseudonym: str, chat_id: int) -> None:
    """Store the chat id, encrypted, so that replies reach the user after a restart."""
    ref = session.get(ChatRef, pseudonym)
    if ref is None:
        session.add(ChatRef(pseudonym=pseudonym, chat_id_encrypted=cipher.encrypt(chat_id)))


def chat_of(session: Session, cipher: ChatCipher, pseudonym: str) -> int | None:
    """The chat id of a pseudonym, if we still hold it."""
    ref = session.get(ChatRef, pseudonym)
    return None if ref is None else cipher.decrypt(ref.chat_id_encrypted)


def record_event(
    session: Session, event_type: str, pseudonym: str | None, **details: str | int | bool | None
) -> None:
    """Audit an event; details are short labels or ids (a long string is refused)."""
    for key, value in details.items():
        if isinstance(value, str) and len(value) > MAX_DETAIL_CHARS:
            raise ValueError(f"audit detail {key!r} is too long to be a label: message text is never stored")
    session.add(AuditEvent(event_type=event_type, pseudonym=pseudonym, details=dict(details)))


def first_delivery(session: Session, update_id: int) -> bool:
    """True the first time an update id is seen; a Telegram re-delivery returns False.

    One ``INSERT … ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL): a single round trip, and
    a concurrent re-delivery waits for the first one's transaction instead of failing.
    """
    insert = (
        postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )  # the two we run on
    statement = (
        insert(ProcessedUpdate)
        .values(update_id=update_id)
        .on_conflict_do_nothing(index_elements=["update_id"])
    )
    return (
        session.execute(statement.returning(ProcessedUpdate.update_id)).first() is not None
    )  # a row only if inserted


def recent_messages(session: Session, pseudonym: str, now: datetime) -> list[int]:
    """Ids of the bot's messages in this chat that Telegram still lets it delete."""
    query = select(SentMessage.message_id).where(
        SentMessage.pseudonym == pseudonym, SentMessage.at > now - DELETABLE_FOR
    )
    return list(session.scalars(query.order_by(SentMessage.id)))


def idle_in_engine(session: Session, now: datetime) -> list[str]:
    """Conversations idle for longer than a dialogue session whose texts the engine may still hold."""
    active = select(Handoff.pseudonym).where(Handoff.status.in_(OPEN))
    query = select(Conversation.pseudonym).where(
        Conversation.engine_forgotten.is_(False),
        Conversation.updated_at < now - ENGINE_IDLE,
        Conversation.pseudonym.not_in(active),
    )
    return list(session.scalars(query))


def forgotten_in_engine(session: Session, pseudonym: str) -> None:
    """The engine has erased this dialogue's texts (after ENGINE_IDLE without a message)."""
    conversation = session.get(Conversation, pseudonym)
    if conversation is not None:
        conversation.engine_forgotten = True


def _delete_everything_of(session: Session, pseudonym: str) -> None:
    session.execute(delete(AuditEvent).where(AuditEvent.pseudonym == pseudonym))
    session.execute(delete(ChatRef).where(ChatRef.pseudonym == pseudonym))
    session.execute(delete(Conversation).where(Conversation.pseudonym == pseudonym))


def erase(session: Session, pseudonym: str) -> None:
    """/oubli: delete everything held about this pseudonym (conversation, chat id, events)."""
    _delete_everything_of(session, pseudonym)
    session.add(AuditEvent(event_type="erased", pseudonym=None, details={}))


def purge(session: Session, now: datetime, retention_days: int) -> int:
    """Retention: erase conversations idle for more than ``retention_days``; return how many."""
    limit = now - timedelta(days=retention_days)
    old = list(session.scalars(select(Conversation.pseudonym).where(Conversation.updated_at < limit)))
    for pseudonym in old:
        _delete_everything_of(session, pseudonym)
    session.execute(delete(AuditEvent).where(AuditEvent.at < limit))
    session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.at < now - timedelta(days=2)))
    session.execute(delete(SentMessage).where(SentMessage.at < now - DELETABLE_FOR))
    session.execute(delete(Block).where(Block.until < now))  # a block outlives /oubli, not its expiry
    return len(old)


def remember_sent(session: Session, pseudonym: str, message_ids: list[int], now: datetime) -> None:
    """Keep the ids of the bot's messages in a known conversation (for /oubli)."""
    if message_ids and session.get(Conversation, pseudonym) is not None:
        session.add_all(SentMessage(pseudonym=pseudonym, message_id=i, at=now) for i in message_ids)
