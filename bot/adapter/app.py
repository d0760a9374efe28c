"""Wiring of the Telegram application, in the order updates are matched."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from telegram import Update
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
from bot.adapter.services import Services
from bot.engine import RasaClient
from bot.settings import Settings
from bot.storage.cipher import ChatCipher
from bot.storage.db import make_engine, session_factory, transaction, upgrade
from bot.storage.repository import purge

log = logging.getLogger("relais.adapter")
PRIVATE = filters.ChatType.PRIVATE
MEDIA = (
    filters.PHOTO | filters.VIDEO | filters.Document.ALL | filters.Sticker.ALL | filters.VOICE
    | filters.AUDIO | filters.VIDEO_NOTE | filters.ANIMATION | filters.LOCATION | filters.CONTACT
)
PURGE_EVERY_S = 3600


async def purge_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Retention: conversations idle for longer than RETENTION_DAYS are erased."""
    svc: Services = context.application.bot_data["services"]
    with transaction(svc.sessions) as session:
        count = purge(session, datetime.now(UTC), svc.settings.retention_days)
    log.info("retention_purge erased=%s", count)


def build_application(settings: Settings) -> Application:
    """The application: services created in post_init, closed in post_shutdown."""
    assert settings.telegram_bot_token is not None
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)

    async def post_init(app: Application) -> None:
        upgrade(settings.database_url)
        engine = make_engine(settings.database_url)
        app.bot_data["db"] = engine
        app.bot_data["services"] = Services(
            settings=settings,
            engine=RasaClient(settings.rasa_url),
            sessions=session_factory(engine),
            cipher=ChatCipher(settings.pseudonym_key),
        )
        if app.job_queue is not None:
            app.job_queue.run_repeating(purge_job, interval=PURGE_EVERY_S, first=5)

    async def post_shutdown(app: Application) -> None:
        await app.bot_data["services"].engine.aclose()
        app.bot_data["db"].dispose()

    app = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(settings.telegram_api_base_url.replace("/bot", "/file/bot"))
        .rate_limiter(AIORateLimiter(max_retries=3))
        .concurrent_updates(True)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    # Order matters: groups are refused and edits answered before any other handler sees them.
    app.add_handler(MessageHandler(~PRIVATE, user.on_group))
    app.add_handler(MessageHandler(filters.UpdateType.EDITED, user.on_edited))
    app.add_handler(CommandHandler("start", user.on_start, filters=PRIVATE))
    app.add_handler(CommandHandler("aide", user.on_help, filters=PRIVATE))
    app.add_handler(CommandHandler("urgence", user.on_urgence, filters=PRIVATE))
    app.add_handler(CommandHandler("pays", user.on_pays, filters=PRIVATE))
    app.add_handler(CommandHandler("oubli", user.on_oubli, filters=PRIVATE))
    app.add_handler(CommandHandler("stop", user.on_stop, filters=PRIVATE))
    app.add_handler(MessageHandler(filters.COMMAND & PRIVATE, user.on_help))
    app.add_handler(CallbackQueryHandler(user.on_button))
    app.add_handler(MessageHandler(MEDIA & PRIVATE, user.on_media))
    app.add_handler(MessageHandler(filters.TEXT & PRIVATE, user.on_text))
    app.add_error_handler(user.on_error)
    return app


def run(settings: Settings) -> None:
    """Long polling, or a webhook checked with Telegram's secret token when configured."""
    app = build_application(settings)
    if settings.telegram_webhook_url:
        app.run_webhook(
            listen="0.0.0.0",  # noqa: S104 - the webhook must be reachable by Telegram
            port=8443,
            webhook_url=settings.telegram_webhook_url,
            secret_token=settings.telegram_webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
