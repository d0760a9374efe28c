"""The hand-off as Telegram carries it: cards in the volunteers' group, the relay, the queue job.

State lives in the database (bot/storage/handoffs.py); this module only sends and edits
messages. Relayed texts go through the encrypted outbox: written in the transaction that
marks the update as processed, deleted once Telegram accepted the message.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.adapter.bundle import bundle
from bot.adapter.services import Services
from bot.engine import BotMessage, EngineUnavailable
from bot.handoff import cards, service
from bot.handoff.states import Status, Trigger
from bot.responses import in_register, load_buttons
from bot.storage.handoffs import (
    delivered,
    due_for_reannounce,
    keep_card,
    pending_messages,
    take_card,
    without_card,
)
from bot.storage.models import Handoff
from bot.storage.repository import remember_sent
from core.limits import MAX_MESSAGE_CHARS

log = logging.getLogger("relais.handoff")


def open_now(svc: Services, country: str, now: datetime) -> str:
    """The helplines answering now, as a short list for a reply."""
    return cards.open_now(svc.render, country, now)


async def place(svc: Services, handoff: Handoff) -> cards.Place:
    """The person's country as the card shows it."""
    return await svc.in_db(
        partial(service.place_of, pseudonym=handoff.pseudonym, default_country=svc.settings.default_country)
    )


async def card_text(
    svc: Services, handoff: Handoff, now: datetime, moved: bool = False, holder: str | None = None
) -> str:
    """What a volunteer sees of a request (bot/handoff/cards.py); ``holder``: who holds it once a
    transfer is done (the card is sent to them just before)."""
    where = await place(svc, handoff)
    return cards.card_text(svc.render, handoff, now, svc.volunteer_number, where, moved=moved, holder=holder)


# ---- One thread per case. With topics on in the bot's private chats (BotFather's threaded mode;
# getMe says has_topics_enabled), each case a volunteer holds gets its own topic in their private
# chat with the bot: its card, the person's messages, the alerts, and what the volunteer writes
# there goes to that person only (bot/handoff/service.py case_of). Without topics, the private chat
# is one thread and a message is tied to a case by replying to it, or by holding only one.


def topics_on(bot: Bot) -> bool:
    return bool(bot.bot.has_topics_enabled)


async def open_topic(bot: Bot, svc: Services, handoff: Handoff, volunteer: str) -> int | None:
    """A new thread for the case in the volunteer's chat (None without topics, or if Telegram refused
    it: the case then lives in the private chat itself). Forbidden (the volunteer never opened a chat
    with the bot) is the caller's to handle."""
    if not topics_on(bot):
        return None
    name = cards.topic_name(svc.render, handoff, await place(svc, handoff))
    try:
        topic = await bot.create_forum_topic(svc.volunteers[volunteer], name)
    except BadRequest as error:
        log.warning("topic_not_created ticket=%s error=%s", handoff.ticket, type(error).__name__)
        return None
    return topic.message_thread_id


async def rename_topic(bot: Bot, svc: Services, handoff: Handoff, name: str | None = None) -> None:
    """The thread's name follows the case (urgency raised, closed); ``name`` overrides it."""
    if handoff.topic_id is None or handoff.volunteer not in svc.volunteers:
        return
    name = name or cards.topic_name(svc.render, handoff, await place(svc, handoff))
    try:
        await bot.edit_forum_topic(svc.volunteers[handoff.volunteer], handoff.topic_id, name=name)
    except BadRequest as error:  # "TOPIC_NOT_MODIFIED", or deleted by the volunteer
        log.info("topic_not_renamed ticket=%s error=%s", handoff.ticket, type(error).__name__)


async def delete_topic(bot: Bot, svc: Services, handoff: Handoff) -> None:
    """/oubli: the case's thread and everything in it disappear from the volunteer's chat."""
    if handoff.topic_id is None or handoff.volunteer not in svc.volunteers:
        return
    try:
        await bot.delete_forum_topic(svc.volunteers[handoff.volunteer], handoff.topic_id)
    except TelegramError as error:
        log.info("topic_not_deleted ticket=%s error=%s", handoff.ticket, type(error).__name__)


# The person's last messages to the bot, shown to their volunteer only if they said yes (one tap).
# Twenty turns cover the triage of a long story (the e2e conversations take 4 to 12) and fit in one
# or two Telegram messages.
CONTEXT_TURNS = 20


