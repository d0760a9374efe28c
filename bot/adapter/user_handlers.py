"""Handlers of the users' side: commands, text, buttons, media, edits, groups, errors."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.adapter import handoff as relay
from bot.adapter.bundle import bundle
from bot.adapter.services import Services, correlation_id, services
from bot.engine import BotMessage, EngineReply, EngineUnavailable
from bot.handoff.service import (
    SURVEY_CHOICES,
    PersonSaid,
    answer_survey,
    consent,
    learned_crisis,
    person_says,
    trigger_of,
)
from bot.handoff.states import Status, Trigger
from bot.responses import degraded_reply, in_register
from bot.storage.handoffs import close, open_handoff
from bot.storage.models import Conversation, Handoff
from bot.storage.repository import (
    choose_country,
    country_of,
    erase,
    first_delivery,
    recent_messages,
    record_event,
    remember_chat,
    remember_sent,
    save_triage,
    touch_conversation,
)
from core.crisis import match_crisis
from core.helplines import default_directory
from core.labels import CRITICAL
from core.normalize import as_message
from core.replies import CRISIS_REPLY

log = logging.getLogger("relais.adapter")
# A deep link t.me/<bot>?start=BE (a poster, a school's page) sets the country: a code of
# responses/helplines.yml, in any case, or one of these shorter names for it.
DEEP_LINK_ALIASES = {"QC": "CA_QC", "CA": "CA_QC"}
OTHER_COUNTRY = "OTHER"


def country_buttons(svc: Services) -> list[dict[str, str]]:
    """One button per country of responses/helplines.yml, and "another country"."""
    countries = default_directory().countries
    buttons = [{"title": c.name, "payload": f"country:{code}"} for code, c in countries.items()]
    return [
        *buttons,
        {"title": svc.text("utter_adapter_country_other_button"), "payload": f"country:{OTHER_COUNTRY}"},
    ]


def deep_link_country(argument: str) -> str | None:
    """The country a /start argument names, or None."""
    code = argument.strip().upper()
    code = DEEP_LINK_ALIASES.get(code, code)
    return code if code in default_directory().countries else None


def _keyboard(svc: Services, owner: str, message: BotMessage) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    rows = [
        [InlineKeyboardButton(b["title"], callback_data=svc.button_token(owner, b["payload"]))]
        for b in message.buttons
    ]
    return InlineKeyboardMarkup(rows)


async def _standing(svc: Services, pseudo: str) -> tuple[str, str, bool]:
    """Country, who writes (as last read) and whether the country was chosen, in one read; the
    defaults (default country, unknown, not chosen) for someone new or if the database does not answer."""
    default = (svc.settings.default_country, "unknown", False)

    def read(session: Session) -> tuple[str, str, bool]:
        conversation = session.get(Conversation, pseudo)
        return (
            (conversation.country, conversation.audience, conversation.country_chosen)
            if conversation
            else default
        )

    try:
        return await svc.in_db(read)
    except SQLAlchemyError:
        return default


async def _country(svc: Services, pseudo: str) -> str:
    """The person's country (the default one if unknown, or if the database does not answer)."""
    try:
        return await svc.in_db(lambda session: country_of(session, pseudo, svc.settings.default_country))
    except SQLAlchemyError:
        return svc.settings.default_country


async def _relayed_danger(svc: Services, pseudo: str, text: str, cid: str) -> PersonSaid | None:
    """During a relay the engine is not asked to answer, but its triage model still reads each
    relayed message the lexicon let through (NLU only, /model/parse): a danger said indirectly gets
    the same alert, a moment later (the caller sends the contacts). The engine down: the lexicon alone."""
    try:
        critical = await svc.engine.urgency(pseudo, text) == CRITICAL
    except EngineUnavailable:
        log.warning("relay_triage_unavailable pseudonym=%s", pseudo)
        return None
    if not critical:
        return None
    return await svc.in_db(
        partial(learned_crisis, cipher=svc.cipher, pseudonym=pseudo, render=svc.render, correlation=cid)
    )


