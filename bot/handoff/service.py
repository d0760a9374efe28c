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
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.handoff.cards import Place, Render
from bot.handoff.states import BLOCK_REASONS, VOLUNTEER_OUTCOMES, Outcome, Status, Trigger
from bot.handoff.stats import usual_wait_s
from bot.responses import in_register
from bot.storage.cipher import ChatCipher
from bot.storage.handoffs import (
    aware,
    block,
    by_ticket,
    by_topic,
    claim,
    claimed_by,
    close,
    free_volunteers,
    is_blocked,
    last_closed,
    late,
    open_handoff,
    queue_message,
    queue_place,
    raise_urgency,
    release,
    request_handoff,
    room,
    transfer,
    volunteer_of,
)
from bot.storage.models import AuditEvent, Conversation, Handoff
from bot.storage.repository import chat_of, country_of, first_delivery, record_event
from core.helplines import default_directory
from core.limits import MAX_MESSAGE_CHARS
from core.replies import CRISIS_REPLY

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
    place: int = 0  # its position in the queue (1: next to be claimed)
    wait_s: float | None = None  # the usual wait for its urgency (None: too few claims to say)


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
    default_capacity: int,
    staffed: Callable[[datetime], bool],
) -> Requested:
    """Queue a request (labels only), or raise the urgency of the open one.

    ``team``: a volunteers' group is configured; ``open_hours``: the helpline is staffed now
    (``staffed``: at any moment); ``volunteers``: the allowlist's pseudonyms (who could have room).
    """
    if is_blocked(session, pseudonym, now):
        return Requested("utter_handoff_blocked", None, False)
    waiting = open_handoff(session, pseudonym)
    before = waiting.urgency if waiting is not None else None
    handoff, new = request_handoff(session, pseudonym, {**KNOWN, **payload}, trigger, now)
    if not new and handoff.urgency != before:  # raised while waiting: the card, /file and /stats say so
        record_event(session, "handoff_raised", pseudonym, ticket=handoff.ticket, urgency=handoff.urgency)
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
    if not open_hours or free_volunteers(session, volunteers, default_capacity) == 0:
        handoff.nobody_told = True
        return Requested("utter_handoff_nobody", handoff, new)
    wait = usual_wait_s(session, handoff.urgency, now, staffed)
    return Requested("utter_handoff_queued", handoff, new, queue_place(session, handoff), wait)


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


@dataclass(frozen=True)
class Recipient:
    """Where a relayed message goes: a Telegram chat (None if gone), the case's thread in a
    volunteer's chat (None without topics), and the person's pseudonym."""

    chat_id: int | None
    topic_id: int | None
    pseudonym: str


def overdue(session: Session, now: datetime, targets_s: Mapping[str, int]) -> list[int]:
    """Requests waiting past their target: marked (the coordinators are alerted once per stay in the
    queue) and audited; their ids, for the alerts."""
    found = late(session, now, targets_s)
    for handoff in found:
        handoff.late_alerted = True
        record_event(
            session, "handoff_late", handoff.pseudonym, ticket=handoff.ticket, urgency=handoff.urgency
        )
    return [h.id for h in found]


def recipient(
    session: Session, cipher: ChatCipher, volunteers: Mapping[str, int], handoff_id: int, to_volunteer: bool
) -> Recipient:
    """Whom a relayed message goes to: the volunteer holding the case now (in its thread), or the person."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        return Recipient(None, None, "")
    if to_volunteer:
        chat = volunteers.get(handoff.volunteer) if handoff.volunteer else None
        return Recipient(chat, handoff.topic_id, handoff.pseudonym)
    return Recipient(chat_of(session, cipher, handoff.pseudonym), None, handoff.pseudonym)


def person(
    session: Session, cipher: ChatCipher, pseudonym: str, default_country: str
) -> tuple[int | None, str]:
    """The person's chat (None once erased) and country, to tell them what became of their request."""
    return chat_of(session, cipher, pseudonym), country_of(session, pseudonym, default_country)


