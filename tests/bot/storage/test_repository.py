"""Storage on a real SQLite file migrated by Alembic: what is kept, erased and purged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.cipher import ChatCipher
from bot.storage.db import make_engine, session_factory, transaction, upgrade
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

CHAT_ID = 987654321012
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CIPHER = ChatCipher(b"k" * 48)


@pytest.fixture()
def database(tmp_path: Path) -> Iterator[tuple[Path, sessionmaker[Session]]]:
    path = tmp_path / "relais.db"
    upgrade(f"sqlite:///{path}")
    engine = make_engine(f"sqlite:///{path}")
    yield path, session_factory(engine)
    engine.dispose()


def test_migrations_create_every_table(database: tuple[Path, sessionmaker[Session]]) -> None:
    path, factory = database
    with factory() as session:
        tables = set(inspect(session.get_bind()).get_table_names())
    assert {"conversations", "chat_refs", "audit_events", "processed_updates"} <= tables


def test_the_chat_id_is_kept_encrypted_and_nothing_else(database: tuple[Path, sessionmaker[Session]]) -> None:
    path, factory = database
    with transaction(factory) as session:
        touch_conversation(session, "pseudo1", "FR", NOW)
        remember_chat(session, CIPHER, "pseudo1", CHAT_ID)
        save_triage(session, "pseudo1", {"situation": "sextortion", "urgency": "high", "text": "mes nudes"})
        record_event(session, "message_in", "pseudo1", correlation="c0ffee")
    with transaction(factory) as session:
        assert chat_of(session, CIPHER, "pseudo1") == CHAT_ID
        assert session.get(Conversation, "pseudo1").situation == "sextortion"
    raw = path.read_bytes()
    assert str(CHAT_ID).encode() not in raw
    assert b"nudes" not in raw


def test_audit_details_refuse_message_text(database: tuple[Path, sessionmaker[Session]]) -> None:
    _, factory = database
    with pytest.raises(ValueError, match="never stored"), transaction(factory) as session:
        record_event(session, "message_in", "p", text="il menace de publier mes photos si je paie pas ce soir " * 2)


def test_a_redelivered_update_is_handled_once(database: tuple[Path, sessionmaker[Session]]) -> None:
    _, factory = database
    with transaction(factory) as session:
        assert first_delivery(session, 42)
    with transaction(factory) as session:
        assert not first_delivery(session, 42)
        assert first_delivery(session, 43)


def test_oubli_erases_everything_about_the_pseudonym(database: tuple[Path, sessionmaker[Session]]) -> None:
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


def test_retention_purges_idle_conversations(database: tuple[Path, sessionmaker[Session]]) -> None:
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
