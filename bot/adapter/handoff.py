"""The hand-off as Telegram carries it: cards in the volunteers' group, the relay, the queue job.

State lives in the database (bot/storage/handoffs.py); this module only sends and edits
messages. Relayed texts go through the encrypted outbox: written in the transaction that
marks the update as processed, deleted once Telegram accepted the message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from actions.core.helplines import default_directory
from bot.adapter.services import Services
from bot.responses import in_register, load_buttons
from bot.storage.handoffs import (
    aware,
    due_for_reannounce,
    free_volunteers,
    is_blocked,
    pending_messages,
    request_handoff,
    take_card,
    without_card,
)
from bot.storage.models import Conversation, Handoff, Outbox, SentMessage
from bot.storage.repository import chat_of, country_of, record_event

log = logging.getLogger("relais.handoff")
KNOWN = {"situation": "none", "urgency": "low", "audience": "unknown"}


def open_now(svc: Services, country: str, now: datetime) -> str:
    """The helplines answering now, as a short list for a reply."""
    return ", ".join(
        svc.render("utter_general_open_now_item", country, name=h.name, contact=h.number)
        for h in default_directory().open_now(country, now)
    )


def _label(svc: Services, family: str, value: str | None) -> str:
    key = f"utter_volunteer_{family}_{value}"
    try:
        return svc.render(key)
    except KeyError:
        return svc.render("utter_volunteer_unknown")


def waiting_time(handoff: Handoff, now: datetime) -> str:
    minutes = int((now - aware(handoff.requested_at)).total_seconds() // 60)
    return f"{minutes} min" if minutes < 120 else f"{minutes // 60} h {minutes % 60:02d}"


def _steps(keys: list[str]) -> str:
    """'2 (1, 2)': how many steps the person read, and which (step keys end with their number)."""
    numbers = [k.rsplit("_", 1)[-1] for k in keys if k.rsplit("_", 1)[-1].isdigit()]
    return f"{len(keys)} ({', '.join(numbers)})" if numbers else str(len(keys))


def card_text(svc: Services, handoff: Handoff, now: datetime) -> str:
    """What a volunteer sees of a request: labels, never the person's words or identity."""
    if handoff.status == "claimed":
        status = svc.render(
            "utter_volunteer_status_claimed", number=svc.volunteer_number(handoff.volunteer or "")
        )
    elif handoff.status == "queued" and handoff.announcements > 1:
        status = svc.render("utter_volunteer_status_reannounced", count=handoff.announcements - 1)
    else:
        status = svc.render(f"utter_volunteer_status_{handoff.status}")
    minor = {True: "yes", False: "no", None: None}[handoff.minor]
    return svc.render(
        "utter_volunteer_card",
        icon={"queued": "🆘" if handoff.urgency == "critical" else "🔔", "claimed": "✅"}.get(
            handoff.status, "☑️"
        ),
        ticket=handoff.ticket,
        status=status,
        urgency=_label(svc, "urgency", handoff.urgency),
        situation=_label(svc, "situation", handoff.situation),
        audience=_label(svc, "audience", handoff.audience),
        minor=_label(svc, "minor", minor),
        platform=handoff.platform or svc.render("utter_volunteer_unknown"),
        steps=_steps(handoff.steps_given),
        waiting=waiting_time(handoff, now),
    )


def keyboard(choices: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    """One button per row: (title, callback data)."""
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(title, callback_data=data)] for title, data in choices]
    )


def claim_keyboard(svc: Services, handoff: Handoff) -> InlineKeyboardMarkup | None:
    if handoff.status != "queued":
        return None
    return keyboard([(svc.render("utter_volunteer_claim_button"), f"claim:{handoff.ticket}")])


async def notify_volunteer(bot: Bot, svc: Services, handoff: Handoff, key: str) -> None:
    """Tell the volunteer holding ``handoff`` (if any) what happened to it."""
    if handoff.volunteer in svc.volunteers:
        await bot.send_message(svc.volunteers[handoff.volunteer], svc.render(key, ticket=handoff.ticket))