async def converse(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """One user turn: relayed to the volunteer during a hand-off, else sent to the engine."""
    svc = services(context)
    chat = update.effective_chat
    assert chat is not None
    pseudo, cid = svc.pseudonym_of(chat.id), correlation_id()
    crisis = match_crisis(text).is_crisis
    if not svc.allow(pseudo, time.monotonic()) and not crisis:
        # Spam is dropped without reaching the engine or a volunteer — never a crisis message,
        # which goes on as usual: contacts for the person, an alert for the volunteer.
        log.warning("throttled pseudonym=%s cid=%s", pseudo, cid)
        return
    try:
        update_id = update.update_id
        turn = await svc.in_db(
            lambda session: _record_turn(session, svc, update_id, pseudo, chat.id, cid, text, crisis)
        )
        relaying, country = turn.relaying, turn.country
    except DuplicateUpdate:
        log.info("duplicate_update pseudonym=%s cid=%s", pseudo, cid)
        return
    except SQLAlchemyError as error:
        # No database: nothing can be stored or relayed, but the person still gets an answer.
        log.error("database_unavailable pseudonym=%s cid=%s error=%s", pseudo, cid, type(error).__name__)
        texts = degraded_reply(text, svc.settings.default_country)[1]
        if crisis:  # the country is not known here: 112/911 too
            texts.append(elsewhere(svc, "utter_adapter_country_elsewhere", svc.settings.default_country))
        for message in bundle([BotMessage(line) for line in texts]):
            await context.bot.send_message(chat.id, html.escape(message.text), parse_mode=ParseMode.HTML)
        return
    if relaying:
        raised_id = turn.raised
        if not crisis:
            said = await _relayed_danger(svc, pseudo, text, cid)
            crisis = said is not None
            raised_id = said.handoff.id if said is not None and said.raised else raised_id
        if crisis:  # the volunteer is alerted, and the person still gets the contacts first
            contacts = html.escape(crisis_contacts(svc, country, turn.audience, turn.country_chosen))
            await relay.send_user(context.bot, svc, pseudo, chat.id, contacts, parse_mode=ParseMode.HTML)
        await relay.deliver_pending(context.bot, svc)
        if raised_id is not None:  # the card and the case's thread now say critical
            svc.card("edit", raised_id)
            raised = await svc.in_db(lambda session: session.get(Handoff, raised_id))
            if raised is not None:
                await relay.rename_topic(context.bot, svc, raised)
        return
    handoff_request: dict[str, object] | None = None
    try:
        metadata = {"country": country, "country_chosen": turn.country_chosen, "channel": "telegram"}
        reply = await _with_typing(context, chat.id, svc.engine.send(pseudo, text, metadata=metadata))
        if not reply.messages:  # e.g. the action server is down: Rasa answers with nothing
            raise EngineUnavailable("empty reply")
        messages, triage, handoff_request = reply.messages, reply.triage, reply.handoff
    except EngineUnavailable as error:
        log.warning("engine_unavailable pseudonym=%s cid=%s error=%s", pseudo, cid, error)
        triage, texts = degraded_reply(text, country)
        messages = [
            BotMessage(t) for t in texts
        ]  # a crisis here gets 112/911 and the choice from country_offer
        if triage.get("urgency") == "critical":  # no engine, but a volunteer must still be alerted
            handoff_request = {**triage, "trigger": Trigger.CRITICAL}
    offer = country_offer(svc, turn, text, triage)
    if offer is not None:
        messages = [*messages, offer]
    sent = [
        await context.bot.send_message(
            chat.id, html.escape(m.text), parse_mode=ParseMode.HTML, reply_markup=_keyboard(svc, pseudo, m)
        )
        for m in bundle(messages)  # as few Telegram messages as read well, contacts still first
    ]

    def finish(session: Session) -> None:  # one commit for the whole turn
        remember_sent(session, pseudo, [s.message_id for s in sent], svc.clock())
        if offer is not None and (conversation := session.get(Conversation, pseudo)) is not None:
            conversation.country_offered = True
        if triage:
            save_triage(session, pseudo, triage)
        record_event(session, "replies_out", pseudo, correlation=cid, count=len(sent))

    try:
        await svc.in_db(finish)
    except SQLAlchemyError as error:
        log.error("database_unavailable pseudonym=%s cid=%s error=%s", pseudo, cid, type(error).__name__)
        return
    if handoff_request is not None:
        trigger = trigger_of(handoff_request.get("trigger"))
        await relay.request(context.bot, svc, pseudo, chat.id, country, handoff_request, trigger)


TYPING_AFTER_S = 0.4  # an answer faster than this needs no typing indicator


async def _with_typing(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, call: Awaitable[EngineReply]
) -> EngineReply:
    """Await the engine; show "typing…" if the answer takes longer than TYPING_AFTER_S."""
    task = asyncio.ensure_future(call)
    done, _ = await asyncio.wait({task}, timeout=TYPING_AFTER_S)
    if not done:
        with contextlib.suppress(TelegramError):  # the indicator is a courtesy: never fail the turn for it
            await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    return await task


class DuplicateUpdate(Exception):
    """Telegram delivered an update we already handled."""


@dataclass(frozen=True)
class Turn:
    """What the adapter knows of the conversation when a message arrives."""

    relaying: bool
    raised: int | None  # the request whose urgency this message raised (a crisis during the relay)
    country: str
    country_chosen: bool
    country_offered: bool
    situation: str  # before this message
    audience: str


def crisis_contacts(svc: Services, country: str, audience: str, country_chosen: bool) -> str:
    """The crisis reply without the engine, in the register of who writes, 112/911 too if the country is
    unknown."""
    contacts = svc.text(in_register(CRISIS_REPLY, audience), country)
    return (
        contacts
        if country_chosen
        else f"{contacts}\n{elsewhere(svc, 'utter_adapter_country_elsewhere', country)}"
    )


def elsewhere(svc: Services, key: str, country: str) -> str:
    """A country notice: it names the country whose numbers were just given."""
    return svc.render(key, country, country_name=default_directory().country(country).name)


def country_offer(
    svc: Services, turn: Turn, text: str, triage: dict[str, object] | None
) -> BotMessage | None:
    """The one-tap country choice while the country is unknown: with every crisis reply (after the
    contacts, with 112/911), and once otherwise, on the welcome or on the first reply to an incident.
    It comes last, in a message of its own: the advice and the bot's own question come first."""
    if turn.country_chosen or (triage or {}).get("country"):
        return None
    triage = triage or {}
    parent = triage.get("audience") == "parent" or turn.audience == "parent"
    if triage.get("urgency") == "critical":
        key = "utter_adapter_country_elsewhere_choose"
    elif not turn.country_offered and (text == "/greet" or triage.get("situation") not in (None, "none")):
        key = "utter_adapter_country_ask"
    else:
        return None
    return BotMessage(elsewhere(svc, f"{key}_parent" if parent else key, turn.country), country_buttons(svc))


def _record_turn(
    session: Session,
    svc: Services,
    update_id: int,
    pseudo: str,
    chat_id: int,
    cid: str,
    text: str,
    crisis: bool,
) -> Turn:
    """Store the turn (update id, activity, chat); queue it for the volunteer if a relay is on.

    One transaction: the update id and the relayed text are written together, so the text is
    neither lost nor doubled.
    """
    if not first_delivery(session, update_id):
        raise DuplicateUpdate
    conversation = touch_conversation(session, pseudo, svc.settings.default_country, datetime.now(UTC))
    conversation.engine_forgotten = False
    country = conversation.country
    remember_chat(session, svc.cipher, pseudo, chat_id)
    record_event(session, "message_in", pseudo, correlation=cid, update=update_id)
    said = (  # a command is the person's, never relayed
        None
        if text.startswith("/")
        else person_says(session, svc.cipher, pseudo, text, crisis, svc.render, cid)
    )
    return Turn(
        said is not None,
        said.handoff.id if said is not None and said.raised else None,
        country,
        conversation.country_chosen,
        conversation.country_offered,
        conversation.situation,
        conversation.audience,
    )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A private text message goes to the engine as the user's turn."""
    if update.message is None or update.message.text is None:  # e.g. a business message: not ours
        return
    await converse(update, context, as_free_text(update.message.text))


def as_free_text(text: str) -> str:
    """What the person typed, as a message: a leading "/" would make the engine read an intent."""
    return as_message(text)


async def command_turn(update: Update, context: ContextTypes.DEFAULT_TYPE, intent: str) -> None:
    """A command; words typed after it are a message of their own (crisis check included)."""
    words = (update.message.text or "").split(maxsplit=1)[1:] if update.message else []
    await converse(update, context, as_free_text(words[0]) if words else intent)


def _set_country(session: Session, pseudo: str, code: str, now: datetime, via: str | None = None) -> None:
    choose_country(session, pseudo, code, now)
    record_event(session, "country_set", pseudo, country=code, **({"via": via} if via else {}))


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: the welcome, through the engine (greet); a deep link t.me/<bot>?start=BE sets the country
    first."""
    svc = services(context)
    assert update.effective_chat is not None
    args = context.args or []
    if args:
        code = deep_link_country(args[0])
        pseudo = svc.pseudonym_of(update.effective_chat.id)
        if code is None:  # a poster with a typo: a kind word and the list, nothing stored
            keyboard = _keyboard(svc, pseudo, BotMessage("", country_buttons(svc)))
            await context.bot.send_message(
                update.effective_chat.id, svc.text("utter_adapter_country_unknown"), reply_markup=keyboard
            )
        else:
            await svc.in_db(partial(_set_country, pseudo=pseudo, code=code, now=svc.clock(), via="deep_link"))
    await converse(update, context, "/greet")


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/aide (and unknown commands): invite the user to tell what happens."""
    await command_turn(update, context, "/ask_help")


async def on_stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: stop the steps, leaving resources."""
    await command_turn(update, context, "/stop")


async def on_urgence(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/urgence: the emergency contacts at once, without the engine."""
    svc = services(context)
    assert update.effective_chat is not None
    pseudo = svc.pseudonym_of(update.effective_chat.id)
    country, audience, chosen = await _standing(svc, pseudo)
    contacts = html.escape(crisis_contacts(svc, country, audience, chosen))
    await relay.send_user(
        context.bot, svc, pseudo, update.effective_chat.id, contacts, parse_mode=ParseMode.HTML
    )


async def on_preuves(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/preuves: what to note as evidence, never the image; sent in the chat, nothing stored."""
    svc = services(context)
    assert update.effective_chat is not None
    pseudo = svc.pseudonym_of(update.effective_chat.id)
    audience = (await _standing(svc, pseudo))[1]
    await relay.send_user(
        context.bot,
        svc,
        pseudo,
        update.effective_chat.id,
        svc.text(in_register("utter_faq_evidence", audience)),
    )


async def on_pays(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/pays: choose the country whose helplines are given."""
    svc = services(context)
    assert update.effective_chat is not None
    owner = svc.pseudonym_of(update.effective_chat.id)
    keyboard = _keyboard(svc, owner, BotMessage("", country_buttons(svc)))
    await context.bot.send_message(
        update.effective_chat.id, svc.text("utter_adapter_choose_country"), reply_markup=keyboard
    )


async def on_oubli(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/oubli: erase everything held about this chat, here and in the engine; delete the bot's recent
    messages."""
    svc = services(context)
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    pseudo = svc.pseudonym_of(chat_id)
    now = svc.clock()

    def leave(session: Session) -> tuple[Handoff | None, list[int]]:
        handoff = open_handoff(session, pseudo)
        if handoff is not None:
            close(session, handoff, now, status=Status.CANCELLED)
        return handoff, recent_messages(session, pseudo, now)

    handoff, message_ids = await svc.in_db(leave)
    if handoff is not None:
        svc.card("edit", handoff.id)
        await relay.notify_volunteer(context.bot, svc, handoff, "utter_volunteer_user_left", thread=False)
        await relay.hide_context(context.bot, svc, handoff, handoff.volunteer)
        await relay.delete_topic(context.bot, svc, handoff)  # what the volunteer read of them goes too
    for start in range(0, len(message_ids), 100):  # Telegram deletes up to 100 at once, within 48 h
        try:
            await context.bot.delete_messages(chat_id, message_ids[start : start + 100])
        except TelegramError as error:
            log.info("delete_messages_failed pseudonym=%s error=%s", pseudo, type(error).__name__)
    try:
        await svc.engine.forget(pseudo)
    except EngineUnavailable:
        log.warning("engine_forget_failed pseudonym=%s", pseudo)  # the engine's store expires it anyway
    await svc.in_db(partial(erase, pseudonym=pseudo))
    for token in [t for t, (owner, _) in svc.buttons.items() if owner == pseudo]:
        del svc.buttons[token]
    await context.bot.send_message(chat_id, svc.text("utter_adapter_forgotten"))


async def _pressed(update: Update) -> tuple[CallbackQuery, int] | None:
    """Acknowledge a button press: its query and chat id; None from outside a chat (inline mode): not ours."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    return (query, update.effective_chat.id) if update.effective_chat is not None else None


async def on_handoff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Keep or cancel a request, or give feedback: acts only on the presser's own conversation."""
    svc = services(context)
    pressed = await _pressed(update)
    if pressed is None:
        return
    query, chat_id = pressed
    pseudo, now = svc.pseudonym_of(chat_id), svc.clock()
    choice = query.data or ""

    def press(session: Session) -> tuple[str, str, str, Handoff | None]:
        country = country_of(session, pseudo, svc.settings.default_country)
        conversation = session.get(Conversation, pseudo)  # already loaded by country_of: no second query
        audience = conversation.audience if conversation else "unknown"
        handoff = open_handoff(session, pseudo)
        if choice == "handoff:keep" and handoff is not None and handoff.status == Status.CLAIMED:
            key = "utter_handoff_already_claimed"  # an old « Garder ma demande »: a volunteer is here
        elif choice == "handoff:keep" and handoff is not None:
            key = "utter_handoff_kept"
            record_event(session, "handoff_kept", pseudo, ticket=handoff.ticket)
        elif choice == "handoff:cancel" and handoff is not None:
            key = "utter_handoff_cancelled"
            close(session, handoff, now, status=Status.CANCELLED)
            record_event(session, "handoff_cancelled", pseudo, ticket=handoff.ticket)
        elif choice in SURVEY_CHOICES:
            key = answer_survey(session, pseudo, choice, now, timedelta(hours=svc.settings.checkin_after_h))
        elif choice in ("context:yes", "context:no"):
            handoff = consent(session, pseudo, given=choice == "context:yes")
            shared = (
                "utter_handoff_context_shared"
                if choice == "context:yes"
                else "utter_handoff_context_declined"
            )
            key = shared if handoff is not None else "utter_adapter_button_expired"
        elif choice.startswith("handoff:"):
            key = "utter_handoff_nothing_to_cancel"
        else:
            key = "utter_adapter_button_expired"
        return key, country, audience, handoff

    key, country, audience, handoff = await svc.in_db(press)
    if choice == "handoff:cancel" and handoff is not None:
        svc.card("edit", handoff.id)
        await relay.notify_volunteer(context.bot, svc, handoff, "utter_volunteer_user_cancelled")
        await relay.rename_topic(context.bot, svc, handoff)  # « ☑️ #K7QX · close »
        await relay.hide_context(context.bot, svc, handoff, handoff.volunteer)
    key = in_register(key, audience)
    text = svc.render(key, country, open_now=relay.open_now(svc, country, now))
    await relay.send_user(context.bot, svc, pseudo, chat_id, text, reply_markup=relay.user_keyboard(svc, key))
    if choice.startswith("context:") and handoff is not None:
        if handoff.context_consent:
            await relay.show_context(context.bot, svc, handoff)
        else:  # « Non », or « Non » after « Oui »: what was shown goes
            await relay.hide_context(context.bot, svc, handoff, handoff.volunteer)
            await relay.notify_volunteer(context.bot, svc, handoff, "utter_volunteer_context_declined")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: its payload goes to the engine; a forged or expired one gets a kind reply."""
    svc = services(context)
    pressed = await _pressed(update)
    if pressed is None:
        return
    query, chat_id = pressed
    pseudo = svc.pseudonym_of(chat_id)
    payload = svc.button_payload(pseudo, query.data or "")
    if payload is None:
        await context.bot.send_message(chat_id, svc.text("utter_adapter_button_expired"))
        return
    if payload.startswith("country:"):
        code = payload.split(":", 1)[1]
        if code == OTHER_COUNTRY:  # nothing to store: the numbers that work almost everywhere
            await relay.send_user(context.bot, svc, pseudo, chat_id, svc.text("utter_adapter_country_other"))
            return
        if code not in default_directory().countries:  # a payload from an older version of the list
            keyboard = _keyboard(svc, pseudo, BotMessage("", country_buttons(svc)))
            await context.bot.send_message(
                chat_id, svc.text("utter_adapter_country_unknown"), reply_markup=keyboard
            )
            return
        await svc.in_db(partial(_set_country, pseudo=pseudo, code=code, now=svc.clock()))
        await relay.send_user(context.bot, svc, pseudo, chat_id, svc.text("utter_adapter_country_set", code))
        return
    await converse(update, context, payload)


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, videos, files, stickers: never downloaded; a kind explanation instead."""
    svc = services(context)
    assert update.effective_chat is not None
    voice = bool(
        update.message and (update.message.voice or update.message.video_note or update.message.audio)
    )
    key = "utter_adapter_voice" if voice else "utter_adapter_media"
    pseudo = svc.pseudonym_of(update.effective_chat.id)
    handoff = await svc.in_db(partial(open_handoff, pseudonym=pseudo))
    if handoff is not None and handoff.status == Status.CLAIMED:
        key = in_register("utter_handoff_text_only", handoff.audience)  # nothing is relayed but text
    country = await _country(svc, pseudo)
    await relay.send_user(context.bot, svc, pseudo, update.effective_chat.id, svc.text(key, country))


async def on_unreadable(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Anything else in a private chat (a poll, a dice, a story...): a kind word, never silence."""
    if update.effective_chat is not None:
        await context.bot.send_message(
            update.effective_chat.id, services(context).text("utter_adapter_unreadable")
        )


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message is not a new turn; during a relay it reaches the volunteer as an edit notice
    (with the crisis alert and the contacts if the new words signal a danger)."""
    svc = services(context)
    chat, message = update.effective_chat, update.edited_message
    assert chat is not None
    if message is not None and message.text and chat.type == ChatType.PRIVATE:
        pseudo, cid, text = svc.pseudonym_of(chat.id), correlation_id(), as_free_text(message.text)
        crisis = match_crisis(text).is_crisis

        def relay_edit(session: Session) -> PersonSaid | None:
            if not first_delivery(session, update.update_id):
                raise DuplicateUpdate
            return person_says(session, svc.cipher, pseudo, text, crisis, svc.render, cid, edited=True)

        try:
            said = await svc.in_db(relay_edit)
        except DuplicateUpdate:
            return
        if said is not None:
            learned = None if crisis else await _relayed_danger(svc, pseudo, text, cid)
            crisis, raised = crisis or learned is not None, said.raised or bool(learned and learned.raised)
            if crisis:
                country, audience, chosen = await _standing(svc, pseudo)
                contacts = html.escape(crisis_contacts(svc, country, audience, chosen))
                await relay.send_user(context.bot, svc, pseudo, chat.id, contacts, parse_mode=ParseMode.HTML)
            await relay.deliver_pending(context.bot, svc)
            if raised:
                svc.card("edit", said.handoff.id)
                await relay.rename_topic(context.bot, svc, said.handoff)
            return
    await context.bot.send_message(chat.id, svc.text("utter_adapter_edited"))


async def on_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Group chats: a polite refusal (private chats only)."""
    chat = update.effective_chat
    if (
        chat is not None
        and chat.type != ChatType.PRIVATE
        and chat.id != services(context).settings.helpline_chat_id
    ):
        await context.bot.send_message(chat.id, services(context).text("utter_adapter_group"))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One global error handler: the user gets a kind message, the log an event type, no text."""
    cid = correlation_id()
    log.error("handler_error cid=%s error=%s", cid, type(context.error).__name__)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id, services(context).text("utter_adapter_error")
            )
        except Exception:  # noqa: BLE001 - the error path must never raise
            log.error("error_reply_failed cid=%s", cid)