def place_of(session: Session, pseudonym: str, default_country: str) -> Place:
    """The person's country for the card, and whether they chose it."""
    conversation = session.get(Conversation, pseudonym)
    if conversation is None:
        return Place(default_country, False)
    return Place(conversation.country, conversation.country_chosen)


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


def hand_over(
    session: Session, ticket: str, volunteer: str, target: str, now: datetime, topic_id: int | None
) -> Handoff:
    """The request is now ``target``'s, in the thread opened in their chat (once they were reached)."""
    handoff = by_ticket(session, ticket)
    assert handoff is not None
    transfer(session, handoff, target, now)
    handoff.topic_id = topic_id
    record_event(
        session, "handoff_transferred", handoff.pseudonym, ticket=ticket, volunteer=volunteer, to=target
    )
    return handoff


def alerts_of(session: Session, handoff: Handoff) -> int:
    """How many crisis alerts this case raised during the relay (from the audit, no text), so that a
    transfer carries them: the colleague must know a suicide alert fired a minute ago."""
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.pseudonym == handoff.pseudonym,
            AuditEvent.event_type.in_(("relay_to_volunteer", "relay_crisis_learned")),
        )
    )
    return sum(
        1
        for e in events
        if e.details.get("ticket") == handoff.ticket
        and (e.event_type == "relay_crisis_learned" or e.details.get("crisis"))
    )


def _held(session: Session, ticket: str, volunteer: str, status: Status) -> Handoff | None:
    """The request ``ticket`` if it is ``volunteer``'s and in ``status`` (a forged or stale
    button finds None)."""
    handoff = by_ticket(session, ticket)
    ok = handoff is not None and handoff.volunteer == volunteer and handoff.status == status
    return handoff if ok else None


# Quick replies: the reviewed response each button sends (the person's register is chosen after);
# the removal route depends on the age the card shows (Take It Down before 18, StopNCII after).
QUICK_REPLIES: Final = ("crisis", "open_now", "evidence", "removal", "still_here")


def quick_key(choice: str, handoff: Handoff) -> str:
    if choice == "crisis":
        return CRISIS_REPLY
    if choice == "evidence":
        return "utter_faq_evidence"
    if choice == "removal":
        return "utter_faq_stopncii" if handoff.minor is False else "utter_faq_take_it_down"
    return f"utter_quick_{choice}"


def volunteer_quick(
    session: Session,
    cipher: ChatCipher,
    ticket: str,
    volunteer: str,
    choice: str,
    wrap: Callable[[str, str], str],
    default_country: str,
) -> Handoff | None:
    """Queue a quick reply for the person of a case the volunteer holds (None: not theirs, or a forged
    choice). ``wrap(key, country)`` is the text as the person reads it."""
    handoff = _held(session, ticket, volunteer, Status.CLAIMED)
    if handoff is None or choice not in QUICK_REPLIES:
        return None
    key = in_register(quick_key(choice, handoff), handoff.audience)
    text = wrap(key, country_of(session, handoff.pseudonym, default_country))
    queue_message(session, cipher, handoff, to_volunteer=False, text=text)
    record_event(session, "relay_to_user", handoff.pseudonym, ticket=ticket, quick=choice)
    return handoff


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


def block_held(
    session: Session, ticket: str, volunteer: str, reason: str, now: datetime
) -> tuple[Handoff, datetime] | None:
    """Block the person of a chat the volunteer holds, for a reason of the list and the days that reason
    carries; the chat closes. The request and the block's expiry (None: not theirs, or a forged reason)."""
    handoff = _held(session, ticket, volunteer, Status.CLAIMED)
    if handoff is None or reason not in BLOCK_REASONS:
        return None
    until = block(session, handoff.pseudonym, reason, volunteer, now, BLOCK_REASONS[reason])
    close(session, handoff, now)
    handoff.outcome = Outcome.BLOCKED
    record_event(
        session, "pseudonym_blocked", handoff.pseudonym, ticket=ticket, volunteer=volunteer, reason=reason
    )
    return handoff, until


