"""Hand-off storage on SQLite and PostgreSQL: queue order, race-safe claim, outbox, blocks, erase."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.handoff.states import Trigger
from bot.storage.cipher import ChatCipher
from bot.storage.db import transaction
from bot.storage.handoffs import (
    Room,
    block,
    claim,
    due_for_reannounce,
    free_volunteers,
    is_blocked,
    pending_messages,
    queue_message,
    request_handoff,
    room,
    take_card,
    volunteer_of,
    waiting,
    without_card,
)
from bot.storage.models import Block, Handoff, Outbox
from bot.storage.repository import erase, purge, touch_conversation

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
CIPHER = ChatCipher(b"k" * 48)
Database = tuple[str, sessionmaker[Session]]


def ask(factory: sessionmaker[Session], pseudonym: str, urgency: str, at: datetime) -> str:
    with transaction(factory) as session:
        touch_conversation(session, pseudonym, "FR", at)
        handoff, created = request_handoff(
            session, pseudonym, {"urgency": urgency, "situation": "harassment"}, Trigger.ASKED, at
        )
        assert created
        return handoff.ticket


def test_the_queue_is_ordered_by_urgency_then_waiting_time(database: Database) -> None:
    _, factory = database
    first = ask(factory, "p1", "medium", NOW)
    second = ask(factory, "p2", "medium", NOW + timedelta(minutes=1))
    urgent = ask(factory, "p3", "critical", NOW + timedelta(minutes=2))
    low = ask(factory, "p4", "low", NOW - timedelta(minutes=30))
    with transaction(factory) as session:
        assert [h.ticket for h in waiting(session)] == [urgent, first, second, low]


def test_a_second_request_reuses_the_open_one_and_only_raises_urgency(database: Database) -> None:
    _, factory = database
    ticket = ask(factory, "p1", "medium", NOW)
    with transaction(factory) as session:
        again, created = request_handoff(session, "p1", {"urgency": "critical"}, Trigger.CRITICAL, NOW)
        assert not created and again.ticket == ticket and again.urgency == "critical"
        calmer, _ = request_handoff(session, "p1", {"urgency": "low"}, Trigger.ASKED, NOW)
        assert calmer.urgency == "critical"


def test_only_labels_are_kept_from_the_payload(database: Database) -> None:
    _, factory = database
    payload = {
        "urgency": "high",
        "situation": "x" * 500,
        "text": "il a mes photos",
        "steps_given": ["s1"],
        "minor": "yes",
    }
    with transaction(factory) as session:
        touch_conversation(session, "p1", "FR", NOW)
        handoff, _ = request_handoff(session, "p1", payload, Trigger.ASKED, NOW)
        assert len(handoff.situation) == 20 and handoff.minor is None and handoff.steps_given == ["s1"]
        assert "il a mes photos" not in repr(vars(handoff))


def test_two_volunteers_claiming_at_once_only_one_wins(database: Database) -> None:
    _, factory = database
    ticket = ask(factory, "p1", "high", NOW)
    barrier, results = threading.Barrier(2), {}

    def race(volunteer: str) -> None:
        with transaction(factory) as session:
            barrier.wait()
            results[volunteer] = claim(session, ticket, volunteer, NOW) is not None

    threads = [threading.Thread(target=race, args=(v,)) for v in ("v1", "v2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert sorted(results.values()) == [False, True]
    with transaction(factory) as session:
        row = session.scalars(select(Handoff)).one()
        assert row.status == "claimed" and results[row.volunteer or ""]


def test_requests_nobody_claimed_are_due_after_the_delay_of_their_urgency(database: Database) -> None:
    _, factory = database
    critical = ask(factory, "p1", "critical", NOW)
    ask(factory, "p2", "medium", NOW)
    delays = {"critical": 120, "high": 300, "medium": 900, "low": 900}
    with transaction(factory) as session:
        assert due_for_reannounce(session, NOW + timedelta(seconds=60), delays) == []
        assert [h.ticket for h in due_for_reannounce(session, NOW + timedelta(seconds=130), delays)] == [
            critical
        ]
        assert len(due_for_reannounce(session, NOW + timedelta(seconds=901), delays)) == 2


def test_free_volunteers_count_availability_and_capacity(database: Database) -> None:
    _, factory = database
    ticket = ask(factory, "p1", "high", NOW)
    with transaction(factory) as session:
        volunteer_of(session, "v1", 1).available = True
        volunteer_of(session, "v2", 3).available = False
        assert free_volunteers(session, ["v1", "v2"], 3) == 1
        assert claim(session, ticket, "v1", NOW) is not None
        assert free_volunteers(session, ["v1", "v2"], 3) == 0  # v1 is at capacity


def test_a_volunteer_first_seen_gets_the_configured_capacity_wherever_they_are_first_seen(
    database: Database,
) -> None:
    """VOLUNTEER_CAPACITY is the one default: a room check, a claim or /dispo creating the row all use
    it (a claim used to create it with a capacity of 2 written in the storage module)."""
    _, factory = database
    ticket = ask(factory, "p1", "high", NOW)
    with transaction(factory) as session:
        assert claim(session, ticket, "v5", NOW) is not None
        assert room(session, "v5", 5) == Room(load=1, capacity=5, available=False)
        assert volunteer_of(session, "v6", 4).capacity == 4


def test_relayed_messages_are_encrypted_until_delivered_and_erased_with_the_conversation(
    database: Database,
) -> None:
    _, factory = database
    ask(factory, "p1", "high", NOW)
    with transaction(factory) as session:
        handoff = session.scalars(select(Handoff)).one()
        queue_message(session, CIPHER, handoff, True, "#ABCD › il m'a encore écrit")
    with transaction(factory) as session:
        [pending] = pending_messages(session)
        assert b"encore" not in pending.body_encrypted
        assert CIPHER.decrypt_text(pending.body_encrypted).endswith("il m'a encore écrit")
    with transaction(factory) as session:
        erase(session, "p1")
    with transaction(factory) as session:
        assert session.scalars(select(Outbox)).all() == [] and session.scalars(select(Handoff)).all() == []


def test_a_block_outlives_oubli_but_not_its_expiry(database: Database) -> None:
    _, factory = database
    ask(factory, "p1", "high", NOW)
    with transaction(factory) as session:
        assert block(session, "p1", "spam", "v1", NOW, 7) == NOW + timedelta(days=7)
        assert block(session, "p1", "sexual", "v2", NOW, 90) == NOW + timedelta(days=7)  # the first holds
        erase(session, "p1")
    with transaction(factory) as session:
        assert is_blocked(session, "p1", NOW + timedelta(days=6))
        assert not is_blocked(session, "p1", NOW + timedelta(days=8))  # expired, even before the purge
        assert block(session, "p1", "abuse", "v1", NOW + timedelta(days=8), 30) == NOW + timedelta(days=38)
        purge(session, NOW + timedelta(days=39), retention_days=30)  # expired, then purged
        assert session.scalars(select(Block)).all() == []


def test_one_process_only_takes_a_requests_first_card(database: Database) -> None:
    _, factory = database
    ask(factory, "p1", "high", NOW)
    ask(factory, "p2", "critical", NOW + timedelta(seconds=1))
    with transaction(factory) as session:
        assert [h.pseudonym for h in without_card(session)] == ["p2", "p1"]  # most urgent first
        first = session.scalars(select(Handoff).where(Handoff.pseudonym == "p1")).one().id
    with transaction(factory) as session:
        assert take_card(session, first)
    with transaction(factory) as session:
        assert not take_card(
            session, first
        )  # another bot process, or the restart check: already being posted
        assert [h.pseudonym for h in without_card(session)] == ["p2"]
