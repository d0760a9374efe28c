"""Handlers of the volunteers' side: availability, claim, relay, release, transfer, close, block.

Every handler first checks the allowlist (HELPLINE_VOLUNTEER_IDS): anyone else gets a
polite refusal. Volunteers are known by pseudonym in the database; the number they see
of each other ("bénévole n°2") is their rank in the allowlist.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Coroutine
from datetime import UTC, timedelta
from functools import partial
from typing import Any

from sqlalchemy.orm import Session
from telegram import CallbackQuery, InlineKeyboardMarkup, ReplyParameters, Update
from telegram.constants import ChatType
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot.adapter.handoff import (
    card_text,
    deliver_pending,
    hide_context,
    in_thread,
    keyboard,
    open_now,
    open_topic,
    rename_topic,
    send_user,
    show_context,
    user_keyboard,
)
from bot.adapter.services import Services, services
from bot.handoff import service, stats
from bot.handoff.cards import waiting_time
from bot.handoff.service import Case, Tie
from bot.handoff.states import BLOCK_REASONS, VOLUNTEER_OUTCOMES
from bot.responses import in_register
from bot.storage.handoffs import TICKET_ALPHABET, claimed_by, volunteer_of, waiting
from bot.storage.models import Handoff
from bot.storage.repository import record_event
from core.limits import MAX_MESSAGE_CHARS

log = logging.getLogger("relais.volunteers")
Done = Coroutine[Any, Any, None]  # what python-telegram-bot awaits from a handler
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE, Services, str], Done]


def button_parts(data: str | None, count: int) -> list[str] | None:
    """'claim:K7Q2' or 'outcome:K7Q2:advice' split in ``count`` non-empty parts; None if forged."""
    parts = (data or "").split(":", count - 1)
    return parts if len(parts) == count and all(parts) else None


async def _audit_refusal(svc: Services, volunteer: str | None, reason: str) -> None:
    """A volunteer's action refused (not on the allowlist, forged button, message tied to no case):
    audited with its reason, never its text."""
    await svc.in_db(partial(record_event, event_type="volunteer_refused", pseudonym=volunteer, reason=reason))


async def _button(query: CallbackQuery, svc: Services, count: int) -> list[str] | None:
    """The parts of a volunteer button's data; forged or truncated data is refused (None)."""
    parts = button_parts(query.data, count)
    if parts is None:
        await _audit_refusal(svc, None, "forged_button")
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
            await _audit_refusal(svc, None, "not_allowed")
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


def _thread(update: Update) -> int | None:
    """The case thread an update comes from: a topic of the volunteer's private chat (in a private
    chat, only topics carry a thread id), else None."""
    message = update.effective_message
    chat = update.effective_chat
    if message is None or chat is None or chat.type != ChatType.PRIVATE:
        return None
    return message.message_thread_id


TICKET_IN_TEXT = re.compile(rf"#([{TICKET_ALPHABET}]{{4}})\b")
RELAYED = re.compile(rf"^#([{TICKET_ALPHABET}]{{4}}) ›")  # a relayed text names its case first


def _replied_ticket(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The ticket of the bot's message a volunteer answers (a relayed « #K7QX › … », a card, an
    alert): Telegram fills the quoted message, so it cannot be forged. A message naming several
    tickets (the /ticket list, a refusal) ties to none: that would be a guess."""
    message = update.effective_message
    replied = message.reply_to_message if message else None
    if replied is None or replied.from_user is None or replied.from_user.id != context.bot.id:
        return None
    text = replied.text or ""
    relayed = RELAYED.match(text)
    if relayed:  # « #K7QX › … »: the person's own words may name another code
        return relayed.group(1)
    found = set(TICKET_IN_TEXT.findall(text))
    return found.pop() if len(found) == 1 else None  # a list of tickets names none of them


async def _reply(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Answer in the chat (and thread) of the update, else in the volunteer's private chat (a button
    outside a chat)."""
    chat = update.effective_chat or update.effective_user
    if chat is not None:
        await in_thread(context.bot, chat.id, text, _thread(update), reply_markup=markup)


