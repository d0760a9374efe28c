"""Run the real PTB Application against a fake Bot API server and a fake engine, for the adapter tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.adapter.app import build_application
from bot.adapter.services import RelaisApp
from bot.settings import Settings
from tests.bot.fake_engine import FakeEngine
from tests.bot.fake_telegram import FakeTelegram

# A turn of the fake engine: a triage and one step with a button (the adapter tests' usual reply).
TRIAGE = {"situation": "sextortion", "urgency": "high", "audience": "victim", "confidence": 0.97}
ENGINE_REPLY = [
    {"custom": {"triage": TRIAGE}},
    {
        "text": "Ne paie pas <b>surtout</b>.",
        "buttons": [{"title": "Étape suivante", "payload": "/next_step"}],
    },
]


async def start_services(app: RelaisApp) -> None:
    """What run_polling/run_webhook do before receiving updates."""
    await app.initialize()
    await app.post_init(app)  # type: ignore[misc]
    await app.start()


async def stop_services(app: RelaisApp) -> None:
    await app.stop()
    await app.post_shutdown(app)  # type: ignore[misc]
    await app.shutdown()


async def start(app: RelaisApp) -> None:
    await start_services(app)
    await app.updater.start_polling(poll_interval=0.0, timeout=0)  # type: ignore[union-attr]


async def stop(app: RelaisApp) -> None:
    await app.updater.stop()  # type: ignore[union-attr]
    await stop_services(app)


@asynccontextmanager
async def polling_app(telegram: FakeTelegram, engine: FakeEngine, tmp_path: Path) -> AsyncIterator[RelaisApp]:
    """The adapter, polling the fake Bot API, with its SQLite database in ``tmp_path``."""
    env = {
        "PSEUDONYM_KEY": "k" * 48,
        "TELEGRAM_BOT_TOKEN": "123:test",
        "TELEGRAM_API_BASE_URL": f"{telegram.url}/bot",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'relais.db'}",
        "RASA_URL": engine.url,
    }
    app = build_application(Settings.from_env(env, tmp_path / "var"))
    await start(app)
    try:
        yield app
    finally:
        await stop(app)
