"""The triage action: slots, crisis contacts first, urgency never lowered in a conversation."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.triage import ActionTriageMessage


def tracker(triage: dict[str, Any], intent: str, slots: dict[str, Any] | None = None) -> Tracker:
    latest = {"text": "…", "intent": {"name": intent, "confidence": 0.9}, "entities": [], "triage": triage}
    return Tracker("pseudo", slots or {}, latest, [], False, None, {}, "action_listen")


async def run(t: Tracker) -> tuple[list[dict[str, Any]], list[Any]]:
    dispatcher = CollectingDispatcher()
    events = await ActionTriageMessage().run(dispatcher, t, {})
    return dispatcher.messages, events


async def test_critical_message_gets_the_crisis_reply_first() -> None:
    triage = {"situation": "grooming", "urgency": "critical", "audience": "victim", "confidence": 0.8}
    messages, events = await run(tracker(triage, "grooming"))
    responses = [m["response"] for m in messages if m.get("response")]
    assert responses == ["utter_general_crisis", "utter_grooming_ack"]
    assert messages[0]["custom"] == {"triage": triage, "conversation_urgency": "critical"}
    assert SlotSet("urgency", "critical") in events
    assert SlotSet("situation", "grooming") in events


async def test_conversation_urgency_is_never_lowered_by_a_calm_follow_up() -> None:
    triage = {"situation": "none", "urgency": "low", "audience": "unknown", "confidence": 0.9}
    messages, events = await run(tracker(triage, "thanks", {"urgency": "critical"}))
    assert messages[0]["custom"] == {"triage": triage, "conversation_urgency": "critical"}
    assert [m["response"] for m in messages if m.get("response")] == ["utter_general_thanks"]
    assert events == [SlotSet("urgency", "critical")]


async def test_small_talk_keeps_situation_and_audience_slots() -> None:
    triage = {"situation": "none", "urgency": "low", "audience": "unknown", "confidence": 0.99}
    messages, events = await run(tracker(triage, "greet"))
    assert [m["response"] for m in messages if m.get("response")] == ["utter_general_welcome"]
    assert events == [SlotSet("urgency", "low")]


def test_the_action_server_does_not_load_tensorflow() -> None:
    code = (
        "import sys; from rasa_sdk.executor import ActionExecutor; e = ActionExecutor(); "
        "e.register_package('actions'); print('tensorflow' in sys.modules, sorted(e.actions))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("False")
    assert "action_triage_message" in out
