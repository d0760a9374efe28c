"""Hand-off requests, volunteers, relay outbox and blocks. Functions take a session, never commit.

Claiming is race-safe in the database: a conditional UPDATE on ``status = 'queued'`` lets
exactly one volunteer win, whatever the number of bot processes.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.handoff.states import OPEN, URGENCY_RANK, Status, Trigger
from bot.storage.cipher import ChatCipher
from bot.storage.models import Block, Handoff, Outbox, Volunteer

TICKET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud between volunteers


def _new_ticket(session: Session) -> str:
    while True:
        ticket = "".join(secrets.choice(TICKET_ALPHABET) for _ in range(4))
        if session.scalar(select(Handoff.id).where(Handoff.ticket == ticket)) is None:
            return ticket


def _label(value: object, default: str, size: int) -> str:
    return value[:size] if isinstance(value, str) and value else default


def open_handoff(session: Session, pseudonym: str) -> Handoff | None:
    """The user's request that is still queued or claimed, if any."""
    return session.scalar(select(Handoff).where(Handoff.pseudonym == pseudonym, Handoff.status.in_(OPEN)))


def request_handoff(
    session: Session, pseudonym: str, payload: Mapping[str, object], trigger: Trigger, now: datetime
) -> tuple[Handoff, bool]:
    """Queue a request (labels only); an open one is reused, its urgency only raised. True if new."""
    urgency = _label(payload.get("urgency"), "low", 10)
    urgency = urgency if urgency in URGENCY_RANK else "low"
    existing = open_handoff(session, pseudonym)
    if existing is not None:
        raise_urgency(existing, urgency)
        return existing, False
    minor = payload.get("minor")
    steps = payload.get("steps_given")
    handoff = Handoff(
        ticket=_new_ticket(session),
        pseudonym=pseudonym,
        status=Status.QUEUED,
        trigger=trigger,
        urgency=urgency,
        urgency_rank=URGENCY_RANK[urgency],
        situation=_label(payload.get("situation"), "none", 20),
        audience=_label(payload.get("audience"), "unknown", 10),
        minor=minor if isinstance(minor, bool) else None,
        platform=_label(payload.get("platform"), "", 30) or None,
        steps_given=[str(s)[:60] for s in steps] if isinstance(steps, list) else [],
        requested_at=now,
        announced_at=now,
        announcements=1,
        nobody_told=False,
    )
    session.add(handoff)
    session.flush()
    return handoff, True


def raise_urgency(handoff: Handoff, urgency: str) -> bool:
    """Raise a request's urgency, never lower it; True if it rose (its card must say so)."""
    if URGENCY_RANK[urgency] >= handoff.urgency_rank:
        return False
    handoff.urgency, handoff.urgency_rank = urgency, URGENCY_RANK[urgency]
    return True


def last_closed(session: Session, pseudonym: str) -> Handoff | None:
    """The person's most recently closed request (for the one-tap feedback)."""
    query = (
        select(Handoff)
        .where(Handoff.pseudonym == pseudonym, Handoff.status == Status.CLOSED)
        .order_by(Handoff.closed_at.desc())
    )
    return session.scalars(query.limit(1)).first()


def by_ticket(session: Session, ticket: str) -> Handoff | None:
    return session.scalar(select(Handoff).where(Handoff.ticket == ticket.strip().lstrip("#").upper()))


def waiting(session: Session) -> Sequence[Handoff]:
    """The queue: most urgent first, then who has waited longest."""
    query = (
        select(Handoff)
        .where(Handoff.status == Status.QUEUED)
        .order_by(Handoff.urgency_rank, Handoff.requested_at)
    )
    return session.scalars(query).all()


def queue_place(session: Session, handoff: Handoff) -> int:
    """A queued request's position in the queue's order (most urgent first, then the oldest): 1 is next."""
    ahead = session.scalar(
        select(func.count())
        .select_from(Handoff)
        .where(
            Handoff.status == Status.QUEUED,
            Handoff.id != handoff.id,
            or_(
                Handoff.urgency_rank < handoff.urgency_rank,
                and_(
                    Handoff.urgency_rank == handoff.urgency_rank,
                    Handoff.requested_at <= handoff.requested_at,
                ),
            ),
        )
    )
    return (ahead or 0) + 1


