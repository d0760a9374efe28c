"""Wiring of the Telegram application, in the order updates are matched."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from functools import partial

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.adapter import user_handlers as user
from bot.adapter import volunteer_handlers as vol
from bot.adapter.handoff import card_worker, checkin_job, queue_job
from bot.adapter.services import RelaisApp, Services
from bot.adapter.transport import RetryingRequest
from bot.engine import EngineUnavailable, RasaClient
from bot.responses import load_responses
from bot.settings import Settings
from bot.storage.cipher import ChatCipher
from bot.storage.db import make_engine, session_factory, upgrade
from bot.storage.repository import forgotten_in_engine, idle_in_engine, purge

log = logging.getLogger("relais.adapter")
PRIVATE = filters.ChatType.PRIVATE
MEDIA = (
    filters.PHOTO
    | filters.VIDEO
    | filters.Document.ALL
    | filters.Sticker.ALL
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.LOCATION
    | filters.CONTACT
)
PURGE_EVERY_S = 3600
FORGET_EVERY_S = 300
CHECKIN_EVERY_S = 60  # check-ins are due to the hour: a minute late is on time
VOLUNTEER_COMMANDS = {
    "dispo": vol.on_dispo,
    "pause": vol.on_pause,
    "capacite": vol.on_capacite,
    "file": vol.on_file,
    "ticket": vol.on_ticket,
    "relacher": vol.on_relacher,
    "transferer": vol.on_transferer,
    "fin": vol.on_fin,
    "bloquer": vol.on_bloquer,
    "stats": vol.on_stats,
    "reponses": vol.on_reponses,
}
# What Telegram's command menu offers, per chat: people see theirs, volunteers theirs (set at start).
PEOPLE_COMMANDS = ("start", "aide", "urgence", "pays", "preuves", "oubli", "stop")
COORDINATOR_COMMANDS = ("stats",)


async def purge_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Retention: conversations idle for longer than RETENTION_DAYS are erased."""
    svc: Services = context.application.bot_data["services"]
    count = await svc.in_db(partial(purge, now=svc.clock(), retention_days=svc.settings.retention_days))
    log.info("retention_purge erased=%s", count)


async def forget_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The engine keeps a dialogue's texts only for one session: idle ones are erased there."""
    svc: Services = context.application.bot_data["services"]
    idle = await svc.in_db(partial(idle_in_engine, now=svc.clock()))
    for pseudonym in idle:
        try:
            await svc.engine.forget(pseudonym)
        except EngineUnavailable:
            log.warning("engine_forget_failed pseudonym=%s", pseudonym)
            return  # try again at the next run
        await svc.in_db(partial(forgotten_in_engine, pseudonym=pseudonym))
    log.info("engine_forget count=%s", len(idle))


async def scope_commands(bot: Bot, svc: Services) -> None:
    """Each audience's command menu: every private chat gets the people's, each volunteer's chat the
    volunteers', a coordinator's /stats. A chat Telegram does not know yet (never opened) is skipped."""

    def menu(names: Iterable[str], audience: str = "") -> list[BotCommand]:
        def words(name: str) -> str:
            specific = f"utter_command_{audience}_{name}"  # e.g. /aide says the volunteers' commands
            return svc.render(specific if specific in load_responses() else f"utter_command_{name}")

        return [BotCommand(name, words(name)) for name in names]

    scopes: list[tuple[BotCommandScope, list[BotCommand]]] = [
        (BotCommandScopeAllPrivateChats(), menu(PEOPLE_COMMANDS))
    ]
    volunteers = menu(["aide", *VOLUNTEER_COMMANDS], "volunteer")
    scopes += [(BotCommandScopeChat(uid), volunteers) for uid in sorted(svc.settings.helpline_volunteer_ids)]
    coordinators = svc.settings.helpline_coordinator_ids - svc.settings.helpline_volunteer_ids
    scopes += [(BotCommandScopeChat(uid), menu(COORDINATOR_COMMANDS)) for uid in sorted(coordinators)]
    for scope, commands in scopes:
        try:
            await bot.set_my_commands(commands, scope=scope)
        except TelegramError as error:
            log.info("commands_not_set scope=%s error=%s", scope.type, type(error).__name__)


