"""The hand-off's rules, on the database only: who may ask, who has room, what the person is told,
when a request is announced again, where a relayed message goes, and what a volunteer may do with
a request (claim, release, transfer, close, record the outcome, block).

Functions take a session and never commit (the caller's unit of work does); they never talk to
Telegram. The adapter (bot/adapter/handoff.py, *_handlers.py) turns updates into these calls and
their results into messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.handoff.cards import Render
from bot.handoff.states import BLOCK_REASONS, VOLUNTEER_OUTCOMES, Outcome, Status, Trigger
from bot.storage.cipher import ChatCipher
from bot.storage.handoffs import (
    block,
    by_ticket,
    claim,
    close,
    focus_of,
    free_volunteers,
    is_blocked,
    open_handoff,
    queue_message,
    release,
    request_handoff,
    room,
    transfer,
    volunteer_of,
)
from bot.storage.models import Handoff
from bot.storage.repository import chat_of, country_of, first_delivery, record_event
from core.limits import MAX_MESSAGE_CHARS

KNOWN = {"situation": "none", "urgency": "low", "audience": "unknown"}


def trigger_of(value: object) -> Trigger:
    """The trigger the engine or the adapter named; anything else is a request the person made."""
    try:
        return Trigger(str(value))
    except ValueError:
        return Trigger.ASKED


@dataclass(frozen=True)
class Requested:
    """What became of a request: the response key for the person, the request (None when the
    person is blocked) and whether it is new (a card is then posted)."""

    key: str
    handoff: Handoff | None
    new: bool


def request(
    session: Session,
    pseudonym: str,
    payload: Mapping[str, object],
    trigger: Trigger,
    now: datetime,
    *,
    team: bool,
    open_hours: bool,
    volunteers: Sequence[str],
) -> Requested:
    """Queue a request (labels only), or raise the urgency of the open one.

    ``team``: a volunteers' group is configured; ``open_hours``: the helpline is staffed now;
    ``volunteers``: the allowlist's pseudonyms (who could have room).
    """
    if is_blocked(session, pseudonym):
        return Requested("utter_handoff_blocked", None, False)
    handoff, new = request_handoff(session, pseudonym, {**KNOWN, **payload}, trigger, now)
    if new:
        record_event(
            session,
            "handoff_requested",
            pseudonym,
            ticket=handoff.ticket,
            urgency=handoff.urgency,
            trigger=trigger,
        )
    if not team:
        handoff.status, handoff.closed_at, handoff.outcome = Status.CANCELLED, now, Outcome.NO_TEAM
        return Requested("utter_handoff_no_team", handoff, new)
    if not new:
        key = (
            "utter_handoff_already_claimed"
            if handoff.status == Status.CLAIMED
            else "utter_handoff_already_queued"
        )
        return Requested(key, handoff, new)
    if not open_hours or free_volunteers(session, volunteers) == 0:
        handoff.nobody_told = True
        return Requested("utter_handoff_nobody", handoff, new)
    return Requested("utter_handoff_queued", handoff, new)


@dataclass(frozen=True)
class Reannounced:
    """A request announced once more: whether to tell the person (once), their chat and country."""

    handoff: Handoff
    tell_person: bool
    chat_id: int | None
    country: str


def reannounce(
    session: Session, cipher: ChatCipher, handoff_id: int, now: datetime, default_country: str
) -> Reannounced | None:
    """Count one more announcement of a request still queued (None if it was claimed meanwhile)."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.status != Status.QUEUED:
        return None
    tell_person = not handoff.nobody_told
    handoff.announcements += 1
    handoff.announced_at, handoff.nobody_told = now, True
    record_event(
        session, "handoff_reannounced", handoff.pseudonym, ticket=handoff.ticket, count=handoff.announcements
    )
    chat_id, country = person(session, cipher, handoff.pseudonym, default_country)
    return Reannounced(handoff, tell_person, chat_id, country)


