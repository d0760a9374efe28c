"""The real engine as `make run` starts it: Rasa server + action server, through bot/engine.py."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from bot.engine import RasaClient
from bot.responses import text_of
from core.helplines import default_directory
from devstack.launcher import start_engine, stop_engine
from devstack.terminal import chat_turn
from tests.net import free_port


@pytest.fixture(scope="module")
def engine_url(model_path: str) -> Iterator[str]:
    rasa_port, actions_port = free_port(), free_port()
    processes = start_engine(sys.executable, model_path, rasa_port, actions_port)
    try:
        yield f"http://127.0.0.1:{rasa_port}"
    finally:
        stop_engine(processes)
        assert all(p.poll() is not None for p in processes)


async def test_a_conversation_through_the_real_engine(engine_url: str) -> None:
    fr = default_directory()
    client = RasaClient(engine_url, timeout_s=10)
    assert await client.ready()
    greeting = await chat_turn(client, "e2e-pseudo-1", "salut")
    assert greeting.triage["situation"] == "none"
    assert greeting.texts == [text_of("utter_general_welcome")]

    blackmail = await chat_turn(
        client, "e2e-pseudo-1", "il veut 150€ sinon il envoie mes nudes a toute ma classe"
    )
    assert (blackmail.triage["situation"], blackmail.triage["urgency"]) == ("sextortion", "high")
    assert blackmail.texts[0] == text_of("utter_sextortion_ack")
    assert blackmail.texts[1].startswith(
        text_of("utter_general_handoff_offer")
    )  # high urgency: a person is offered
    assert blackmail.texts[2].startswith(text_of("utter_general_ask_minor"))  # then the age, with its buttons

    # The button answer reaches the action server, which reads the steps from the domain.
    step_one = await chat_turn(client, "e2e-pseudo-1", '/set_minor{"minor": true}')
    first_step = fr.fill(text_of("utter_sextortion_victim_1"), "FR")
    assert step_one.texts[0] == first_step
    assert "Étape suivante" in step_one.texts[1]

    crisis = await chat_turn(client, "e2e-pseudo-1", "jveux plus etre la")
    assert crisis.triage["urgency"] == "critical"
    assert crisis.texts[0] == fr.fill(text_of("utter_general_crisis"), "FR")
    assert "3114" in crisis.texts[0]

    resumed = await chat_turn(client, "e2e-pseudo-1", "/resume_steps")
    assert resumed.texts[0] == first_step
    await client.aclose()


async def test_conversations_are_kept_apart_by_pseudonym(engine_url: str) -> None:
    client = RasaClient(engine_url, timeout_s=10)
    await chat_turn(client, "e2e-pseudo-2", "je me scarifie")
    other = await chat_turn(client, "e2e-pseudo-3", "merci")
    assert other.texts == [text_of("utter_general_thanks")]
    await client.aclose()
