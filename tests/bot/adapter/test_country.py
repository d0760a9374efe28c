"""The country, asked kindly and early: the welcome and the first incident offer it in one tap, a crisis
reply says 112/911 until it is known, a deep link sets it, a bad code gets the list and stores nothing."""

from __future__ import annotations

import asyncio
import html
import sqlite3
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.bot.adapter.harness import polling_app
from tests.bot.fake_engine import FakeEngine
from tests.bot.fake_engine import running as engine_running
from tests.bot.fake_telegram import FakeTelegram, private_text
from tests.bot.fake_telegram import running as telegram_running

CHAT_ID = 5550007777
INCIDENT = [
    {"custom": {"triage": {"situation": "sextortion", "urgency": "high", "audience": "victim"}}},
    {"text": "Ne paie pas.", "buttons": [{"title": "Étape suivante", "payload": "/next_step"}]},
]
GREETING = [
    {"custom": {"triage": {"situation": "none", "urgency": "low", "audience": "unknown"}}},
    {"text": "Salut."},
]


@pytest.fixture()
async def world(tmp_path: Path) -> AsyncIterator[dict[str, Any]]:
    engine = FakeEngine(reply=INCIDENT, script={"/greet": GREETING})
    with telegram_running(FakeTelegram()) as telegram, engine_running(engine):
        async with polling_app(telegram, engine, tmp_path):
            yield {"telegram": telegram, "engine": engine, "db": tmp_path / "relais.db"}


def press(telegram: FakeTelegram, update_id: int, message: dict[str, Any], title: str) -> None:
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    data = next(b["callback_data"] for b in buttons if b["text"] == title)
    query = {
        "id": f"q{update_id}",
        "from": {"id": CHAT_ID, "is_bot": False, "first_name": "A"},
        "chat_instance": "c",
        "data": data,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": CHAT_ID, "type": "private"},
            "text": "x",
        },
    }
    telegram.push({"update_id": update_id, "callback_query": query})


def chosen(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT country, country_chosen FROM conversations").fetchall()


async def test_the_first_incident_offers_the_country_and_a_tap_changes_the_numbers(
    world: dict[str, Any],
) -> None:
    telegram, engine = world["telegram"], world["engine"]
    telegram.push(private_text(1, CHAT_ID, "il a mes photos et il veut 100e"))
    advice, offer = await telegram.wait_for(2)
    assert advice["text"] == "Ne paie pas."  # the advice first, never held back
    assert "pays" in offer["text"] and "France" in offer["text"]
    titles = [b["text"] for row in offer["reply_markup"]["inline_keyboard"] for b in row]
    assert titles == ["France", "Belgique", "Suisse", "Luxembourg", "Canada (Québec)", "Autre pays"]
    press(telegram, 2, offer, "Belgique")
    noted = (await telegram.wait_for(3))[2]["text"]
    assert "101" in noted and "0800 32 123" in noted  # Belgium's police and suicide line
    assert chosen(world["db"]) == [("BE", 1)]
    telegram.push(private_text(3, CHAT_ID, "et il insiste"))
    await telegram.wait_for(4)
    assert {k: engine.received[-1]["metadata"][k] for k in ("country", "country_chosen")} == {
        "country": "BE",
        "country_chosen": True,
    }
    assert len(telegram.sent()) == 4  # known now: no second offer


async def test_a_deep_link_sets_the_country_before_the_welcome(world: dict[str, Any]) -> None:
    telegram, engine = world["telegram"], world["engine"]
    telegram.push(private_text(1, CHAT_ID, "/start qc"))
    welcome = (await telegram.wait_for(1))[0]
    assert welcome["text"] == "Salut." and "reply_markup" not in welcome  # no question: the poster said where
    assert engine.received[0]["metadata"]["country"] == "CA_QC"
    assert chosen(world["db"]) == [("CA_QC", 1)]


async def test_an_unknown_code_gets_a_kind_word_and_the_list_and_nothing_is_stored(
    world: dict[str, Any],
) -> None:
    telegram = world["telegram"]
    telegram.push(private_text(1, CHAT_ID, "/start XX'); DROP TABLE"))
    notice, welcome = await telegram.wait_for(2)
    assert "reconnais pas ce pays" in notice["text"] and notice["reply_markup"]["inline_keyboard"]
    assert (
        welcome["text"].startswith("Salut.") and welcome["reply_markup"]
    )  # then the welcome, with the offer
    assert chosen(world["db"]) == [("FR", 0)]


async def test_another_country_gets_112_and_911_and_stores_nothing(world: dict[str, Any]) -> None:
    telegram = world["telegram"]
    telegram.push(private_text(1, CHAT_ID, "/start"))
    welcome = (await telegram.wait_for(1))[0]
    assert "pour l'instant, ceux de : France" in html.unescape(welcome["text"])
    press(telegram, 2, welcome, "Autre pays")
    reply = (await telegram.wait_for(2))[1]["text"]
    assert "112" in reply and "911" in reply
    assert chosen(world["db"]) == [("FR", 0)]


async def test_engine_down_a_crisis_gets_the_default_numbers_and_112_911_in_the_first_reply(
    world: dict[str, Any],
) -> None:
    telegram, engine = world["telegram"], world["engine"]
    engine.mode = "error"
    telegram.push(private_text(1, CHAT_ID, "je veux mourir ce soir"))
    first = html.unescape((await telegram.wait_for(1))[0]["text"])
    assert "3114" in first and first.count("le 112 dans toute l'Europe, le 911 au Canada") == 1
    assert first.index("3114") < first.index("911")  # the country's numbers first


async def test_preuves_gives_the_evidence_checklist_and_never_asks_for_the_image(
    world: dict[str, Any],
) -> None:
    telegram, engine = world["telegram"], world["engine"]
    telegram.push(private_text(1, CHAT_ID, "/preuves"))
    text = html.unescape((await telegram.wait_for(1))[0]["text"])
    assert "pseudo exact" in text and "jamais de capture" in text and "paiement" in text
    assert engine.received == []


async def test_the_country_comes_after_the_bots_own_question_and_only_once(world: dict[str, Any]) -> None:
    telegram, engine = world["telegram"], world["engine"]
    engine.script["ya un mec il a mes photos"] = [
        {"custom": {"triage": {"situation": "sextortion", "urgency": "high", "audience": "victim"}}},
        {"text": "Moins de 18 ans ?", "buttons": [{"title": "Oui", "payload": '/set_minor{"minor": true}'}]},
    ]
    telegram.push(private_text(1, CHAT_ID, "ya un mec il a mes photos"))
    question, offer = await telegram.wait_for(2)
    assert (
        question["text"] == "Moins de 18 ans ?" and "dans quel pays" in offer["text"]
    )  # the bot's question first
    telegram.push(private_text(2, CHAT_ID, "15"))
    telegram.push(private_text(3, CHAT_ID, "et après ?"))
    await telegram.wait_for(4)
    await asyncio.sleep(0.3)
    assert len(telegram.sent()) == 4  # offered once, not at every turn
