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
    assert engine.received == [
        {"sender": "pseudo123", "message": "il veut 200€", "metadata": {"country": "FR"}}
    ]


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


async def test_replicas_keep_a_conversation_on_one_and_fail_over_when_it_is_down() -> None:
    with (
        running(FakeEngine(reply=[{"text": "un"}])) as first,
        running(FakeEngine(reply=[{"text": "deux"}])) as second,
    ):
        client = RasaClient(f"{first.url}, {second.url}")
        senders = [f"pseudo{n}" for n in range(20)]
        for sender in senders * 2:
            await client.send(sender, "salut")
        await client.aclose()
    by_first = {r["sender"] for r in first.received}
    by_second = {r["sender"] for r in second.received}
    assert by_first and by_second and not by_first & by_second  # spread, and each sticks to one
    with running(FakeEngine(reply=[{"text": "deux"}])) as alive:
        client = RasaClient(f"http://127.0.0.1:9,{alive.url}")
        replies = [await client.send(s, "salut") for s in senders]
        await client.aclose()
    assert all(r.messages[0].text == "deux" for r in replies) and len(alive.received) == len(senders)


async def test_the_http_api_gets_the_token_and_the_channel_does_not() -> None:
    with running(FakeEngine(reply=[{"text": "ok"}])) as engine:
        client = RasaClient(engine.url, token="s3cret-token")  # noqa: S106 - a test value
        await client.send("pseudo1", "salut")
        await client.forget("pseudo1")
        await client.aclose()
    assert engine.paths == [
        "/webhooks/rest/webhook",
        "/conversations/pseudo1/tracker/events?token=s3cret-token",
    ]


async def test_recent_texts_are_the_persons_typed_messages_from_the_tracker_with_the_token() -> None:
    """What a volunteer may read with consent: typed text only (a button's payload or a command is not
    the person's words), the last ``limit``, nothing once the tracker was erased."""
    with running(FakeEngine(reply=[{"text": "ok"}])) as engine:
        client = RasaClient(engine.url, token="s3cret-token")  # noqa: S106 - a test value
        for text in ("/greet", "il a mes photos", "/next_step", "il veut 200 euros", "ce soir"):
            await client.send("pseudo1", text)
        await client.send("pseudo2", "un autre")
        assert await client.recent_texts("pseudo1", 2) == ["il veut 200 euros", "ce soir"]
        assert await client.recent_texts("pseudo1", 20) == ["il a mes photos", "il veut 200 euros", "ce soir"]
        await client.forget("pseudo1")
        assert await client.recent_texts("pseudo1", 20) == []
        await client.aclose()
    assert "/conversations/pseudo1/tracker?token=s3cret-token" in engine.paths
