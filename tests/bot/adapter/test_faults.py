"""Faults: the engine killed or answering nothing, Telegram's 429 and 5xx, the database down.

In each case the person still gets an answer — the emergency contacts first when the
message signals a risk to life — and full service comes back with the failed part.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

from bot.adapter.app import build_application
from bot.settings import Settings
from tests.bot.adapter.harness import start, stop
from tests.bot.fake_engine import FakeEngine
from tests.bot.fake_engine import running as engine_running
from tests.bot.fake_telegram import FakeTelegram, private_text
from tests.bot.fake_telegram import running as telegram_running
from tests.net import free_port
from tests.pg import postgres_cluster

CHAT_ID = 5550009876
OK_REPLY = [{"text": "Je t'écoute, raconte-moi."}]
# How long the database stays down (the scenario is 30 s; shorten locally with this variable).
OUTAGE_S = float(os.environ.get("RELAIS_DB_OUTAGE_S", "30"))


def settings(telegram: FakeTelegram, rasa_url: str, database_url: str, tmp_path: Path) -> Settings:
    env = {
        "PSEUDONYM_KEY": "k" * 48,
        "TELEGRAM_BOT_TOKEN": "123:test",
        "TELEGRAM_API_BASE_URL": f"{telegram.url}/bot",
        "DATABASE_URL": database_url,
        "RASA_URL": rasa_url,
    }
    return Settings.from_env(env, tmp_path / "var")


def texts(telegram: FakeTelegram) -> list[str]:
    return [p["text"] for p in telegram.sent()]


def contacts_first(text: str) -> bool:
    """The degraded reply to a crisis: the emergency contacts, then the apology, in one message."""
    return "3114" in text and "souci technique" in text and text.index("3114") < text.index("souci technique")


async def test_engine_killed_mid_conversation_then_back(tmp_path: Path) -> None:
    port = free_port()
    with telegram_running(FakeTelegram()) as telegram:
        app = build_application(
            settings(telegram, f"http://127.0.0.1:{port}", f"sqlite:///{tmp_path / 'r.db'}", tmp_path)
        )
        with engine_running(FakeEngine(reply=OK_REPLY), port=port):
            await start(app)
            try:
                telegram.push(private_text(1, CHAT_ID, "salut"))
                await telegram.wait_for(1)
            except BaseException:
                await stop(app)
                raise
        try:  # the engine is gone: connection refused
            telegram.push(private_text(2, CHAT_ID, "jveux plus etre la"))
            sent = await telegram.wait_for(2)
            assert contacts_first(sent[1]["text"]) and "112" in sent[1]["text"]
            with engine_running(FakeEngine(reply=OK_REPLY), port=port) as engine:
                telegram.push(private_text(3, CHAT_ID, "ça va mieux"))
                sent = await telegram.wait_for(3)
                assert (
                    sent[2]["text"] == "Je t&#x27;écoute, raconte-moi."
                    and engine.received[0]["message"] == "ça va mieux"
                )
        finally:
            await stop(app)


async def test_an_engine_that_answers_nothing_gets_the_degraded_reply(tmp_path: Path) -> None:
    # What Rasa does when the action server is down: an empty list of messages.
    with telegram_running(FakeTelegram()) as telegram, engine_running(FakeEngine(reply=[])) as engine:
        app = build_application(settings(telegram, engine.url, f"sqlite:///{tmp_path / 'r.db'}", tmp_path))
        await start(app)
        try:
            telegram.push(private_text(1, CHAT_ID, "je vais me faire du mal ce soir"))
            sent = await telegram.wait_for(1)
            assert contacts_first(sent[0]["text"])
        finally:
            await stop(app)


async def test_telegram_429_and_5xx_are_retried_and_nothing_is_lost_or_doubled(tmp_path: Path) -> None:
    fake = FakeTelegram(failures=[429, 502, 503])
    with telegram_running(fake) as telegram, engine_running(FakeEngine(reply=OK_REPLY)) as engine:
        app = build_application(settings(telegram, engine.url, f"sqlite:///{tmp_path / 'r.db'}", tmp_path))
        await start(app)
        try:
            started = time.monotonic()
            telegram.push(private_text(1, CHAT_ID, "salut"))
            await telegram.wait_for(1, timeout_s=20)
            await asyncio.sleep(0.5)
            assert texts(telegram) == ["Je t&#x27;écoute, raconte-moi."]
            assert telegram.failures == [] and time.monotonic() - started >= 1  # retry_after was honoured
        finally:
            await stop(app)


async def test_database_down_for_a_while_then_back(tmp_path: Path, caplog: Any) -> None:
    with (
        postgres_cluster() as db,
        telegram_running(FakeTelegram()) as telegram,
        engine_running(FakeEngine(reply=OK_REPLY)) as engine,
    ):
        app = build_application(settings(telegram, engine.url, db.url, tmp_path))
        await start(app)
        try:
            telegram.push(private_text(1, CHAT_ID, "salut"))
            await telegram.wait_for(1)
            db.stop()
            outage_started = time.monotonic()
            telegram.push(private_text(2, CHAT_ID, "jveux plus etre la"))
            sent = await telegram.wait_for(2, timeout_s=30)
            assert contacts_first(sent[1]["text"])
            await asyncio.sleep(max(0.0, OUTAGE_S - (time.monotonic() - outage_started)))
            telegram.push(private_text(3, CHAT_ID, "c'est encore moi"))
            sent = await telegram.wait_for(3, timeout_s=30)
            assert "souci technique" in sent[2]["text"]  # still down: an answer all the same
            db.start()
            telegram.push(private_text(4, CHAT_ID, "tu es revenu ?"))
            sent = await telegram.wait_for(4, timeout_s=30)
            assert (
                sent[3]["text"] == "Je t&#x27;écoute, raconte-moi."
                and engine.received[-1]["message"] == "tu es revenu ?"
            )
            assert "jveux" not in caplog.text  # errors are logged by type, never with the text
        finally:
            await stop(app)
