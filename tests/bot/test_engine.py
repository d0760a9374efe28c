"""The engine client against a real local server: replies, triage, and every failure."""

from __future__ import annotations

import pytest

from bot.engine import EngineUnavailable, RasaClient
from tests.bot.fake_engine import FakeEngine, running

TRIAGE = {"situation": "sextortion", "urgency": "high", "audience": "victim", "confidence": 0.9}


async def test_send_returns_messages_buttons_and_triage() -> None:
    reply = [
        {"recipient_id": "p", "custom": {"triage": TRIAGE}},
        {"recipient_id": "p", "text": "Ne paie pas.", "buttons": [{"title": "Suite", "payload": "/next"}]},
    ]
    with running(FakeEngine(reply=reply)) as engine:
        client = RasaClient(engine.url)
        result = await client.send("pseudo123", "il veut 200€", {"country": "FR"})
        await client.aclose()
    assert result.triage == TRIAGE
    assert [m.text for m in result.messages] == ["Ne paie pas."]
    assert result.messages[0].buttons == [{"title": "Suite", "payload": "/next"}]
    assert engine.received == [{"sender": "pseudo123", "message": "il veut 200€", "metadata": {"country": "FR"}}]


@pytest.mark.parametrize("mode", ["error", "garbage"])
async def test_errors_become_engine_unavailable(mode: str) -> None:
    with running(FakeEngine(mode=mode)) as engine:
        client = RasaClient(engine.url)
        with pytest.raises(EngineUnavailable):
            await client.send("p", "salut")
        await client.aclose()


async def test_a_slow_engine_times_out() -> None:
    with running(FakeEngine(mode="slow", delay_s=1.0)) as engine:
        client = RasaClient(engine.url, timeout_s=0.2)
        with pytest.raises(EngineUnavailable):
            await client.send("p", "salut")
        await client.aclose()


async def test_an_engine_that_is_not_there() -> None:
    client = RasaClient("http://127.0.0.1:9", timeout_s=0.5)
    with pytest.raises(EngineUnavailable):
        await client.send("p", "salut")
    assert not await client.ready()
    await client.aclose()
