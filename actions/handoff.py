"""Hand-off request: a structured payload for the adapter, and who is open while waiting."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import RelaisAction, country_of, say
from actions.helplines import open_now_list


def handoff_payload(tracker: Tracker) -> dict[str, Any]:
    """What a volunteer needs to help — never the user's own words."""
    return {
        "situation": tracker.get_slot("situation") or "none",
        "urgency": tracker.get_slot("urgency") or "low",
        "audience": tracker.get_slot("audience") or "unknown",
        "minor": tracker.get_slot("minor"),
        "platform": tracker.get_slot("platform"),
        "steps_given": list(tracker.get_slot("steps_given") or []),
    }


class ActionRequestHandoff(RelaisAction):
    """Asks the adapter for a human, and shows who can be reached right now meanwhile."""

    def name(self) -> str:
        return "action_request_handoff"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(json_message={"handoff": handoff_payload(tracker)})
        say(dispatcher, tracker, "utter_general_handoff_requested", open_now=open_now_list(domain, country_of(tracker)))
        return []