def recipient(
    session: Session, cipher: ChatCipher, volunteers: Mapping[str, int], handoff_id: int, to_volunteer: bool
) -> tuple[int | None, str]:
    """Whom a relayed message goes to (a Telegram id, None if gone), and the person's pseudonym."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        return None, ""
    if to_volunteer:
        return (volunteers.get(handoff.volunteer) if handoff.volunteer else None), handoff.pseudonym
    return chat_of(session, cipher, handoff.pseudonym), handoff.pseudonym


def person(
    session: Session, cipher: ChatCipher, pseudonym: str, default_country: str
) -> tuple[int | None, str]:
    """The person's chat (None once erased) and country, to tell them what became of their request."""
    return chat_of(session, cipher, pseudonym), country_of(session, pseudonym, default_country)


def set_available(
    session: Session, volunteer: str, available: bool, default_capacity: int, now: datetime
) -> int:
    """/dispo or /pause, audited: whether new requests may reach this volunteer; their capacity."""
    row = volunteer_of(session, volunteer, default_capacity)
    row.available, row.updated_at = available, now
    record_event(session, "volunteer_available" if available else "volunteer_paused", volunteer)
    return row.capacity


@dataclass(frozen=True)
class Claimed:
    """A claim: the request if this volunteer won it (None if full or taken), and their load."""

    handoff: Handoff | None
    load: int
    capacity: int

    @property
    def full(self) -> bool:
        return self.load >= self.capacity


def take(session: Session, ticket: str, volunteer: str, default_capacity: int, now: datetime) -> Claimed:
    """A volunteer claims a queued request if they have room (a volunteer on /pause may still take
    one they see); the first to press wins (bot.storage.handoffs.claim is race-safe)."""
    held = room(session, volunteer, default_capacity)
    if held.load >= held.capacity:
        return Claimed(None, held.load, held.capacity)
    handoff = claim(session, ticket, volunteer, now)
    if handoff is not None:
        record_event(session, "handoff_claimed", handoff.pseudonym, ticket=ticket, volunteer=volunteer)
    return Claimed(handoff, held.load, held.capacity)


def give_back(
    session: Session, handoff_id: int, volunteer: str, now: datetime, reason: str | None = None
) -> Handoff:
    """The request goes back to the queue (/relacher, or a volunteer the bot cannot write to)."""
    handoff = session.get(Handoff, handoff_id)
    assert handoff is not None
    release(session, handoff, now)
    extra = {"reason": reason} if reason else {}
    record_event(
        session, "handoff_released", handoff.pseudonym, ticket=handoff.ticket, volunteer=volunteer, **extra
    )
    return handoff


def finish(session: Session, handoff_id: int, volunteer: str, now: datetime) -> Handoff:
    """/fin: the chat is closed by its volunteer."""
    handoff = session.get(Handoff, handoff_id)
    assert handoff is not None
    close(session, handoff, now)
    record_event(session, "handoff_closed", handoff.pseudonym, ticket=handoff.ticket, volunteer=volunteer)
    return handoff


def colleagues_with_room(
    session: Session, volunteers: Sequence[str], volunteer: str, default_capacity: int
) -> list[str]:
    """Who could receive a transfer: the other volunteers of the allowlist with room for one more."""
    return [v for v in volunteers if v != volunteer and room(session, v, default_capacity).free]


def transferable(
    session: Session, ticket: str, volunteer: str, target: str | None, default_capacity: int
) -> Handoff | None:
    """The request if ``volunteer`` holds it and ``target`` (another volunteer) still has room:
    the list of colleagues was shown a moment ago and may have changed."""
    handoff = _held(session, ticket, volunteer, Status.CLAIMED)
    if handoff is None or target is None or target == volunteer:
        return None
    return handoff if room(session, target, default_capacity).free else None