async def show_context(bot: Bot, svc: Services, handoff: Handoff) -> None:
    """What the person wrote to the bot before the hand-off, read from the engine's tracker (no text is
    stored for this), in the case's thread, protected from forwarding; the ids are kept to delete it."""
    if not handoff.context_consent or handoff.volunteer not in svc.volunteers:
        return
    try:
        texts: list[str] | None = await svc.engine.recent_texts(handoff.pseudonym, CONTEXT_TURNS)
    except EngineUnavailable:
        texts = None
    if texts is None:
        parts = [BotMessage(svc.render("utter_volunteer_context_unavailable", ticket=handoff.ticket))]
    elif not texts:
        parts = [BotMessage(svc.render("utter_volunteer_context_empty", ticket=handoff.ticket))]
    else:  # one message if it fits, else as few as Telegram's 4,096 characters allow (bundle)
        parts = [BotMessage(svc.render("utter_volunteer_context", ticket=handoff.ticket, count=len(texts)))]
        parts += [
            BotMessage(svc.render("utter_volunteer_context_line", text=t[:MAX_MESSAGE_CHARS])) for t in texts
        ]
    chat = svc.volunteers[handoff.volunteer]
    shown = [
        (await in_thread(bot, chat, part.text, handoff.topic_id, protect_content=True)).message_id
        for part in bundle(parts)
    ]
    await svc.in_db(partial(service.keep_context, handoff_id=handoff.id, message_ids=shown))


async def hide_context(bot: Bot, svc: Services, handoff: Handoff, volunteer: str | None) -> None:
    """Delete the context shown to ``volunteer`` (/fin, /oubli, a release, a transfer)."""
    shown = await svc.in_db(partial(service.drop_context, handoff_id=handoff.id))
    if not shown or volunteer not in svc.volunteers:
        return
    try:
        await bot.delete_messages(svc.volunteers[volunteer], shown)
    except TelegramError as error:  # older than 48 h, or already deleted by the volunteer
        log.info("context_not_deleted ticket=%s error=%s", handoff.ticket, type(error).__name__)


def keyboard(choices: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per row: (title, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(title, callback_data=data)] for title, data in choices]
    )


def claim_keyboard(svc: Services, handoff: Handoff) -> InlineKeyboardMarkup | None:
    if handoff.status != Status.QUEUED:
        return None
    return keyboard([(svc.render("utter_volunteer_claim_button"), f"claim:{handoff.ticket}")])


async def notify_volunteer(bot: Bot, svc: Services, handoff: Handoff, key: str, thread: bool = True) -> None:
    """Tell the volunteer holding ``handoff`` (if any) what happened to it, in the case's thread (or in
    their chat itself when the thread is about to be deleted)."""
    if handoff.volunteer in svc.volunteers:
        await in_thread(
            bot,
            svc.volunteers[handoff.volunteer],
            svc.render(key, ticket=handoff.ticket),
            handoff.topic_id if thread else None,
        )


async def post_card(bot: Bot, svc: Services, handoff: Handoff, now: datetime) -> int | None:
    """A new card at the bottom of the volunteers' group; its message id (None if no group)."""
    if svc.settings.helpline_chat_id is None:
        return None
    await svc.group_pacer.wait()
    message = await bot.send_message(
        svc.settings.helpline_chat_id,
        await card_text(svc, handoff, now),
        reply_markup=claim_keyboard(svc, handoff),
    )
    return message.message_id


# ---- Cards. Telegram lets a bot post about 20 messages a minute in a group (PTB's rate limiter
# waits for it). Posts and edits of cards therefore wait in one background worker, in order,
# never in the handler of an update: a burst of requests must hold neither the person's answer
# nor PTB's pool of concurrent updates (under load, 200 waiting handlers stalled every chat).
# Handlers ask for a card with svc.card("post" | "edit" | "repost", handoff id).


async def card_worker(bot: Bot, svc: Services) -> None:
    """Post, edit and re-post cards one at a time, from the request as stored when its turn comes."""
    while True:
        kind, handoff_id = await svc.card_ops.get()
        svc.card_pending.discard((kind, handoff_id))
        try:
            await _card_operation(bot, svc, kind, handoff_id)
        except (TelegramError, SQLAlchemyError) as error:  # a card is a courtesy: /file lists the queue
            log.warning("card_failed op=%s handoff=%s error=%s", kind, handoff_id, type(error).__name__)
        except Exception as error:  # noqa: BLE001 - the worker must outlive any one card
            log.error("card_error op=%s handoff=%s error=%s", kind, handoff_id, type(error).__name__)


async def _card_operation(bot: Bot, svc: Services, kind: str, handoff_id: int) -> None:
    handoff = await svc.in_db(lambda session: session.get(Handoff, handoff_id))
    if handoff is None or svc.settings.helpline_chat_id is None:
        return
    now = svc.clock()
    moving = kind == "repost" and handoff.status == Status.QUEUED  # claimed meanwhile: an edit says so
    if kind == "late":
        await _late_alert(bot, svc, handoff, now)
        return
    if handoff.card_message_id and kind in ("edit", "repost"):  # 0: being posted, nothing to edit yet
        await _edit_card(bot, svc, handoff, now, moved=moving)
    if moving or (kind == "post" and await svc.in_db(partial(take_card, handoff_id=handoff.id))):
        card = await post_card(bot, svc, handoff, now)
        await svc.in_db(partial(keep_card, handoff_id=handoff.id, card=card))


