"""Helplines and hand-off request actions: country data, who is open, no user text."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk.events import SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionRequestHandoff
from actions.helplines import ActionGiveHelplines, open_now_list
from actions.session import ActionSessionStart
from tests.actions.conftest import make_tracker


async def test_helplines_of_the_users_country(domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    await ActionGiveHelplines().run(
        dispatcher, make_tracker("ask_helplines", metadata={"country": "BE"}), domain
    )
    message = dispatcher.messages[0]
    assert message["response"] == "utter_general_helplines_list"
    assert "116 000" in message["helplines"] and "3018" not in message["helplines"]
    assert message["emergency"] == "le 101 (police) ou le 112"


def test_open_now_follows_the_clock(domain: dict[str, Any]) -> None:
    night = open_now_list(domain, "FR", datetime(2026, 11, 22, 3, 0, tzinfo=ZoneInfo("Europe/Paris")))
    assert "3114" in night and "3018" not in night


async def test_handoff_payload_is_structured_and_carries_no_user_text(domain: dict[str, Any]) -> None:
    slots = {
        "situation": "grooming",
        "urgency": "high",
        "audience": "parent",
        "minor": True,
        "platform": "roblox",
        "steps_given": ["utter_grooming_parent_1"],
    }
    tracker = make_tracker("ask_human", slots=slots)
    tracker.latest_message["text"] = "mon fils Kevin Dupont 0612345678"
    dispatcher = CollectingDispatcher()
    await ActionRequestHandoff().run(dispatcher, tracker, domain)
    payload = dispatcher.messages[0]["custom"]["handoff"]
    assert payload == {
        "situation": "grooming",
        "urgency": "high",
        "audience": "parent",
        "minor": True,
        "platform": "roblox",
        "steps_given": ["utter_grooming_parent_1"],
    }
    assert "Kevin" not in str(dispatcher.messages) and "0612345678" not in str(dispatcher.messages)
    assert (
        dispatcher.messages[1]["response"] == "utter_general_handoff_requested_parent"
    )  # a parent keeps the vous
    assert dispatcher.messages[1]["open_now"]  # someone is always reachable (24/7 lines)


async def test_session_start_keeps_only_the_country(domain: dict[str, Any]) -> None:
    tracker = make_tracker("greet", slots={"session_started_metadata": {"country": "CH", "name": "x"}})
    events = await ActionSessionStart().run(CollectingDispatcher(), tracker, domain)
    assert events[0] == SessionStarted() and SlotSet("country", "CH") in events
