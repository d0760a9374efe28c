"""The terminal chat: replies and triage per turn; degraded mode keeps the crisis net."""

from __future__ import annotations

import io

from bot.engine import RasaClient
from bot.responses import text_of
from core.helplines import default_directory
from devstack.terminal import chat_turn, run_terminal
from tests.bot.fake_engine import FakeEngine, running

TRIAGE = {"situation": "none", "urgency": "low", "audience": "unknown", "confidence": 0.97}


async def test_a_turn_prints_replies_and_triage() -> None:
    reply = [{"custom": {"triage": TRIAGE}}, {"text": "Salut, ici Relais."}]
    with running(FakeEngine(reply=reply)) as engine:
        client = RasaClient(engine.url)
        out = io.StringIO()
        await run_terminal(client, "pseudo", io.StringIO("salut\n\n"), out)
        await client.aclose()
    assert "relais> Salut, ici Relais." in out.getvalue()
    assert "[triage] situation=none urgency=low audience=unknown confidence=0.97" in out.getvalue()
    assert len(engine.received) == 1  # the empty line is not sent


async def test_engine_down_crisis_message_gets_emergency_contacts_first() -> None:
    client = RasaClient("http://127.0.0.1:9", timeout_s=0.5)
    turn = await chat_turn(client, "pseudo", "jveux plus etre la")
    await client.aclose()
    assert turn.degraded
    assert turn.triage["urgency"] == "critical"
    assert turn.texts[0] == default_directory().fill(text_of("utter_general_crisis"), "FR")
    assert "3114" in turn.texts[0] and "112" in turn.texts[0]


async def test_engine_down_ordinary_message_gets_a_kind_try_again() -> None:
    with running(FakeEngine(mode="error")) as engine:
        client = RasaClient(engine.url)
        turn = await chat_turn(client, "pseudo", "on m'insulte sur insta")
        await client.aclose()
    assert turn.texts == [default_directory().fill(text_of("utter_general_degraded"), "FR")]
    assert turn.triage["urgency"] == "low"


async def test_huge_messages_are_cut_before_sending() -> None:
    with running(FakeEngine(reply=[{"custom": {"triage": TRIAGE}}])) as engine:
        client = RasaClient(engine.url)
        await chat_turn(client, "pseudo", "a" * 50_000)
        await client.aclose()
    assert len(engine.received[0]["message"]) == 4096
