"""Handlers of the users' side: commands, text, buttons, media, edits, groups, errors."""

from __future__ import annotations

import html
import logging
import time
from datetime import UTC, datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.ext import ContextTypes

from actions.core.crisis import match_crisis
from actions.core.replies import CRISIS_REPLY
from bot.adapter.services import Services, correlation_id
from bot.engine import BotMessage, EngineUnavailable
from bot.responses import degraded_reply
from bot.storage.db import transaction
from bot.storage.models import Conversation
from bot.storage.repository import erase, first_delivery, record_event, remember_chat, save_triage, touch_conversation

log = logging.getLogger("relais.adapter")
COUNTRY_NAMES = {"FR": "France", "BE": "Belgique", "CH": "Suisse", "LU": "Luxembourg", "CA_QC": "Québec"}


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


def _keyboard(svc: Services, owner: str, message: BotMessage) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    rows = [[InlineKeyboardButton(b["title"], callback_data=svc.button_token(owner, b["payload"]))] for b in message.buttons]
    return InlineKeyboardMarkup(rows)


async def _country(svc: Services, pseudo: str) -> str:
    with transaction(svc.sessions) as session:
        conversation = session.get(Conversation, pseudo)
        return conversation.country if conversation else svc.settings.default_country


async def converse(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """One user turn: store the minimum, ask the engine, send its replies (or the degraded ones)."""
    svc = services(context)
    chat = update.effective_chat
    assert chat is not None
    pseudo, cid = svc.pseudonym_of(chat.id), correlation_id()
    if not svc.allow(pseudo, time.monotonic()):
        # Spam is dropped without reaching the engine — but never a crisis message.
        log.warning("throttled pseudonym=%s cid=%s", pseudo, cid)
        if match_crisis(text).is_crisis:
            await context.bot.send_message(chat.id, html.escape(svc.text(CRISIS_REPLY, await _country(svc, pseudo))))
        return
    with transaction(svc.sessions) as session:
        if not first_delivery(session, update.update_id):
            log.info("duplicate_update pseudonym=%s cid=%s", pseudo, cid)
            return
        conversation = touch_conversation(session, pseudo, svc.settings.default_country, datetime.now(UTC))
        country = conversation.country
        remember_chat(session, svc.cipher, pseudo, chat.id)
        record_event(session, "message_in", pseudo, correlation=cid)
    await context.bot.send_chat_action(chat.id, ChatAction.TYPING)
    try:
        reply = await svc.engine.send(pseudo, text, metadata={"country": country, "channel": "telegram"})
        messages, triage = reply.messages, reply.triage
    except EngineUnavailable as error:
        log.warning("engine_unavailable pseudonym=%s cid=%s error=%s", pseudo, cid, error)
        triage, texts = degraded_reply(text, country)
        messages = [BotMessage(t) for t in texts]
    for message in messages:
        await context.bot.send_message(
            chat.id, html.escape(message.text), parse_mode=ParseMode.HTML, reply_markup=_keyboard(svc, pseudo, message)
        )
    with transaction(svc.sessions) as session:
        if triage:
            save_triage(session, pseudo, triage)
        record_event(session, "replies_out", pseudo, correlation=cid, count=len(messages))


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private text message goes to the engine as the user's turn."""
    assert update.message is not None and update.message.text is not None
    await converse(update, context, update.message.text[:4096])


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: the welcome, through the engine (greet)."""
    await converse(update, context, "/greet")


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/aide: invite the user to tell what happens."""
    await converse(update, context, "/ask_help")


async def on_stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: stop the steps, leaving resources."""
    await converse(update, context, "/stop")


async def on_urgence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/urgence: the emergency contacts at once, without the engine."""
    svc = services(context)
    assert update.effective_chat is not None
    country = await _country(svc, svc.pseudonym_of(update.effective_chat.id))
    await context.bot.send_message(update.effective_chat.id, html.escape(svc.text(CRISIS_REPLY, country)), parse_mode=ParseMode.HTML)


async def on_pays(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/pays: choose the country whose helplines are given."""
    svc = services(context)
    assert update.effective_chat is not None
    owner = svc.pseudonym_of(update.effective_chat.id)
    rows = [
        [InlineKeyboardButton(name, callback_data=svc.button_token(owner, f"country:{code}"))]
        for code, name in COUNTRY_NAMES.items()
    ]
    keyboard = InlineKeyboardMarkup(rows)
    await context.bot.send_message(update.effective_chat.id, svc.text("utter_adapter_choose_country"), reply_markup=keyboard)


async def on_oubli(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/oubli: erase everything held about this chat and explain how to delete it on the phone."""
    svc = services(context)
    assert update.effective_chat is not None
    pseudo = svc.pseudonym_of(update.effective_chat.id)
    with transaction(svc.sessions) as session:
        erase(session, pseudo)
    for token in [t for t, (owner, _) in svc.buttons.items() if owner == pseudo]:
        del svc.buttons[token]
    await context.bot.send_message(update.effective_chat.id, svc.text("utter_adapter_forgotten"))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: its payload goes to the engine; a forged or expired one gets a kind reply."""
    svc = services(context)
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    await query.answer()
    pseudo = svc.pseudonym_of(update.effective_chat.id)
    payload = svc.button_payload(pseudo, query.data or "")
    if payload is None:
        await context.bot.send_message(update.effective_chat.id, svc.text("utter_adapter_button_expired"))
        return
    if payload.startswith("country:"):
        code = payload.split(":", 1)[1]
        with transaction(svc.sessions) as session:
            touch_conversation(session, pseudo, code, datetime.now(UTC)).country = code
            record_event(session, "country_set", pseudo, country=code)
        await context.bot.send_message(update.effective_chat.id, svc.text("utter_adapter_country_set", code))
        return
    await converse(update, context, payload)


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, videos, files, stickers: never downloaded; a kind explanation instead."""
    svc = services(context)
    assert update.effective_chat is not None
    voice = bool(update.message and (update.message.voice or update.message.video_note or update.message.audio))
    key = "utter_adapter_voice" if voice else "utter_adapter_media"
    country = await _country(svc, svc.pseudonym_of(update.effective_chat.id))
    await context.bot.send_message(update.effective_chat.id, svc.text(key, country))


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message is not a new turn."""
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, services(context).text("utter_adapter_edited"))


async def on_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group chats: a polite refusal (private chats only)."""
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE and chat.id != services(context).settings.helpline_chat_id:
        await context.bot.send_message(chat.id, services(context).text("utter_adapter_group"))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One global error handler: the user gets a kind message, the log an event type, no text."""
    cid = correlation_id()
    log.error("handler_error cid=%s error=%s", cid, type(context.error).__name__)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, services(context).text("utter_adapter_error"))
        except Exception:  # noqa: BLE001 - the error path must never raise
            log.error("error_reply_failed cid=%s", cid)