def _answered(session: Session, pseudonym: str, ticket: str, event_type: str) -> bool:
    """Whether the person already gave this answer for this chat (the first one counts)."""
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.pseudonym == pseudonym, AuditEvent.event_type == event_type)
    )
    return any(e.details.get("ticket") == ticket for e in events)


def answer_survey(
    session: Session, pseudonym: str, choice: str, now: datetime, checkin_after: timedelta
) -> str:
    """The person's taps after /fin, each audited (labels only): « utile ? » (feedback:yes|no), « tu
    reviendrais ? » (survey:return:yes|no), the check-in offer (checkin:yes|no), and the check-in's
    answer (checkin:better|worse). Returns the key of the reply; an answer given twice counts once."""
    closed = last_closed(session, pseudonym)
    conversation = session.get(Conversation, pseudonym)
    if closed is None or conversation is None:
        return "utter_adapter_button_expired"
    answer = choice.rsplit(":", 1)[-1]
    if choice.startswith("feedback:"):
        if closed.feedback is None:
            closed.feedback = answer
            record_event(session, "handoff_feedback", pseudonym, ticket=closed.ticket, useful=answer)
        return "utter_handoff_feedback_thanks"
    if choice.startswith("survey:return:"):
        if not _answered(session, pseudonym, closed.ticket, "handoff_survey"):
            record_event(
                session, "handoff_survey", pseudonym, ticket=closed.ticket, question="return", answer=answer
            )
        return "utter_handoff_checkin_offer"
    if choice == "checkin:yes":
        conversation.checkin_due = now + checkin_after
        record_event(session, "checkin_planned", pseudonym, ticket=closed.ticket)
        return "utter_handoff_checkin_planned"
    if choice == "checkin:no":
        conversation.checkin_due = None
        return "utter_handoff_checkin_declined"
    if not _answered(session, pseudonym, closed.ticket, "checkin_answer"):
        record_event(session, "checkin_answer", pseudonym, ticket=closed.ticket, answer=answer)
    return "utter_handoff_checkin_better" if answer == "better" else "utter_handoff_checkin_worse"


# The check-in comes in the person's daytime (a message at 3 a.m. wakes a teen, or a parent who reads
# it over their shoulder) and within 72 h of the chat's end: CHECKIN_AFTER_H (24) + up to 48 h.
CHECKIN_HOURS = range(9, 20)
CHECKIN_LATEST = timedelta(hours=48)


@dataclass(frozen=True)
class CheckIn:
    pseudonym: str
    chat_id: int
    country: str
    audience: str


def due_checkins(session: Session, cipher: ChatCipher, now: datetime) -> list[CheckIn]:
    """The check-ins to send now, each forgotten as it is taken (sent once at most); those past their
    window are dropped unsent."""
    query = select(Conversation).where(Conversation.checkin_due.is_not(None))
    out = []
    for conversation in session.scalars(query):
        due = aware(conversation.checkin_due)  # type: ignore[arg-type]
        if now < due:
            continue
        local = now.astimezone(ZoneInfo(default_directory().country(conversation.country).tz))
        if now - due > CHECKIN_LATEST:
            conversation.checkin_due = None
            record_event(session, "checkin_dropped", conversation.pseudonym)
            continue
        if local.hour not in CHECKIN_HOURS:
            continue
        conversation.checkin_due = None
        chat_id = chat_of(session, cipher, conversation.pseudonym)
        if chat_id is not None:
            record_event(session, "checkin_sent", conversation.pseudonym)
            out.append(CheckIn(conversation.pseudonym, chat_id, conversation.country, conversation.audience))
    return out