def build_application(settings: Settings) -> RelaisApp:
    """The application: services created in post_init, closed in post_shutdown."""
    assert settings.telegram_bot_token is not None
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)

    async def post_init(app: RelaisApp) -> None:
        upgrade(settings.database_url)
        engine = make_engine(settings.database_url)
        app.bot_data["db"] = engine
        app.bot_data["services"] = Services(
            settings=settings,
            engine=RasaClient(settings.rasa_url, token=settings.rasa_token),
            sessions=session_factory(engine),
            cipher=ChatCipher(settings.pseudonym_key),
        )
        app.bot_data["card_worker"] = asyncio.get_running_loop().create_task(
            card_worker(app.bot, app.bot_data["services"])
        )
        await scope_commands(app.bot, app.bot_data["services"])
        if app.job_queue is not None:
            app.job_queue.run_repeating(purge_job, interval=PURGE_EVERY_S, first=5)
            app.job_queue.run_repeating(forget_job, interval=FORGET_EVERY_S, first=30)
            # Also resumes after a restart: pending relayed messages, unclaimed requests.
            app.job_queue.run_repeating(queue_job, interval=settings.queue_check_s, first=0.5)
            app.job_queue.run_repeating(checkin_job, interval=CHECKIN_EVERY_S, first=10)

    async def post_shutdown(app: RelaisApp) -> None:
        app.bot_data["card_worker"].cancel()  # cards still waiting are posted by queue_job after a restart
        with contextlib.suppress(asyncio.CancelledError):
            await app.bot_data["card_worker"]
        await app.bot_data["services"].engine.aclose()
        app.bot_data["services"].db_thread.shutdown(wait=True)  # the last transactions finish first
        app.bot_data["db"].dispose()

    app = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_base_url.replace("/bot", "/file/bot"))
        .rate_limiter(AIORateLimiter(overall_max_rate=settings.telegram_max_rate, max_retries=3))
        # 16 connections carry far more than Telegram's ~30 messages/s; httpcore checks every pooled
        # connection on each request, so a bigger pool only costs CPU (docs/performance.md).
        .request(RetryingRequest(connection_pool_size=16, pool_timeout=10.0))
        .get_updates_request(RetryingRequest())
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    # Order matters. Volunteer commands first (refused to anyone off the allowlist), anywhere;
    # then groups are refused and edits answered before any other handler sees them.
    for name, handler in VOLUNTEER_COMMANDS.items():
        app.add_handler(CommandHandler(name, handler))
    app.add_handler(CallbackQueryHandler(vol.on_claim, pattern=r"^claim:"))
    app.add_handler(CallbackQueryHandler(vol.on_transfer_to, pattern=r"^transfer:"))
    app.add_handler(CallbackQueryHandler(vol.on_outcome, pattern=r"^outcome:"))
    app.add_handler(CallbackQueryHandler(vol.on_block, pattern=r"^block:"))
    app.add_handler(CallbackQueryHandler(vol.on_quick, pattern=r"^quick:"))
    if settings.helpline_volunteer_ids:
        volunteer = filters.User(user_id=sorted(settings.helpline_volunteer_ids)) & PRIVATE
        app.add_handler(
            MessageHandler(filters.UpdateType.EDITED & volunteer & ~filters.COMMAND, vol.on_volunteer_text)
        )
        app.add_handler(CommandHandler(["start", "aide"], vol.on_volunteer_help, filters=volunteer))
        app.add_handler(MessageHandler(volunteer & ~filters.COMMAND, vol.on_volunteer_text))
    app.add_handler(MessageHandler(~PRIVATE, user.on_group))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, user.on_edited))
    app.add_handler(CommandHandler("start", user.on_start, filters=PRIVATE))
    app.add_handler(CommandHandler("aide", user.on_help, filters=PRIVATE))
    app.add_handler(CommandHandler("urgence", user.on_urgence, filters=PRIVATE))
    app.add_handler(CommandHandler("pays", user.on_pays, filters=PRIVATE))
    app.add_handler(CommandHandler("preuves", user.on_preuves, filters=PRIVATE))
    app.add_handler(CommandHandler("oubli", user.on_oubli, filters=PRIVATE))
    app.add_handler(CommandHandler("stop", user.on_stop, filters=PRIVATE))
    app.add_handler(MessageHandler(filters.COMMAND & PRIVATE, user.on_help))
    app.add_handler(
        CallbackQueryHandler(user.on_handoff_button, pattern=r"^(handoff|feedback|context|survey|checkin):")
    )
    app.add_handler(CallbackQueryHandler(user.on_button))
    app.add_handler(MessageHandler(MEDIA & PRIVATE, user.on_media))
    app.add_handler(MessageHandler(filters.TEXT & PRIVATE, user.on_text))
    app.add_handler(MessageHandler(PRIVATE, user.on_unreadable))  # polls, dice, stories...: never silence
    app.add_error_handler(user.on_error)
    return app


def run(settings: Settings) -> None:
    """Long polling, or a webhook checked with Telegram's secret token when configured."""
    app = build_application(settings)
    if settings.telegram_webhook_url:
        app.run_webhook(
            listen=settings.telegram_webhook_listen,
            port=settings.telegram_webhook_port,
            webhook_url=settings.telegram_webhook_url,
            secret_token=settings.telegram_webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