def hand_over(session: Session, ticket: str, volunteer: str, target: str, now: datetime) -> Handoff:
    """The request is now ``target``'s (once the colleague was reached)."""
    handoff = by_ticket(session, ticket)
    assert handoff is not None
    transfer(session, handoff, target, now)
    record_event(
        session, "handoff_transferred", handoff.pseudonym, ticket=ticket, volunteer=volunteer, to=target
    )
    return handoff


def _held(session: Session, ticket: str, volunteer: str, status: Status) -> Handoff | None:
    """The request ``ticket`` if it is ``volunteer``'s and in ``status`` (a forged or stale
    button finds None)."""
    handoff = by_ticket(session, ticket)
    ok = handoff is not None and handoff.volunteer == volunteer and handoff.status == status
    return handoff if ok else None


def record_outcome(session: Session, ticket: str, volunteer: str, outcome: str) -> bool:
    """The outcome of a closed chat, only by the volunteer who closed it, only one of their choices."""
    handoff = _held(session, ticket, volunteer, Status.CLOSED)
    if handoff is None or outcome not in VOLUNTEER_OUTCOMES:
        return False
    handoff.outcome = Outcome(outcome)
    record_event(
        session, "handoff_outcome", handoff.pseudonym, ticket=ticket, volunteer=volunteer, outcome=outcome
    )
    return True


def block_held(session: Session, ticket: str, volunteer: str, reason: str, now: datetime) -> Handoff | None:
    """Block the person of a chat the volunteer holds, for a reason of the list; the chat closes."""
    handoff = _held(session, ticket, volunteer, Status.CLAIMED)
    if handoff is None or reason not in BLOCK_REASONS:
        return None
    block(session, handoff.pseudonym, reason, volunteer, now)
    close(session, handoff, now)
    handoff.outcome = Outcome.BLOCKED
    record_event(
        session, "pseudonym_blocked", handoff.pseudonym, ticket=ticket, volunteer=volunteer, reason=reason
    )
    return handoff


class Relay(StrEnum):
    """What became of a volunteer's message."""

    QUEUED = "queued"  # in the outbox, for the person of the volunteer's current chat
    NO_CHAT = "no_chat"  # the volunteer holds no chat: nothing relayed
    DUPLICATE = "duplicate"  # Telegram delivered the update again: already relayed


def volunteer_says(
    session: Session,
    cipher: ChatCipher,
    update_id: int,
    volunteer: str,
    wrap: Callable[[str], str],
    default_country: str,
) -> Relay:
    """Queue a volunteer's message for the person of their current chat, exactly once per update.

    ``wrap(country)`` is the text as the person reads it (their country's helplines filled in).
    """
    if not first_delivery(session, update_id):
        return Relay.DUPLICATE
    handoff = focus_of(session, volunteer)
    if handoff is None:
        return Relay.NO_CHAT
    text = wrap(country_of(session, handoff.pseudonym, default_country))
    queue_message(session, cipher, handoff, to_volunteer=False, text=text)
    record_event(session, "relay_to_user", handoff.pseudonym, ticket=handoff.ticket)
    return Relay.QUEUED


def person_says(
    session: Session,
    cipher: ChatCipher,
    pseudonym: str,
    message: str,
    crisis: bool,
    render: Render,
    correlation: str,
) -> Handoff | None:
    """Queue the person's message for their volunteer if a volunteer holds their request (the
    request, else None); a crisis message also queues an alert. The caller writes the update id in
    the same unit of work, so the relayed text is neither lost nor doubled."""
    handoff = open_handoff(session, pseudonym)
    if handoff is None or handoff.status != Status.CLAIMED:
        return None
    text = render("utter_volunteer_user_message", ticket=handoff.ticket, text=message[:MAX_MESSAGE_CHARS])
    queue_message(session, cipher, handoff, True, text)
    if crisis:
        queue_message(
            session, cipher, handoff, True, render("utter_volunteer_crisis_alert", ticket=handoff.ticket)
        )
    record_event(
        session,
        "relay_to_volunteer",
        pseudonym,
        ticket=handoff.ticket,
        correlation=correlation,
        crisis=crisis,
    )
    return handoff