async def _late_alert(bot: Bot, svc: Services, handoff: Handoff, now: datetime) -> None:
    """A request waits past its target: the coordinators are mentioned in the group, with the wait,
    as an answer to its card (a tap on the quote brings them to the button)."""
    if handoff.status != Status.QUEUED:
        return  # claimed meanwhile
    mentions = " ".join(
        f'<a href="tg://user?id={uid}">{html.escape(svc.render("utter_volunteer_coordinator"))}</a>'
        for uid in sorted(svc.settings.helpline_coordinator_ids)
    )
    text = html.escape(
        svc.render(
            "utter_volunteer_late",
            ticket=handoff.ticket,
            urgency=svc.render(f"utter_volunteer_urgency_icon_{handoff.urgency}"),
            waiting=cards.waiting_time(handoff, now),
        )
    )
    reply = (
        ReplyParameters(handoff.card_message_id, allow_sending_without_reply=True)
        if handoff.card_message_id
        else None
    )
    await svc.group_pacer.wait()
    await bot.send_message(
        svc.settings.helpline_chat_id,  # type: ignore[arg-type]
        f"{text} {mentions}".strip(),
        parse_mode=ParseMode.HTML,
        reply_parameters=reply,
    )


async def _edit_card(bot: Bot, svc: Services, handoff: Handoff, now: datetime, moved: bool) -> None:
    """Edit the card in place; a failed edit is only logged."""
    assert svc.settings.helpline_chat_id is not None and handoff.card_message_id
    text = await card_text(svc, handoff, now, moved=moved)
    await svc.group_pacer.wait()
    try:
        await bot.edit_message_text(
            text,
            svc.settings.helpline_chat_id,
            handoff.card_message_id,
            reply_markup=None if moved else claim_keyboard(svc, handoff),
        )
    except BadRequest as error:  # e.g. "message is not modified", or deleted by a coordinator
        log.info("card_not_edited ticket=%s error=%s", handoff.ticket, type(error).__name__)


async def send_user(bot: Bot, svc: Services, pseudonym: str, chat_id: int, text: str, **kwargs: Any) -> None:
    """Send to the person and keep the message id, so that /oubli can delete it later."""
    message = await bot.send_message(chat_id, text, **kwargs)
    try:
        await svc.in_db(lambda session: remember_sent(session, pseudonym, [message.message_id], svc.clock()))
    except SQLAlchemyError as error:  # the reply went out; only its later deletion by /oubli is lost
        log.warning("sent_message_not_recorded error=%s", type(error).__name__)


def user_keyboard(svc: Services, key: str) -> InlineKeyboardMarkup | None:
    """Buttons of an adapter response; their payloads ('handoff:keep'...) act only on the presser's chat."""
    buttons = load_buttons().get(key)
    return keyboard(buttons) if buttons else None


async def request(
    bot: Bot,
    svc: Services,
    pseudonym: str,
    chat_id: int,
    country: str,
    payload: Mapping[str, object],
    trigger: Trigger,
) -> None:
    """Queue a request for a human (bot/handoff/service.py) and tell the person at once what happens next."""
    now = svc.clock()
    team = svc.settings.helpline_chat_id is not None
    if trigger == Trigger.CRITICAL and not team:
        return  # no team to alert: the emergency contacts were the answer
    result = await svc.in_db(
        partial(
            service.request,
            pseudonym=pseudonym,
            payload=payload,
            trigger=trigger,
            now=now,
            team=team,
            open_hours=svc.settings.helpline_hours.is_open(now),
            volunteers=list(svc.volunteers),
            default_capacity=svc.settings.volunteer_capacity,
            staffed=svc.settings.helpline_hours.is_open,
        )
    )
    handoff = result.handoff
    if result.new and handoff is not None and handoff.status == Status.QUEUED:
        svc.card("post", handoff.id)  # the person is told now; the card follows (group limit)
    if not result.new and handoff is not None:
        svc.card("edit", handoff.id)  # its urgency may have risen
    if trigger == Trigger.CRITICAL and not result.new and handoff is not None:
        return  # a second crisis message while waiting: the contacts were sent, no need to repeat
    key = in_register(result.key, str(payload.get("audience")))
    hours = svc.settings.helpline_hours.describe(
        svc.render("utter_hours_days").split(), svc.render("utter_hours_none")
    )
    wait = (
        svc.render("utter_handoff_wait_usual", minutes=max(1, round(result.wait_s / 60)))
        if result.wait_s is not None
        else svc.render("utter_handoff_wait_unknown")
    )
    text = svc.render(
        key, country, open_now=open_now(svc, country, now), hours=hours, place=result.place, wait=wait
    )
    await send_user(bot, svc, pseudonym, chat_id, text, reply_markup=user_keyboard(svc, key))


