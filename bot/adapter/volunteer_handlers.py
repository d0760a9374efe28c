"""Handlers of the volunteers' side: availability, claim, relay, release, transfer, close, block.

Every handler first checks the allowlist (HELPLINE_VOLUNTEER_IDS): anyone else gets a
polite refusal. Volunteers are known by pseudonym in the database; the number they see
of each other ("bénévole n°2") is their rank in the allowlist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy.orm import Session
from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot.adapter.handoff import (
    card_text,
    deliver_pending,
    keyboard,
    open_now,
    send_user,
    user_keyboard,
)
from bot.adapter.services import Services, services
from bot.handoff.cards import waiting_time
from bot.handoff.states import VOLUNTEER_OUTCOMES, Outcome, Status
from bot.responses import in_register
from bot.storage.db import transaction
from bot.storage.handoffs import (
    block,
    by_ticket,
    claim,
    claimed_by,
    close,
    focus_of,
    queue_message,
    release,
    room,
    transfer,
    volunteer_of,
    waiting,
)
from bot.storage.models import Handoff
from bot.storage.repository import chat_of, country_of, first_delivery, record_event

log = logging.getLogger("relais.volunteers")
BLOCK_REASONS = ("spam", "abuse", "sexual", "other")
MAX_RELAY_CHARS = 4000
Done = Coroutine[Any, Any, None]  # what python-telegram-bot awaits from a handler
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Services, str], Done]


def button_parts(data: str | None, count: int) -> list[str] | None:
    """'claim:K7Q2' or 'outcome:K7Q2:advice' split in ``count`` non-empty parts; None if forged."""
    parts = (data or "").split(":", count - 1)
    return parts if len(parts) == count and all(parts) else None


async def _button(query: CallbackQuery, svc: Services, count: int) -> list[str] | None:
    """The parts of a volunteer button's data; forged or truncated data is refused (None)."""
    parts = button_parts(query.data, count)
    if parts is None:
        await query.answer(svc.render("utter_volunteer_taken"), show_alert=True)
    return parts


def volunteers_only(
    handler: Handler,
) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Done]:
    """Run ``handler`` with the volunteer's pseudonym, or refuse anyone not on the allowlist."""

    async def checked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        svc = services(context)
        user = update.effective_user
        volunteer = svc.volunteer_pseudonym(user.id if user else None)
        if volunteer is None:
            log.warning("volunteer_command_refused")
            if update.callback_query is not None:
                await update.callback_query.answer(svc.render("utter_volunteer_not_allowed"), show_alert=True)
            elif update.effective_chat is not None:
                await context.bot.send_message(
                    update.effective_chat.id, svc.render("utter_volunteer_not_allowed")
                )
            return
        await handler(update, context, svc, volunteer)

    checked.__doc__ = handler.__doc__
    return checked