async def post_card(bot: Bot, svc: Services, handoff: Handoff, now: datetime) -> int | None:
    """A new card at the bottom of the volunteers' group; its message id (None if no group)."""
    if svc.settings.helpline_chat_id is None:
        return None
    message = await bot.send_message(
        svc.settings.helpline_chat_id, card_text(svc, handoff, now), reply_markup=claim_keyboard(svc, handoff)
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
    moving = kind == "repost" and handoff.status == "queued"  # claimed meanwhile: an edit says so
    if handoff.card_message_id and kind in ("edit", "repost"):  # 0: being posted, nothing to edit yet
        await _edit_card(bot, svc, handoff, now, moved=moving)
    if moving or (kind == "post" and await svc.in_db(partial(take_card, handoff_id=handoff.id))):
        await _keep_card(svc, handoff.id, await post_card(bot, svc, handoff, now))


async def _edit_card(bot: Bot, svc: Services, handoff: Handoff, now: datetime, moved: bool) -> None:
    """Edit the card in place; a failed edit is only logged."""
    assert svc.settings.helpline_chat_id is not None and handoff.card_message_id
    text = card_text(svc, handoff, now)
    if moved:
        text = text.split("\n", 1)[0].rsplit("—", 1)[0] + "— " + svc.render("utter_volunteer_status_moved")
    try:
        await bot.edit_message_text(
            text,
            svc.settings.helpline_chat_id,
            handoff.card_message_id,
            reply_markup=None if moved else claim_keyboard(svc, handoff),
        )
    except BadRequest as error:  # e.g. "message is not modified", or deleted by a coordinator
        log.info("card_not_edited ticket=%s error=%s", handoff.ticket, type(error).__name__)


async def _keep_card(svc: Services, handoff_id: int, card: int | None) -> None:
    """Remember which message of the volunteers' group is this request's card."""

    def keep(session: Session) -> None:
        stored = session.get(Handoff, handoff_id)
        if stored is not None:
            stored.card_message_id = card

    await svc.in_db(keep)


async def send_user(bot: Bot, svc: Services, pseudonym: str, chat_id: int, text: str, **kwargs: Any) -> None:
    """Send to the person and keep the message id, so that /oubli can delete it later."""
    message = await bot.send_message(chat_id, text, **kwargs)
    try:
        await svc.in_db(lambda session: remember_sent(session, pseudonym, [message.message_id], svc.clock()))
    except SQLAlchemyError as error:  # the reply went out; only its later deletion by /oubli is lost
        log.warning("sent_message_not_recorded error=%s", type(error).__name__)


def remember_sent(session: Session, pseudonym: str, message_ids: list[int], now: datetime) -> None:
    """Keep the ids of the bot's messages in a known conversation (for /oubli)."""
    if message_ids and session.get(Conversation, pseudonym) is not None:
        session.add_all(SentMessage(pseudonym=pseudonym, message_id=i, at=now) for i in message_ids)


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
    trigger: str,
) -> None:
    """Queue a request for a human and tell the person at once what happens next."""
    now = svc.clock()
    if trigger == "critical" and svc.settings.helpline_chat_id is None:
        return  # no team to alert: the emergency contacts were the answer

    def queue(session: Session) -> tuple[str, Handoff | None, bool]:
        """The response key for the person, the request (None if blocked), and whether it is new."""
        if is_blocked(session, pseudonym):
            return "utter_handoff_blocked", None, False
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
        if svc.settings.helpline_chat_id is None:
            handoff.status, handoff.closed_at, handoff.outcome = "cancelled", now, "no_team"
            return "utter_handoff_no_team", handoff, new
        if not new:
            return (
                (
                    "utter_handoff_already_claimed"
                    if handoff.status == "claimed"
                    else "utter_handoff_already_queued"
                ),
                handoff,
                new,
            )
        if (
            not svc.settings.helpline_hours.is_open(now)
            or free_volunteers(session, list(svc.volunteers)) == 0
        ):
            handoff.nobody_told = True
            return "utter_handoff_nobody", handoff, new
        return "utter_handoff_queued", handoff, new

    key, handoff, new = await svc.in_db(queue)
    if new and handoff is not None and handoff.status == "queued":
        svc.card("post", handoff.id)  # the person is told now; the card follows (group limit)
    if not new and handoff is not None:
        svc.card("edit", handoff.id)  # its urgency may have risen
    if trigger == "critical" and not new and handoff is not None:
        return  # a second crisis message while waiting: the contacts were sent, no need to repeat
    key = in_register(key, str(payload.get("audience")))
    text = svc.render(
        key, country, open_now=open_now(svc, country, now), hours=svc.settings.helpline_hours.describe()
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
        for outbox_id, handoff_id, to_volunteer, body in pending:
            target, pseudonym = await svc.in_db(
                partial(_recipient, svc=svc, handoff_id=handoff_id, to_volunteer=to_volunteer)
            )
            if target is None:
                log.warning("relay_undeliverable outbox=%s", outbox_id)
            else:
                try:
                    text = svc.cipher.decrypt_text(body)
                    if to_volunteer:
                        await bot.send_message(target, text)
                    else:
                        await send_user(bot, svc, pseudonym, target, text)
                except Forbidden:
                    log.warning("relay_forbidden outbox=%s", outbox_id)  # blocked the bot: nothing more to do
                except TelegramError as error:
                    log.warning("relay_retry_later outbox=%s error=%s", outbox_id, type(error).__name__)
                    break  # keep the order: the job tries again from this message
                sent += 1
            await svc.in_db(partial(_delivered, outbox_id=outbox_id))
    return sent


def _delivered(session: Session, outbox_id: int) -> None:
    """A relayed message went out (or cannot): it leaves the outbox."""
    session.execute(delete(Outbox).where(Outbox.id == outbox_id))


def _recipient(
    session: Session, svc: Services, handoff_id: int, to_volunteer: bool
) -> tuple[int | None, str]:
    """Whom a relayed message goes to (a Telegram id, None if gone), and the person's pseudonym."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        return None, ""
    if to_volunteer:
        return (svc.volunteers.get(handoff.volunteer) if handoff.volunteer else None), handoff.pseudonym
    return chat_of(session, svc.cipher, handoff.pseudonym), handoff.pseudonym


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
    for handoff_id in due:
        announced = await svc.in_db(partial(_reannounce, svc=svc, handoff_id=handoff_id, now=now))
        if announced is None:
            continue
        handoff, tell_user, chat_id, country = announced
        svc.card("repost", handoff.id)
        if tell_user and chat_id is not None:
            key = in_register("utter_handoff_still_waiting", handoff.audience)
            text = svc.render(key, country, open_now=open_now(svc, country, now))
            await send_user(bot, svc, handoff.pseudonym, chat_id, text, reply_markup=user_keyboard(svc, key))


def _reannounce(
    session: Session, svc: Services, handoff_id: int, now: datetime
) -> tuple[Handoff, bool, int | None, str] | None:
    """Count one more announcement of a still-queued request: it, whether to tell the person, their chat and
    country."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None or handoff.status != "queued":
        return None
    tell_user = not handoff.nobody_told
    handoff.announcements += 1
    handoff.announced_at, handoff.nobody_told = now, True
    record_event(
        session, "handoff_reannounced", handoff.pseudonym, ticket=handoff.ticket, count=handoff.announcements
    )
    country = country_of(session, handoff.pseudonym, svc.settings.default_country)
    return handoff, tell_user, chat_of(session, svc.cipher, handoff.pseudonym), country