async def deliver_pending(bot: Bot, svc: Services) -> int:
    """Send every relayed message waiting in the outbox, in order; each is deleted once sent.

    One delivery at a time per process (a lock), so that the update handler and the
    background job never send the same message twice.
    """
    sent = 0
    async with svc.outbox_lock:
        pending = await svc.in_db(
            lambda session: [
                (o.id, o.handoff_id, o.to_volunteer, o.body_encrypted) for o in pending_messages(session)
            ]
        )
        for outbox_id, handoff_id, for_volunteer, body in pending:
            target = await svc.in_db(
                partial(
                    service.recipient,
                    cipher=svc.cipher,
                    volunteers=svc.volunteers,
                    handoff_id=handoff_id,
                    to_volunteer=for_volunteer,
                )
            )
            if target.chat_id is None:
                log.warning("relay_undeliverable outbox=%s", outbox_id)
            else:
                try:
                    text = svc.cipher.decrypt_text(body)
                    if for_volunteer:  # protected: a volunteer cannot forward or save the person's words
                        await in_thread(bot, target.chat_id, text, target.topic_id, protect_content=True)
                    else:
                        await send_user(bot, svc, target.pseudonym, target.chat_id, text)
                except Forbidden:
                    log.warning("relay_forbidden outbox=%s", outbox_id)  # blocked the bot: nothing more to do
                except BadRequest as error:  # refused for good (chat gone...): retrying would hold the queue
                    log.warning("relay_refused outbox=%s error=%s", outbox_id, type(error).__name__)
                except TelegramError as error:
                    log.warning("relay_retry_later outbox=%s error=%s", outbox_id, type(error).__name__)
                    break  # keep the order: the job tries again from this message
                sent += 1
            await svc.in_db(partial(delivered, outbox_id=outbox_id))
    return sent


async def in_thread(bot: Bot, chat_id: int, text: str, thread: int | None, **kwargs: Any) -> Message:
    """A message to a volunteer in a case's thread; if Telegram refuses the thread (the volunteer
    deleted it), in their chat itself: every such message names its ticket, and nothing may wait
    behind a thread that is gone."""
    try:
        return await bot.send_message(chat_id, text, message_thread_id=thread, **kwargs)
    except BadRequest as error:
        if thread is None:
            raise
        log.warning("thread_refused error=%s", type(error).__name__)
        return await bot.send_message(chat_id, text, **kwargs)


async def checkin_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every minute: the « ça va mieux ? » a person asked for after a chat, once, in their daytime."""
    svc: Services = context.application.bot_data["services"]
    due = await svc.in_db(partial(service.due_checkins, cipher=svc.cipher, now=svc.clock()))
    for checkin in due:
        key = in_register("utter_handoff_checkin", checkin.audience)
        try:
            await send_user(
                context.bot,
                svc,
                checkin.pseudonym,
                checkin.chat_id,
                svc.render(key, checkin.country),
                reply_markup=user_keyboard(svc, key),
            )
        except TelegramError as error:  # blocked the bot since: nothing more to do
            log.info("checkin_not_sent error=%s", type(error).__name__)


async def queue_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every few seconds: deliver what is pending, re-announce requests nobody claimed in time."""
    svc: Services = context.application.bot_data["services"]
    bot = context.bot
    await deliver_pending(bot, svc)
    now = svc.clock()
    if not svc.settings.helpline_hours.is_open(now):
        return  # out of hours nobody reads the group: the person was told who is open instead
    for handoff_id in await svc.in_db(lambda session: [h.id for h in without_card(session)]):
        svc.card("post", handoff_id)  # e.g. a request whose card was still waiting when the bot stopped
    due = await svc.in_db(
        lambda session: [h.id for h in due_for_reannounce(session, now, svc.settings.handoff_delays_s)]
    )
    targets = svc.settings.wait_targets_s
    for handoff_id in await svc.in_db(partial(service.overdue, now=now, targets_s=targets)):
        svc.card("late", handoff_id)  # the coordinators, by mention, in the group (its rate limit)
    for handoff_id in due:
        announced = await svc.in_db(
            partial(
                service.reannounce,
                cipher=svc.cipher,
                handoff_id=handoff_id,
                now=now,
                default_country=svc.settings.default_country,
            )
        )
        if announced is None:
            continue
        handoff, country = announced.handoff, announced.country
        svc.card("repost", handoff.id)
        if announced.tell_person and announced.chat_id is not None:
            key = in_register("utter_handoff_still_waiting", handoff.audience)
            text = svc.render(key, country, open_now=open_now(svc, country, now))
            await send_user(
                bot, svc, handoff.pseudonym, announced.chat_id, text, reply_markup=user_keyboard(svc, key)
            )