def without_card(session: Session) -> Sequence[Handoff]:
    """Queued requests whose card was never posted in the volunteers' group, most urgent first."""
    query = select(Handoff).where(Handoff.status == Status.QUEUED, Handoff.card_message_id.is_(None))
    return session.scalars(query.order_by(Handoff.urgency_rank, Handoff.requested_at)).all()


def take_card(session: Session, handoff_id: int) -> bool:
    """True for the one process that is to post this queued request's first card (several bots may run).

    The card id is set to 0, "being posted", in the same statement that checks it is unset.
    """
    taken = update(Handoff).where(
        Handoff.id == handoff_id, Handoff.status == Status.QUEUED, Handoff.card_message_id.is_(None)
    )
    result = cast("CursorResult[Any]", session.execute(taken.values(card_message_id=0)))
    return result.rowcount == 1


def claimed_by(session: Session, volunteer: str) -> Sequence[Handoff]:
    query = (
        select(Handoff)
        .where(Handoff.status == Status.CLAIMED, Handoff.volunteer == volunteer)
        .order_by(Handoff.claimed_at)
    )
    return session.scalars(query).all()


def volunteer_of(session: Session, pseudonym: str, capacity: int) -> Volunteer:
    """The volunteer's row, created on first use (not available, with the configured capacity:
    VOLUNTEER_CAPACITY, the caller's ``capacity``)."""
    volunteer = session.get(Volunteer, pseudonym)
    if volunteer is None:
        volunteer = Volunteer(pseudonym=pseudonym, available=False, capacity=capacity)
        session.add(volunteer)
        session.flush()
    return volunteer


@dataclass(frozen=True)
class Room:
    """A volunteer's load: the chats they hold and how many they said they can hold."""

    load: int
    capacity: int
    available: bool

    @property
    def free(self) -> bool:
        """Available and below capacity: may take one more chat."""
        return self.available and self.load < self.capacity


def room(session: Session, volunteer: str, default_capacity: int) -> Room:
    """The one rule for "has room": claims, transfers and the queue's "nobody free" all ask here."""
    row = volunteer_of(session, volunteer, default_capacity)
    load = session.scalar(
        select(func.count())
        .select_from(Handoff)
        .where(Handoff.status == Status.CLAIMED, Handoff.volunteer == volunteer)
    )
    return Room(load=load or 0, capacity=row.capacity, available=row.available)


def free_volunteers(session: Session, allowlist: Sequence[str], default_capacity: int) -> int:
    """How many allowlisted volunteers are available with room for one more chat."""
    known = session.scalars(select(Volunteer.pseudonym).where(Volunteer.pseudonym.in_(allowlist)))
    return sum(room(session, volunteer, default_capacity).free for volunteer in known)