async def _refuse(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str, case: Case
) -> None:
    """Why a message or command went to nobody: which cases the volunteer holds and how to name one."""
    await _audit_refusal(svc, volunteer, str(case.tie))
    tickets = ", ".join(f"#{t}" for t in case.held)
    if case.tie == Tie.NOT_HELD:  # a stale thread or reply: say so, even when nothing else is held
        text = svc.render(
            "utter_volunteer_not_held", tickets=tickets or svc.render("utter_volunteer_none_held")
        )
    elif case.tie == Tie.AMBIGUOUS:
        text = svc.render("utter_volunteer_ambiguous", count=len(case.held), tickets=tickets)
    else:
        text = svc.render("utter_volunteer_no_chat")
    await _reply(update, context, text)


async def _chosen(update: Update, svc: Services) -> tuple[CallbackQuery, tuple[str, str] | None]:
    """A press on one of _choose's buttons: its query, and the ticket and choice of its data
    'action:TICKET:choice' (None if forged: refused and audited)."""
    query = update.callback_query
    assert query is not None
    parts = await _button(query, svc, 3)
    return query, (parts[1], parts[2]) if parts is not None else None


QUESTIONS = {
    "transfer": "utter_volunteer_transfer_choose",
    "outcome": "utter_volunteer_outcome_question",
    "block": "utter_volunteer_block_choose",
    "quick": "utter_volunteer_quick_question",
}


async def _choose(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    action: str,
    ticket: str,
    choices: list[tuple[str, str]],
) -> None:
    """A question about one chat with a button per choice; each button's data is
    'action:TICKET:choice', checked again when pressed (service.transferable, record_outcome...)."""
    buttons = [(title, f"{action}:{ticket}:{choice}") for title, choice in choices]
    await _reply(update, context, svc.render(QUESTIONS[action], ticket=ticket), keyboard(buttons))


async def _tell_user(context: ContextTypes.DEFAULT_TYPE, svc: Services, handoff: Handoff, key: str) -> None:
    chat_id, country = await svc.in_db(
        partial(
            service.person,
            cipher=svc.cipher,
            pseudonym=handoff.pseudonym,
            default_country=svc.settings.default_country,
        )
    )
    if chat_id is not None:
        key = in_register(key, handoff.audience)  # a parent keeps the vous
        text = svc.render(key, country, open_now=open_now(svc, country, svc.clock()))
        await send_user(
            context.bot, svc, handoff.pseudonym, chat_id, text, reply_markup=user_keyboard(svc, key)
        )


def _available(svc: Services, volunteer: str, available: bool) -> Callable[[Session], int]:
    """The unit of work of /dispo and /pause."""
    return partial(
        service.set_available,
        volunteer=volunteer,
        available=available,
        default_capacity=svc.settings.volunteer_capacity,
        now=svc.clock(),
    )


@volunteers_only
async def on_dispo(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str) -> None:
    """/dispo: available for new requests."""
    capacity = await svc.in_db(_available(svc, volunteer, True))
    await _reply(
        update,
        context,
        svc.render("utter_volunteer_available", number=svc.volunteer_number(volunteer), capacity=capacity),
    )


@volunteers_only
async def on_pause(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str) -> None:
    """/pause: no new requests; the chats in progress stay open."""
    await svc.in_db(_available(svc, volunteer, False))
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

    def set_capacity(session: Session) -> None:
        volunteer_of(session, volunteer, svc.settings.volunteer_capacity).capacity = int(args[0])

    await svc.in_db(set_capacity)
    await _reply(update, context, svc.render("utter_volunteer_capacity", capacity=int(args[0])))