async def _reply(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Answer in the chat of the update, else in the volunteer's private chat (a button outside a chat)."""
    chat = update.effective_chat or update.effective_user
    if chat is not None:
        await context.bot.send_message(chat.id, text, reply_markup=markup)


async def _tell_user(context: ContextTypes.DEFAULT_TYPE, svc: Services, handoff: Handoff, key: str) -> None:
    with transaction(svc.sessions) as session:
        chat_id = chat_of(session, svc.cipher, handoff.pseudonym)
        country = country_of(session, handoff.pseudonym, svc.settings.default_country)
    if chat_id is not None:
        key = in_register(key, handoff.audience)  # a parent keeps the vous
        text = svc.render(key, country, open_now=open_now(svc, country, svc.clock()))
        await send_user(
            context.bot, svc, handoff.pseudonym, chat_id, text, reply_markup=user_keyboard(svc, key)
        )


@volunteers_only
async def on_dispo(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str) -> None:
    """/dispo: available for new requests."""
    with transaction(svc.sessions) as session:
        row = volunteer_of(session, volunteer, svc.settings.volunteer_capacity)
        row.available, row.updated_at = True, svc.clock()
        record_event(session, "volunteer_available", volunteer)
        capacity = row.capacity
    await _reply(
        update,
        context,
        svc.render("utter_volunteer_available", number=svc.volunteer_number(volunteer), capacity=capacity),
    )


@volunteers_only
async def on_pause(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str) -> None:
    """/pause: no new requests; the chats in progress stay open."""
    with transaction(svc.sessions) as session:
        row = volunteer_of(session, volunteer, svc.settings.volunteer_capacity)
        row.available, row.updated_at = False, svc.clock()
        record_event(session, "volunteer_paused", volunteer)
    await _reply(update, context, svc.render("utter_volunteer_paused"))


@volunteers_only
async def on_capacite(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """/capacite N: how many chats at once (1-10)."""
    args = context.args or []
    if len(args) != 1 or not args[0].isdigit() or not 1 <= int(args[0]) <= 10:
        await _reply(update, context, svc.render("utter_volunteer_capacity_usage"))
        return
    with transaction(svc.sessions) as session:
        volunteer_of(session, volunteer, svc.settings.volunteer_capacity).capacity = int(args[0])
    await _reply(update, context, svc.render("utter_volunteer_capacity", capacity=int(args[0])))


@volunteers_only
async def on_file(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str) -> None:
    """/file: the queue, most urgent first."""
    now = svc.clock()
    with transaction(svc.sessions) as session:
        queue = list(waiting(session))
        lines = [
            svc.render(
                "utter_volunteer_queue_line",
                ticket=h.ticket,
                urgency=svc.render(f"utter_volunteer_urgency_{h.urgency}"),
                situation=svc.render(f"utter_volunteer_situation_{h.situation}"),
                waiting=waiting_time(h, now),
            )
            for h in queue
        ]
    if not lines:
        await _reply(update, context, svc.render("utter_volunteer_queue_empty"))
        return
    await _reply(
        update, context, svc.render("utter_volunteer_queue", count=len(lines), lines="\n".join(lines))
    )


@volunteers_only
async def on_ticket(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """/ticket CODE: which of my chats receives my messages."""
    args = context.args or []
    with transaction(svc.sessions) as session:
        held = {h.ticket: h for h in claimed_by(session, volunteer)}
        wanted = args[0].lstrip("#").upper() if args else ""
        if wanted in held:
            volunteer_of(session, volunteer, svc.settings.volunteer_capacity).focus_ticket = wanted
    if wanted in held:
        await _reply(update, context, svc.render("utter_volunteer_focus", ticket=wanted))
    elif held:
        await _reply(
            update,
            context,
            svc.render("utter_volunteer_focus_list", tickets=", ".join(f"#{t}" for t in held)),
        )
    else:
        await _reply(update, context, svc.render("utter_volunteer_no_chat"))


@volunteers_only
async def on_claim(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str) -> None:
    """'Prendre en charge': the first volunteer to press wins; the others are told it is taken."""
    query = update.callback_query
    assert query is not None
    parts = await _button(query, svc, 2)
    if parts is None:
        return
    ticket, now = parts[1], svc.clock()
    with transaction(svc.sessions) as session:
        held = room(session, volunteer, svc.settings.volunteer_capacity)
        load, capacity = held.load, held.capacity  # a volunteer on /pause may still take one they see
        handoff = None if load >= capacity else claim(session, ticket, volunteer, now)
        if handoff is not None:
            record_event(session, "handoff_claimed", handoff.pseudonym, ticket=ticket, volunteer=volunteer)
    if load >= capacity:
        await query.answer(svc.render("utter_volunteer_full", load=load, capacity=capacity), show_alert=True)
        return
    if handoff is None:
        await query.answer(svc.render("utter_volunteer_taken"), show_alert=True)
        return
    try:
        summary = card_text(svc, handoff, now) + "\n\n" + svc.render("utter_volunteer_claimed", ticket=ticket)
        await context.bot.send_message(svc.volunteers[volunteer], summary)
    except Forbidden:
        # The volunteer never opened a private chat with the bot: the request goes back.
        with transaction(svc.sessions) as session:
            stored = session.get(Handoff, handoff.id)
            assert stored is not None
            release(session, stored, now)
            record_event(
                session,
                "handoff_released",
                stored.pseudonym,
                ticket=ticket,
                volunteer=volunteer,
                reason="no_private_chat",
            )
        await query.answer(svc.render("utter_volunteer_start_private"), show_alert=True)
        return
    await query.answer()
    svc.card("edit", handoff.id)
    await _tell_user(context, svc, handoff, "utter_handoff_claimed")


async def _current(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> Handoff | None:
    with transaction(svc.sessions) as session:
        handoff = focus_of(session, volunteer)
    if handoff is None:
        await _reply(update, context, svc.render("utter_volunteer_no_chat"))
    return handoff


def _settle(
    svc: Services, handoff: Handoff, volunteer: str, event: str, change: Callable[[Session, Handoff], None]
) -> Handoff:
    """Apply ``change`` to the stored request and audit it, in one transaction; the request after."""
    with transaction(svc.sessions) as session:
        stored = session.get(Handoff, handoff.id)
        assert stored is not None
        change(session, stored)
        record_event(session, event, stored.pseudonym, ticket=stored.ticket, volunteer=volunteer)
        return stored


@volunteers_only
async def on_relacher(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """/relacher: the request goes back to the queue, with a new card at the bottom of the group."""
    handoff = await _current(update, context, svc, volunteer)
    if handoff is None:
        return
    now = svc.clock()
    handoff = _settle(
        svc, handoff, volunteer, "handoff_released", lambda session, stored: release(session, stored, now)
    )
    svc.card("repost", handoff.id)
    await _reply(update, context, svc.render("utter_volunteer_released", ticket=handoff.ticket))
    await _tell_user(context, svc, handoff, "utter_handoff_released")


@volunteers_only
async def on_transferer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """/transferer: choose another available volunteer with room for one more chat."""
    handoff = await _current(update, context, svc, volunteer)
    if handoff is None:
        return
    with transaction(svc.sessions) as session:
        others = [
            svc.volunteer_number(other)
            for other in svc.volunteers
            if other != volunteer and room(session, other, svc.settings.volunteer_capacity).free
        ]
    if not others:
        await _reply(update, context, svc.render("utter_volunteer_transfer_none"))
        return
    choices = [
        (svc.render("utter_volunteer_transfer_to_button", number=n), f"transfer:{handoff.ticket}:{n}")
        for n in others
    ]
    await _reply(
        update,
        context,
        svc.render("utter_volunteer_transfer_choose", ticket=handoff.ticket),
        keyboard(choices),
    )


@volunteers_only
async def on_transfer_to(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """The chosen volunteer receives the chat (only the current holder can transfer it)."""
    query = update.callback_query
    assert query is not None
    parts = await _button(query, svc, 3)
    if parts is None:
        return
    _, ticket, number = parts
    target = next((v for v in svc.volunteers if str(svc.volunteer_number(v)) == number), None)
    now = svc.clock()
    with transaction(svc.sessions) as session:
        handoff = by_ticket(session, ticket)
        allowed = (
            handoff is not None
            and handoff.status == Status.CLAIMED
            and handoff.volunteer == volunteer
            and target not in (None, volunteer)
        )
        if allowed and target is not None:
            # may have changed since the list was shown
            allowed = room(session, target, svc.settings.volunteer_capacity).free
    if not allowed or handoff is None or target is None:
        await query.answer(svc.render("utter_volunteer_taken"), show_alert=True)
        return
    try:  # the colleague must be reachable before the chat is theirs
        await context.bot.send_message(
            svc.volunteers[target],
            svc.render(
                "utter_volunteer_transferred_to",
                number=svc.volunteer_number(volunteer),
                ticket=ticket,
                card=card_text(svc, handoff, now),
            ),
        )
    except Forbidden:
        await query.answer(svc.render("utter_volunteer_transfer_none"), show_alert=True)
        return
    with transaction(svc.sessions) as session:
        stored = by_ticket(session, ticket)
        assert stored is not None
        transfer(session, stored, target, now)
        record_event(
            session, "handoff_transferred", stored.pseudonym, ticket=ticket, volunteer=volunteer, to=target
        )
        handoff = stored
    await query.answer()
    await _reply(
        update, context, svc.render("utter_volunteer_transferred_from", ticket=ticket, number=number)
    )
    svc.card("edit", handoff.id)
    await _tell_user(context, svc, handoff, "utter_handoff_transferred")


@volunteers_only
async def on_fin(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str) -> None:
    """/fin: close the chat; the person gets resources and a one-tap feedback, the volunteer picks an
    outcome."""
    handoff = await _current(update, context, svc, volunteer)
    if handoff is None:
        return
    now = svc.clock()
    handoff = _settle(
        svc, handoff, volunteer, "handoff_closed", lambda session, stored: close(session, stored, now)
    )
    svc.card("edit", handoff.id)
    await _tell_user(context, svc, handoff, "utter_handoff_closed")
    choices = [
        (svc.render(f"utter_volunteer_outcome_{o}"), f"outcome:{handoff.ticket}:{o}")
        for o in VOLUNTEER_OUTCOMES
    ]
    await _reply(
        update,
        context,
        svc.render("utter_volunteer_outcome_question", ticket=handoff.ticket),
        keyboard(choices),
    )


@volunteers_only
async def on_outcome(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """The outcome of a closed chat, chosen by the volunteer who closed it."""
    query = update.callback_query
    assert query is not None
    parts = await _button(query, svc, 3)
    if parts is None:
        return
    _, ticket, outcome = parts
    with transaction(svc.sessions) as session:
        handoff = by_ticket(session, ticket)
        ok = (
            handoff is not None
            and handoff.volunteer == volunteer
            and handoff.status == Status.CLOSED
            and outcome in VOLUNTEER_OUTCOMES
        )
        if ok:
            assert handoff is not None
            handoff.outcome = Outcome(outcome)
            record_event(
                session,
                "handoff_outcome",
                handoff.pseudonym,
                ticket=ticket,
                volunteer=volunteer,
                outcome=outcome,
            )
    if not ok:
        await query.answer(svc.render("utter_volunteer_taken"), show_alert=True)
        return
    await query.answer()
    await _reply(update, context, svc.render("utter_volunteer_outcome_saved", ticket=ticket))


@volunteers_only
async def on_bloquer(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """/bloquer: choose the reason (a category, never free text) to block this pseudonym."""
    handoff = await _current(update, context, svc, volunteer)
    if handoff is None:
        return
    choices = [
        (svc.render(f"utter_volunteer_block_{r}"), f"block:{handoff.ticket}:{r}") for r in BLOCK_REASONS
    ]
    await _reply(
        update, context, svc.render("utter_volunteer_block_choose", ticket=handoff.ticket), keyboard(choices)
    )


@volunteers_only
async def on_block(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str) -> None:
    """Block the pseudonym of a chat the volunteer holds, with the reason audited; the chat closes."""
    query = update.callback_query
    assert query is not None
    parts = await _button(query, svc, 3)
    if parts is None:
        return
    _, ticket, reason = parts
    now = svc.clock()
    with transaction(svc.sessions) as session:
        handoff = by_ticket(session, ticket)
        ok = (
            handoff is not None
            and handoff.volunteer == volunteer
            and handoff.status == Status.CLAIMED
            and reason in BLOCK_REASONS
        )
        if ok:
            assert handoff is not None
            block(session, handoff.pseudonym, reason, volunteer, now)
            close(session, handoff, now)
            handoff.outcome = Outcome.BLOCKED
            record_event(
                session,
                "pseudonym_blocked",
                handoff.pseudonym,
                ticket=ticket,
                volunteer=volunteer,
                reason=reason,
            )
    if not ok or handoff is None:
        await query.answer(svc.render("utter_volunteer_taken"), show_alert=True)
        return
    await query.answer()
    svc.card("edit", handoff.id)
    await _reply(update, context, svc.render("utter_volunteer_blocked", ticket=ticket))
    await _tell_user(context, svc, handoff, "utter_handoff_blocked")


@volunteers_only
async def on_volunteer_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """A volunteer's private message goes to the person of the focused chat, exactly once."""
    message = update.effective_message
    if message is None or update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
        return
    if not message.text:
        await _reply(update, context, svc.render("utter_volunteer_text_only"))
        return
    with transaction(svc.sessions) as session:
        if not first_delivery(session, update.update_id):
            return
        handoff = focus_of(session, volunteer)
        if handoff is not None:
            country = country_of(session, handoff.pseudonym, svc.settings.default_country)
            text = svc.render("utter_handoff_from_volunteer", country, text=message.text[:MAX_RELAY_CHARS])
            queue_message(session, svc.cipher, handoff, to_volunteer=False, text=text)
            record_event(session, "relay_to_user", handoff.pseudonym, ticket=handoff.ticket)
    if handoff is None:
        await _reply(update, context, svc.render("utter_volunteer_no_chat"))
        return
    await deliver_pending(context.bot, svc)


@volunteers_only
async def on_volunteer_help(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """/aide from a volunteer: the volunteers' commands."""
    await _reply(update, context, svc.render("utter_volunteer_help"))