SURVEY_CHOICES = frozenset(
    {"feedback:yes", "feedback:no", "survey:return:yes", "survey:return:no"}
    | {f"checkin:{a}" for a in ("yes", "no", "better", "worse")}
)


class Tie(StrEnum):
    """How a volunteer's message or command was tied to one case, or why it could not be."""

    NAMED = "named"  # a ticket typed after the command (/fin K7QX)
    TOPIC = "topic"  # written in the case's thread
    REPLY = "reply"  # a reply to one of the bot's messages about that case (#K7QX › …)
    ONLY = "only"  # no thread, no reply, no ticket: the volunteer holds exactly one case
    NO_CHAT = "no_chat"  # the volunteer holds no case
    AMBIGUOUS = "ambiguous"  # several cases and nothing says which: refused, never guessed
    NOT_HELD = "not_held"  # the thread, reply or ticket names a case this volunteer does not hold now


@dataclass(frozen=True)
class Case:
    """The case a volunteer's message is for (None when refused), how it was tied, and the tickets
    they hold (for the refusal's line)."""

    handoff: Handoff | None
    tie: Tie
    held: tuple[str, ...]


def case_of(
    session: Session,
    volunteer: str,
    *,
    topic_id: int | None = None,
    replied_ticket: str | None = None,
    named: str | None = None,
) -> Case:
    """The one case a volunteer's message is for: what they name, else the thread they write in, else
    the message they answer; with none of these, their only case. Anything else is refused: a message
    meant for one person must never reach another (two cases open, a thread of a case closed or
    transferred, a reply to another case's message)."""
    held = claimed_by(session, volunteer)
    tickets = tuple(h.ticket for h in held)
    wanted: str | None = None
    tie = Tie.ONLY
    if named:
        wanted, tie = named.lstrip("#").upper(), Tie.NAMED
    elif topic_id is not None:
        handoff = by_topic(session, volunteer, topic_id)
        wanted, tie = (handoff.ticket if handoff else "?"), Tie.TOPIC
    elif replied_ticket:
        wanted, tie = replied_ticket, Tie.REPLY
    if wanted is not None:
        found = next((h for h in held if h.ticket == wanted), None)
        return Case(found, tie if found else Tie.NOT_HELD, tickets)
    if len(held) == 1:
        return Case(held[0], Tie.ONLY, tickets)
    return Case(None, Tie.AMBIGUOUS if held else Tie.NO_CHAT, tickets)


def keep_topic(session: Session, handoff_id: int, volunteer: str, topic_id: int) -> None:
    """The case's thread in its volunteer's chat, once Telegram created it (if they still hold it)."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is not None and handoff.volunteer == volunteer and handoff.status == Status.CLAIMED:
        handoff.topic_id = topic_id


def consent(session: Session, pseudonym: str, given: bool) -> Handoff | None:
    """The person's one tap: may their volunteer read what they wrote to the bot before? Only while a
    volunteer holds their request, once per claim; « Non » after « Oui » withdraws it (None
    otherwise: an old or repeated button)."""
    handoff = open_handoff(session, pseudonym)
    if handoff is None or handoff.status != Status.CLAIMED:
        return None
    if handoff.context_consent is not None and (given or not handoff.context_consent):
        return None  # answered already: a second « Oui » shows nothing twice
    handoff.context_consent = given  # a first answer, or « Non » after « Oui »: withdrawn
    record_event(session, "context_shared" if given else "context_declined", pseudonym, ticket=handoff.ticket)
    return handoff


def keep_context(session: Session, handoff_id: int, message_ids: list[int]) -> None:
    """The ids of the volunteer-side messages showing the context (to delete them later)."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is not None:
        handoff.context_messages = [*handoff.context_messages, *message_ids]


