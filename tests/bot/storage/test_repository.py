"""Storage migrated by Alembic, on a SQLite file and on PostgreSQL: what is kept, erased and purged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import MetaData, inspect, make_url, select
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.cipher import ChatCipher
from bot.storage.db import transaction
from bot.storage.models import AuditEvent, Conversation
from bot.storage.repository import (
    chat_of,
    erase,
    first_delivery,
    purge,
    record_event,
    remember_chat,
    save_triage,
    touch_conversation,
)
from tests.net import sqlite_bytes

CHAT_ID = 987654321012
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CIPHER = ChatCipher(b"k" * 48)


def stored_rows(factory: sessionmaker[Session]) -> str:
    """Every row of every table, as the database returns it (binary columns as bytes)."""
    rows = []
    with factory() as session:
        schema = MetaData()
        schema.reflect(session.get_bind())  # the tables as migrated, not as the models say
        for table in schema.sorted_tables:
            for row in session.execute(select(table)):
                rows.append((table.name, [bytes(v) if isinstance(v, memoryview) else v for v in row]))
    return repr(rows)


def test_migrations_create_every_table(database: tuple[str, sessionmaker[Session]]) -> None:
    _, factory = database
    with factory() as session:
        tables = set(inspect(session.get_bind()).get_table_names())
    assert {"conversations", "chat_refs", "audit_events", "processed_updates"} <= tables


def test_the_chat_id_is_kept_encrypted_and_nothing_else(database: tuple[str, sessionmaker[Session]]) -> None:
    url, factory = database
    with transaction(factory) as session:
        touch_conversation(session, "pseudo1", "FR", NOW)
        remember_chat(session, CIPHER, "pseudo1", CHAT_ID)
        save_triage(session, "pseudo1", {"situation": "sextortion", "urgency": "high", "text": "mes nudes"})
        record_event(session, "message_in", "pseudo1", correlation="c0ffee")
    with transaction(factory) as session:
        assert chat_of(session, CIPHER, "pseudo1") == CHAT_ID
        conversation = session.get(Conversation, "pseudo1")
        assert conversation is not None and conversation.situation == "sextortion"
    rows = stored_rows(factory)
    assert "pseudo1" in rows and "sextortion" in rows and "c0ffee" in rows  # the dump does see the data
    assert str(CHAT_ID) not in rows
    assert "nudes" not in rows
    if make_url(url).get_backend_name() == "sqlite":  # and nowhere in the file, free pages included
        raw = sqlite_bytes(Path(make_url(url).database or ""))
        assert str(CHAT_ID).encode() not in raw
        assert b"nudes" not in raw


def test_audit_details_refuse_message_text(database: tuple[str, sessionmaker[Session]]) -> None:
    _, factory = database
    with pytest.raises(ValueError, match="never stored"), transaction(factory) as session:
        record_event(
            session, "message_in", "p", text="il menace de publier mes photos si je paie pas ce soir " * 2
        )


def test_a_redelivered_update_is_handled_once(database: tuple[str, sessionmaker[Session]]) -> None:
    _, factory = database
    with transaction(factory) as session:
        assert first_delivery(session, 42)
    with transaction(factory) as session:
        assert not first_delivery(session, 42)
        assert first_delivery(session, 43)


def test_oubli_erases_everything_about_the_pseudonym(database: tuple[str, sessionmaker[Session]]) -> None:
    _, factory = database
    with transaction(factory) as session:
        for p in ("keep", "gone"):
            touch_conversation(session, p, "FR", NOW)
            remember_chat(session, CIPHER, p, CHAT_ID)
            record_event(session, "message_in", p)
    with transaction(factory) as session:
        erase(session, "gone")
    with transaction(factory) as session:
        assert session.get(Conversation, "gone") is None and chat_of(session, CIPHER, "gone") is None
        assert session.scalars(select(AuditEvent).where(AuditEvent.pseudonym == "gone")).all() == []
        assert chat_of(session, CIPHER, "keep") == CHAT_ID


def test_retention_purges_idle_conversations(database: tuple[str, sessionmaker[Session]]) -> None:
    _, factory = database
    with transaction(factory) as session:
        touch_conversation(session, "old", "FR", NOW - timedelta(days=31))
        remember_chat(session, CIPHER, "old", CHAT_ID)
        touch_conversation(session, "recent", "FR", NOW - timedelta(days=2))
    with transaction(factory) as session:
        assert purge(session, NOW, retention_days=30) == 1
    with transaction(factory) as session:
        assert session.get(Conversation, "old") is None and chat_of(session, CIPHER, "old") is None
        assert session.get(Conversation, "recent") is not None


def test_a_country_the_person_told_is_kept_like_a_pays_choice(
    database: tuple[str, sessionmaker[Session]],
) -> None:
    _, factory = database
    with transaction(factory) as session:
        touch_conversation(session, "pseudo2", "FR", NOW)
        save_triage(session, "pseudo2", {"situation": "none", "country": "CA_QC"})
        save_triage(
            session, "pseudo2", {"situation": "none", "country": "Atlantis"}
        )  # not a country we serve: ignored
    with transaction(factory) as session:
        conversation = session.get(Conversation, "pseudo2")
        assert conversation is not None and conversation.country == "CA_QC"
