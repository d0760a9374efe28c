"""Whole conversations through the real PTB Application, a fake Bot API server and a fake engine."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot.adapter.harness import ENGINE_REPLY, polling_app
from tests.bot.fake_engine import FakeEngine
from tests.bot.fake_engine import running as engine_running
from tests.bot.fake_telegram import FakeTelegram, private_text
from tests.bot.fake_telegram import running as telegram_running
from tests.net import sqlite_bytes

CHAT_ID = 5550001234


@pytest.fixture()
async def world(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> AsyncIterator[dict[str, Any]]:
    caplog.set_level(logging.INFO)
    with (
        telegram_running(FakeTelegram()) as telegram,
        engine_running(FakeEngine(reply=ENGINE_REPLY)) as engine,
    ):
        async with polling_app(telegram, engine, tmp_path):
            yield {"telegram": telegram, "engine": engine, "db": tmp_path / "relais.db", "log": caplog}


async def test_a_message_goes_to_the_engine_under_a_pseudonym_and_replies_come_back(
    world: dict[str, Any],
) -> None:
    telegram, engine = world["telegram"], world["engine"]
    telegram.push(private_text(1, CHAT_ID, "il menace de publier mes nudes"))
    sent = await telegram.wait_for(1)
    assert sent[0]["text"] == "Ne paie pas &lt;b&gt;surtout&lt;/b&gt;."
    button = sent[0]["reply_markup"]["inline_keyboard"][0][0]
    assert button["text"] == "Étape suivante" and len(button["callback_data"].encode()) <= 64
    assert engine.received[0]["sender"] != str(CHAT_ID) and str(CHAT_ID) not in engine.received[0]["sender"]
    assert engine.received[0]["metadata"]["country"] == "FR"
    assert not telegram.sent("sendChatAction")  # an instant answer needs no typing indicator


async def test_a_slow_engine_shows_the_typing_indicator_while_waiting(world: dict[str, Any]) -> None:
    telegram, engine = world["telegram"], world["engine"]
    engine.mode, engine.delay_s = "slow", 1.0
    telegram.push(private_text(21, CHAT_ID, "il menace de publier mes nudes"))
    typing = await telegram.wait_for(1, "sendChatAction")
    assert typing[0]["action"] == "typing" and not telegram.sent()  # shown before the answer
    await telegram.wait_for(1)


async def test_a_redelivered_update_is_answered_once(world: dict[str, Any]) -> None:
    telegram, engine = world["telegram"], world["engine"]
    telegram.push(private_text(7, CHAT_ID, "salut"))
    await telegram.wait_for(1)
    telegram.push(private_text(7, CHAT_ID, "salut"))  # Telegram delivers it again
    telegram.push(private_text(8, CHAT_ID, "encore"))
    await telegram.wait_for(2)
    await asyncio.sleep(0.3)
    assert [r["message"] for r in engine.received] == ["salut", "encore"]


async def test_media_is_refused_kindly_and_nothing_is_stored(world: dict[str, Any]) -> None:
    telegram, engine = world["telegram"], world["engine"]
    update = private_text(3, CHAT_ID, "x")
    del update["message"]["text"]
    update["message"]["photo"] = [{"file_id": "f1", "file_unique_id": "u1", "width": 9, "height": 9}]
    telegram.push(update)
    reply = (await telegram.wait_for(1))[0]["text"]
    assert "même pas à nous" in reply and "Take It Down" in reply
    assert engine.received == [] and not telegram.sent("getFile")


async def test_engine_down_crisis_message_gets_the_emergency_contacts(world: dict[str, Any]) -> None:
    telegram, engine = world["telegram"], world["engine"]
    engine.mode = "error"
    telegram.push(private_text(4, CHAT_ID, "jveux plus etre la"))
    first = (await telegram.wait_for(1))[0]["text"]
    assert "3114" in first and "112" in first


async def test_forged_button_data_gets_a_kind_reply(world: dict[str, Any]) -> None:
    telegram, engine = world["telegram"], world["engine"]
    query = {
        "id": "q1",
        "from": {"id": CHAT_ID, "is_bot": False, "first_name": "Inès"},
        "chat_instance": "c",
        "data": "forged-token",
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": CHAT_ID, "type": "private"},
            "text": "x",
        },
    }
    telegram.push({"update_id": 5, "callback_query": query})
    assert "plus valable" in (await telegram.wait_for(1))[0]["text"]
    assert engine.received == []


async def test_urgence_works_without_the_engine_and_groups_are_refused(world: dict[str, Any]) -> None:
    telegram, engine = world["telegram"], world["engine"]
    telegram.push(private_text(9, CHAT_ID, "/urgence"))
    assert "3114" in (await telegram.wait_for(1))[0]["text"]
    group = private_text(10, -100123, "salut")
    group["message"]["chat"] = {"id": -100123, "type": "supergroup", "title": "classe"}
    telegram.push(group)
    assert "conversation privée" in (await telegram.wait_for(2))[1]["text"]
    assert engine.received == []


async def test_privacy_scan_of_database_and_logs(world: dict[str, Any]) -> None:
    telegram = world["telegram"]
    telegram.push(private_text(11, CHAT_ID, "mon ex Kevin a mes photos 0612345678"))
    await telegram.wait_for(1)
    telegram.push(private_text(12, CHAT_ID, "/oubli"))
    await telegram.wait_for(2)
    telegram.push(private_text(13, CHAT_ID, "re"))
    await telegram.wait_for(3)
    stored = sqlite_bytes(world["db"])
    logs = world["log"].text
    for secret in (
        str(CHAT_ID),
        "Inès",
        "ines_m_14",
        "Martin",
        "Kevin",
        "0612345678",
        "mes photos",
        "123:test",
    ):
        assert secret.encode() not in stored, secret
        assert secret not in logs, secret


async def test_a_flood_is_throttled_but_a_crisis_still_gets_the_contacts(world: dict[str, Any]) -> None:
    telegram, engine = world["telegram"], world["engine"]
    for n in range(12):
        telegram.push(private_text(100 + n, CHAT_ID, f"spam {n}"))
    telegram.push(private_text(200, CHAT_ID, "jveux plus etre la"))
    await telegram.wait_for(9)
    await asyncio.sleep(0.5)
    received = [r["message"] for r in engine.received]
    assert (
        len([m for m in received if m.startswith("spam")]) == 8
    )  # the throttle let 8 messages through in the window
    assert "jveux plus etre la" in received  # a crisis message is never throttled
