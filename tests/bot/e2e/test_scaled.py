"""The scale-out layout: two real Rasa replicas sharing Redis trackers and locks.

The replica that holds a conversation is killed between two turns: the adapter's client
moves to the other one, which continues the same dialogue from the shared tracker.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from bot.engine import RasaClient
from bot.responses import filled
from devstack.launcher import start_engine, stop_engine
from devstack.localservices import ServiceUnavailable, redis_server
from tests.bot.e2e.conftest import DEFAULT_MODEL, DEFAULT_RASA_PYTHON, ROOT
from tests.net import free_port, port_is_free, required_path

TOKEN = "scaled-test-token"  # noqa: S105 - a test value
SENDER = "scaled-test-pseudonym"


@pytest.fixture(scope="module")
def replicas() -> Iterator[tuple[str, list[object]]]:
    """Redis, the action server and two Rasa replicas on rasa_port and rasa_port + 1."""
    model = required_path(ROOT, "RELAIS_MODEL", DEFAULT_MODEL, "run `make train`").resolve()
    rasa_python = required_path(ROOT, "RELAIS_RASA_PYTHON", DEFAULT_RASA_PYTHON, "run `make install`")
    redis_port, actions_port = free_port(), free_port()
    rasa_port = free_port()
    while not port_is_free(rasa_port + 1) or {rasa_port, rasa_port + 1} & {redis_port, actions_port}:
        rasa_port = free_port()
    try:
        redis_context = redis_server(redis_port)
        redis = redis_context.__enter__()
    except ServiceUnavailable as error:  # the server ships in requirements/bot.lock: never a skip
        pytest.fail(f"Redis did not start: {error}", pytrace=False)
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("PYTHONPATH", str(ROOT))
            env.setenv("RASA_TELEMETRY_ENABLED", "false")
            processes = start_engine(
                str(rasa_python), str(model), rasa_port, actions_port, replicas=2, redis=redis, token=TOKEN
            )
        try:
            yield f"http://127.0.0.1:{rasa_port},http://127.0.0.1:{rasa_port + 1}", list(processes)
        finally:
            stop_engine(processes)
    finally:
        redis_context.__exit__(None, None, None)


async def test_a_conversation_continues_on_the_other_replica_when_its_own_dies(
    replicas: tuple[str, list[object]],
) -> None:
    urls, processes = replicas
    client = RasaClient(urls, token=TOKEN)
    try:
        first = await client.send(SENDER, "mon ex a publié mes photos intimes sur insta", {"country": "FR"})
        assert first.triage is not None and first.triage["situation"] == "image_sharing"
        assert any(m.text == filled("utter_general_ask_minor", "FR") for m in first.messages)
        # The replica this conversation sticks to (bot/engine.py: a hash of the pseudonym) dies.
        own = int(hashlib.sha256(SENDER.encode()).hexdigest()[:8], 16) % 2
        stop_engine([processes[1 + own]])  # type: ignore[list-item]
        second = await client.send(SENDER, '/set_minor{"minor": true}', {"country": "FR"})
        # The other replica knew the dialogue from Redis: step 1 of image sharing, not "tell me first".
        assert second.messages[0].text == filled("utter_image_sharing_victim_1", "FR")
        assert not any(m.text == filled("utter_general_no_steps_yet", "FR") for m in second.messages)
    finally:
        await client.aclose()