def drop_context(session: Session, handoff_id: int) -> list[int]:
    """The ids of the messages showing the context, forgotten here: the caller deletes them."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or not handoff.context_messages:
        return []
    shown, handoff.context_messages = list(handoff.context_messages), []
    return shown


@dataclass(frozen=True)
class Relayed:
    """What became of a volunteer's message: relayed to ``case.handoff`` (in the outbox), refused
    (``case.handoff`` is None: the tie says why), or a re-delivery already relayed (``duplicate``)."""

    case: Case
    duplicate: bool = False


def volunteer_says(
    session: Session,
    cipher: ChatCipher,
    update_id: int,
    volunteer: str,
    wrap: Callable[[str], str],
    default_country: str,
    *,
    topic_id: int | None,
    replied_ticket: str | None,
) -> Relayed:
    """Queue a volunteer's message for the person of the case it is tied to (case_of), exactly once
    per update. ``wrap(country)`` is the text as the person reads it (their country's helplines)."""
    if not first_delivery(session, update_id):
        return Relayed(Case(None, Tie.NO_CHAT, ()), duplicate=True)
    case = case_of(session, volunteer, topic_id=topic_id, replied_ticket=replied_ticket)
    if case.handoff is None:
        return Relayed(case)
    handoff = case.handoff
    text = wrap(country_of(session, handoff.pseudonym, default_country))
    queue_message(session, cipher, handoff, to_volunteer=False, text=text)
    record_event(session, "relay_to_user", handoff.pseudonym, ticket=handoff.ticket, tie=case.tie)
    return Relayed(case)


def _alert(session: Session, cipher: ChatCipher, handoff: Handoff, render: Render) -> bool:
    """The crisis alert for the volunteer, after the message; the case becomes critical (True if it
    rose: its card and thread must say so)."""
    queue_message(
        session, cipher, handoff, True, render("utter_volunteer_crisis_alert", ticket=handoff.ticket)
    )
    raised = raise_urgency(handoff, "critical")
    if raised:
        record_event(session, "handoff_raised", handoff.pseudonym, ticket=handoff.ticket, urgency="critical")
    return raised


def learned_crisis(
    session: Session, cipher: ChatCipher, pseudonym: str, render: Render, correlation: str
) -> PersonSaid | None:
    """A relayed message the lexicon let through but the triage model reads as critical (a danger
    said indirectly): the alert follows the message it is about, in the same case."""
    handoff = open_handoff(session, pseudonym)
    if handoff is None or handoff.status != Status.CLAIMED:
        return None
    raised = _alert(session, cipher, handoff, render)
    record_event(session, "relay_crisis_learned", pseudonym, ticket=handoff.ticket, correlation=correlation)
    return PersonSaid(handoff, raised)


@dataclass(frozen=True)
class PersonSaid:
    """The person's message went to their volunteer's case; ``raised``: it made the case critical."""

    handoff: Handoff
    raised: bool


def person_says(
    session: Session,
    cipher: ChatCipher,
    pseudonym: str,
    message: str,
    crisis: bool,
    render: Render,
    correlation: str,
    edited: bool = False,
) -> PersonSaid | None:
    """Queue the person's message for their volunteer if a volunteer holds their request (the
    request, else None); a crisis message also queues an alert and raises the case to critical (its
    card and thread say so, and a transfer carries it). The caller writes the update id in the same
    unit of work, so the relayed text is neither lost nor doubled. An ``edited`` message arrives as
    an edit notice (Telegram cannot edit what the volunteer already received)."""
    handoff = open_handoff(session, pseudonym)
    if handoff is None or handoff.status != Status.CLAIMED:
        return None
    raised = False
    key = "utter_volunteer_user_edited" if edited else "utter_volunteer_user_message"
    text = render(key, ticket=handoff.ticket, text=message[:MAX_MESSAGE_CHARS])
    queue_message(session, cipher, handoff, True, text)
    if crisis:
        raised = _alert(session, cipher, handoff, render)
    record_event(
        session,
        "relay_to_volunteer",
        pseudonym,
        ticket=handoff.ticket,
        correlation=correlation,
        crisis=crisis,
    )
    return PersonSaid(handoff, raised)