def claim(session: Session, ticket: str, volunteer: str, now: datetime) -> Handoff | None:
    """Give a queued request to ``volunteer``; None if someone else was first (or it is gone)."""
    result = session.execute(
        update(Handoff)
        .where(Handoff.ticket == ticket, Handoff.status == Status.QUEUED)
        .values(status=Status.CLAIMED, volunteer=volunteer, claimed_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    handoff = by_ticket(session, ticket)
    assert handoff is not None
    session.refresh(handoff)
    return handoff


def release(session: Session, handoff: Handoff, now: datetime) -> None:
    """Back in the queue; the waiting time keeps counting from the first request."""
    handoff.status, handoff.volunteer, handoff.claimed_at, handoff.announced_at = (
        Status.QUEUED,
        None,
        None,
        now,
    )
    handoff.topic_id = None  # the case's thread was in the previous volunteer's chat
    handoff.context_consent = None  # the next volunteer is someone else: the person is asked again
    handoff.late_alerted = False  # waiting again: the coordinators hear of it if it waits too long


def transfer(session: Session, handoff: Handoff, to_volunteer: str, now: datetime) -> None:
    handoff.volunteer, handoff.claimed_at, handoff.topic_id = to_volunteer, now, None


def close(session: Session, handoff: Handoff, now: datetime, status: Status = Status.CLOSED) -> None:
    handoff.status, handoff.closed_at = status, now  # messages still in the outbox are delivered


def by_topic(session: Session, volunteer: str, topic_id: int) -> Handoff | None:
    """The request whose thread is ``topic_id`` in ``volunteer``'s private chat (the latest, whatever
    its status: a closed case's thread must be recognised to be refused)."""
    query = (
        select(Handoff)
        .where(Handoff.volunteer == volunteer, Handoff.topic_id == topic_id)
        .order_by(Handoff.id.desc())
    )
    return session.scalars(query).first()


def due_for_reannounce(session: Session, now: datetime, delays_s: Mapping[str, int]) -> Sequence[Handoff]:
    """Queued requests nobody claimed within the delay of their urgency, most urgent first."""
    late = or_(
        *(
            and_(
                Handoff.urgency == urgency,
                Handoff.announced_at <= now - timedelta(seconds=delays_s.get(urgency, 900)),
            )
            for urgency in URGENCY_RANK
        )
    )
    query = (
        select(Handoff)
        .where(Handoff.status == Status.QUEUED, late)
        .order_by(Handoff.urgency_rank, Handoff.requested_at)
    )
    return session.scalars(query).all()


def late(session: Session, now: datetime, targets_s: Mapping[str, int]) -> Sequence[Handoff]:
    """Queued requests waiting past their urgency's target (since the first request) whose
    coordinators were not alerted yet, most urgent first."""
    over = or_(
        *(
            and_(Handoff.urgency == urgency, Handoff.requested_at <= now - timedelta(seconds=seconds))
            for urgency, seconds in targets_s.items()
        )
    )
    query = (
        select(Handoff)
        .where(Handoff.status == Status.QUEUED, Handoff.late_alerted.is_(False), over)
        .order_by(Handoff.urgency_rank, Handoff.requested_at)
    )
    return session.scalars(query).all()


def aware(moment: datetime) -> datetime:
    """Datetimes come back naive from SQLite: they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def queue_message(
    session: Session, cipher: ChatCipher, handoff: Handoff, to_volunteer: bool, text: str
) -> None:
    """A relayed message, encrypted, until it is delivered (same transaction as the update id)."""
    session.add(
        Outbox(handoff_id=handoff.id, to_volunteer=to_volunteer, body_encrypted=cipher.encrypt_text(text))
    )


def pending_messages(session: Session) -> Sequence[Outbox]:
    return session.scalars(select(Outbox).order_by(Outbox.id)).all()


def delivered(session: Session, outbox_id: int) -> None:
    """A relayed message went out (or cannot): it leaves the outbox."""
    session.execute(delete(Outbox).where(Outbox.id == outbox_id))


def keep_card(session: Session, handoff_id: int, card: int | None) -> None:
    """Remember which message of the volunteers' group is this request's card."""
    stored = session.get(Handoff, handoff_id)
    if stored is not None:
        stored.card_message_id = card


def block(
    session: Session, pseudonym: str, reason: str, by_volunteer: str, now: datetime, days: int
) -> datetime:
    """Keep ``pseudonym`` from the volunteers for ``days``; a block still running keeps its expiry, an
    expired one (not purged yet) is replaced. Returns the expiry."""
    existing = session.get(Block, pseudonym)
    if existing is not None and aware(existing.until) > now:
        return aware(existing.until)
    if existing is not None:
        session.delete(existing)
        session.flush()
    until = now + timedelta(days=days)
    session.add(
        Block(pseudonym=pseudonym, reason=reason[:20], by_volunteer=by_volunteer, at=now, until=until)
    )
    return until


def is_blocked(session: Session, pseudonym: str, now: datetime) -> bool:
    """Blocked now: a block past its expiry no longer counts (retention deletes it later)."""
    found = session.get(Block, pseudonym)
    return found is not None and aware(found.until) > now
