"""Hand-off request: a structured payload for the adapter, and who is open while waiting."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import RelaisAction, country_of, handoff_payload, say
from actions.helplines import open_now_list


class ActionRequestHandoff(RelaisAction):
    """Asks the adapter for a human, and shows who can be reached right now meanwhile."""

    def name(self) -> str:
        return "action_request_handoff"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(json_message={"handoff": handoff_payload(tracker)})
        say(dispatcher, tracker, "utter_general_handoff_requested", open_now=open_now_list(domain, country_of(tracker)))
        return []