@volunteers_only
async def on_file(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str) -> None:
    """/file: the queue, most urgent first."""
    now = svc.clock()
    queue = await svc.in_db(lambda session: list(waiting(session)))
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
    """/ticket: the cases I hold, and how a message reaches one of them (never a "current" one)."""
    held = await svc.in_db(lambda session: [h.ticket for h in claimed_by(session, volunteer)])
    if held:
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
    claimed = await svc.in_db(
        partial(
            service.take,
            ticket=ticket,
            volunteer=volunteer,
            default_capacity=svc.settings.volunteer_capacity,
            now=now,
        )
    )
    handoff = claimed.handoff
    if claimed.full:
        text = svc.render("utter_volunteer_full", load=claimed.load, capacity=claimed.capacity)
        await query.answer(text, show_alert=True)
        return
    if handoff is None:
        await query.answer(svc.render("utter_volunteer_taken"), show_alert=True)
        return
    try:
        topic = await open_topic(context.bot, svc, handoff, volunteer)
        if topic is not None:
            await svc.in_db(
                partial(service.keep_topic, handoff_id=handoff.id, volunteer=volunteer, topic_id=topic)
            )
        summary = await card_text(svc, handoff, now)
        summary += "\n\n" + svc.render("utter_volunteer_claimed", ticket=ticket)
        await in_thread(context.bot, svc.volunteers[volunteer], summary, topic)
    except Forbidden:
        # The volunteer never opened a private chat with the bot: the request goes back.
        await svc.in_db(
            partial(
                service.give_back,
                handoff_id=handoff.id,
                volunteer=volunteer,
                now=now,
                reason="no_private_chat",
            )
        )
        await query.answer(svc.render("utter_volunteer_start_private"), show_alert=True)
        return
    await query.answer()
    svc.card("edit", handoff.id)
    await _tell_user(context, svc, handoff, "utter_handoff_claimed")


