"""The hand-off's rules, on the database only: who may ask, who has room, what the person is told,
when a request is announced again, where a relayed message goes.

Functions take a session and never commit (the caller's unit of work does); they never talk to
Telegram. The adapter (bot/adapter/handoff.py, *_handlers.py) turns updates into these calls and
their results into messages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.handoff.states import Outcome, Status, Trigger
from bot.storage.cipher import ChatCipher
from bot.storage.handoffs import free_volunteers, is_blocked, request_handoff
from bot.storage.models import Handoff
from bot.storage.repository import chat_of, country_of, record_event

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
    country = country_of(session, handoff.pseudonym, default_country)
    return Reannounced(handoff, tell_person, chat_of(session, cipher, handoff.pseudonym), country)


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