async def _current(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> Handoff | None:
    """The case a command is for: the ticket typed after it, the thread it is written in, the message
    it answers, or the volunteer's only case; else a line saying why none (never a guess)."""
    args = context.args or []
    case = await svc.in_db(
        partial(
            service.case_of,
            volunteer=volunteer,
            topic_id=_thread(update),
            replied_ticket=_replied_ticket(update, context),
            named=args[0] if args else None,
        )
    )
    if case.handoff is None:
        await _refuse(update, context, svc, volunteer, case)
    return case.handoff


@volunteers_only
async def on_relacher(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """/relacher: the request goes back to the queue, with a new card at the bottom of the group."""
    handoff = await _current(update, context, svc, volunteer)
    if handoff is None:
        return
    await hide_context(context.bot, svc, handoff, volunteer)
    await rename_topic(
        context.bot, svc, handoff, svc.render("utter_volunteer_topic_released", ticket=handoff.ticket)
    )
    handoff = await svc.in_db(
        partial(service.give_back, handoff_id=handoff.id, volunteer=volunteer, now=svc.clock())
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
    colleagues = await svc.in_db(
        partial(
            service.colleagues_with_room,
            volunteers=list(svc.volunteers),
            volunteer=volunteer,
            default_capacity=svc.settings.volunteer_capacity,
        )
    )
    others = [svc.volunteer_number(other) for other in colleagues]
    if not others:
        await _reply(update, context, svc.render("utter_volunteer_transfer_none"))
        return
    choices = [(svc.render("utter_volunteer_transfer_to_button", number=n), str(n)) for n in others]
    await _choose(update, context, svc, "transfer", handoff.ticket, choices)


@volunteers_only
async def on_transfer_to(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """The chosen volunteer receives the chat (only the current holder can transfer it)."""
    query, chosen = await _chosen(update, svc)
    if chosen is None:
        return
    ticket, number = chosen
    target = next((v for v in svc.volunteers if str(svc.volunteer_number(v)) == number), None)
    now = svc.clock()
    handoff = await svc.in_db(
        partial(
            service.transferable,
            ticket=ticket,
            volunteer=volunteer,
            target=target,
            default_capacity=svc.settings.volunteer_capacity,
        )
    )
    if handoff is None or target is None:
        await query.answer(svc.render("utter_volunteer_taken"), show_alert=True)
        return
    try:  # the colleague must be reachable before the chat is theirs: a thread of its own in their chat
        topic = await open_topic(context.bot, svc, handoff, target)
        alerts = await svc.in_db(partial(service.alerts_of, handoff=handoff))
        said = (
            svc.render("utter_volunteer_transfer_alerts", count=alerts)
            if alerts
            else svc.render("utter_volunteer_transfer_no_alert")
        )
        await in_thread(
            context.bot,
            svc.volunteers[target],
            svc.render(
                "utter_volunteer_transferred_to",
                number=svc.volunteer_number(volunteer),
                ticket=ticket,
                card=await card_text(svc, handoff, now, holder=target),
                alerts=said,
            ),
            topic,
        )
    except Forbidden:
        await query.answer(svc.render("utter_volunteer_transfer_none"), show_alert=True)
        return
    await rename_topic(context.bot, svc, handoff, svc.render("utter_volunteer_topic_moved", ticket=ticket))
    await hide_context(context.bot, svc, handoff, volunteer)  # the context moves with the case
    handoff = await svc.in_db(
        partial(service.hand_over, ticket=ticket, volunteer=volunteer, target=target, now=now, topic_id=topic)
    )
    await query.answer()
    await _reply(
        update, context, svc.render("utter_volunteer_transferred_from", ticket=ticket, number=number)
    )
    svc.card("edit", handoff.id)
    await show_context(context.bot, svc, handoff)
    await _tell_user(context, svc, handoff, "utter_handoff_transferred")


@volunteers_only
async def on_fin(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str) -> None:
    """/fin: close the chat; the person gets resources and a one-tap feedback, the volunteer picks an
    outcome."""
    handoff = await _current(update, context, svc, volunteer)
    if handoff is None:
        return
    handoff = await svc.in_db(
        partial(service.finish, handoff_id=handoff.id, volunteer=volunteer, now=svc.clock())
    )
    svc.card("edit", handoff.id)
    await rename_topic(context.bot, svc, handoff)
    await hide_context(context.bot, svc, handoff, volunteer)
    await _tell_user(context, svc, handoff, "utter_handoff_closed")
    choices = [(svc.render(f"utter_volunteer_outcome_{o}"), str(o)) for o in VOLUNTEER_OUTCOMES]
    await _choose(update, context, svc, "outcome", handoff.ticket, choices)


@volunteers_only
async def on_outcome(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """The outcome of a closed chat, chosen by the volunteer who closed it."""
    query, chosen = await _chosen(update, svc)
    if chosen is None:
        return
    ticket, outcome = chosen
    saved = await svc.in_db(
        partial(service.record_outcome, ticket=ticket, volunteer=volunteer, outcome=outcome)
    )
    if not saved:
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
    choices = [(svc.render(f"utter_volunteer_block_{r}", days=days), r) for r, days in BLOCK_REASONS.items()]
    await _choose(update, context, svc, "block", handoff.ticket, choices)


@volunteers_only
async def on_block(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str) -> None:
    """Block the pseudonym of a chat the volunteer holds, with the reason audited; the chat closes."""
    query, chosen = await _chosen(update, svc)
    if chosen is None:
        return
    ticket, reason = chosen
    blocked = await svc.in_db(
        partial(service.block_held, ticket=ticket, volunteer=volunteer, reason=reason, now=svc.clock())
    )
    if blocked is None:
        await query.answer(svc.render("utter_volunteer_taken"), show_alert=True)
        return
    handoff, until = blocked
    await query.answer()
    svc.card("edit", handoff.id)
    await rename_topic(context.bot, svc, handoff)
    await hide_context(context.bot, svc, handoff, volunteer)
    await _reply(
        update,
        context,
        svc.render(
            "utter_volunteer_blocked",
            ticket=ticket,
            until=until.strftime("%d/%m/%Y"),
            days=BLOCK_REASONS[reason],
        ),
    )
    await _tell_user(context, svc, handoff, "utter_handoff_blocked")


@volunteers_only
async def on_volunteer_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """A volunteer's private message (or an edit of one) goes to the person of the case it is tied to,
    exactly once:
    written in the case's thread, or answering one of its messages, or the volunteer's only case.
    Anything else is refused with the list of their cases: never sent to a guessed one."""
    message = update.effective_message
    if message is None or update.effective_chat is None or update.effective_chat.type != ChatType.PRIVATE:
        return
    if not message.text:
        await _reply(update, context, svc.render("utter_volunteer_text_only"))
        return
    said = message.text[:MAX_MESSAGE_CHARS]
    topic = _thread(update)
    # An edit is relayed as an edit notice: the person's copy cannot be edited in place.
    key = "utter_handoff_from_volunteer_edited" if update.edited_message else "utter_handoff_from_volunteer"
    relayed = await svc.in_db(
        partial(
            service.volunteer_says,
            cipher=svc.cipher,
            update_id=update.update_id,
            volunteer=volunteer,
            wrap=lambda country: svc.render(key, country, text=said),
            default_country=svc.settings.default_country,
            topic_id=topic,
            replied_ticket=_replied_ticket(update, context),
        )
    )
    if relayed.duplicate:
        return
    handoff = relayed.case.handoff
    if handoff is None:
        await _refuse(update, context, svc, volunteer, relayed.case)
        return
    await deliver_pending(context.bot, svc)
    if topic is None:  # outside a thread, say where it went (a thread is its own echo)
        await context.bot.send_message(
            message.chat_id,
            svc.render("utter_volunteer_sent_to", ticket=handoff.ticket),
            reply_parameters=ReplyParameters(message.message_id),
        )


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats, for volunteers and coordinators: today and the last 7 days, from the audit events."""
    svc = services(context)
    user = update.effective_user
    allowed = svc.settings.helpline_volunteer_ids | svc.settings.helpline_coordinator_ids
    if user is None or user.id not in allowed:
        log.warning("stats_refused")
        await _audit_refusal(svc, None, "not_allowed")
        if update.effective_chat is not None:
            await context.bot.send_message(
                update.effective_chat.id, svc.render("utter_volunteer_not_allowed")
            )
        return
    now = svc.clock()
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)

    def both(session: Session) -> tuple[stats.Figures, stats.Figures]:
        return stats.figures(session, midnight), stats.figures(session, now - timedelta(days=7))

    today, week = await svc.in_db(both)
    number = svc.volunteer_number
    await _reply(
        update,
        context,
        svc.render(
            "utter_stats",
            today=stats.report(svc.render, svc.render("utter_stats_today"), today, number),
            week=stats.report(svc.render, svc.render("utter_stats_week"), week, number),
        ),
    )


@volunteers_only
async def on_reponses(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """/reponses: the reviewed quick replies for a case, one button each."""
    handoff = await _current(update, context, svc, volunteer)
    if handoff is None:
        return
    choices = [(svc.render(f"utter_volunteer_quick_{q}"), q) for q in service.QUICK_REPLIES]
    await _choose(update, context, svc, "quick", handoff.ticket, choices)


@volunteers_only
async def on_quick(update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str) -> None:
    """A quick reply pressed: the reviewed text, for the person's country, goes to that case's person."""
    query, chosen = await _chosen(update, svc)
    if chosen is None:
        return
    ticket, choice = chosen
    now = svc.clock()

    def wrap(key: str, country: str) -> str:
        reviewed = svc.render(key, country, open_now=open_now(svc, country, now))
        return svc.render("utter_handoff_from_volunteer", country, text=reviewed)

    handoff = await svc.in_db(
        partial(
            service.volunteer_quick,
            cipher=svc.cipher,
            ticket=ticket,
            volunteer=volunteer,
            choice=choice,
            wrap=wrap,
            default_country=svc.settings.default_country,
        )
    )
    if handoff is None:
        await query.answer(svc.render("utter_volunteer_taken"), show_alert=True)
        return
    await query.answer()
    await deliver_pending(context.bot, svc)
    title = svc.render(f"utter_volunteer_quick_{choice}")
    await _reply(update, context, svc.render("utter_volunteer_quick_sent", ticket=ticket, title=title))


@volunteers_only
async def on_volunteer_help(
    update: Update, context: ContextTypes.DEFAULT_TYPE, svc: Services, volunteer: str
) -> None:
    """/aide from a volunteer: the volunteers' commands."""
    await _reply(update, context, svc.render("utter_volunteer_help"))
