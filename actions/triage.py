"""Triage action: read the NLU decision, keep it in slots, pick the first reply."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.core.labels import NONE, max_urgency
from actions.core.replies import reply_keys


class ActionTriageMessage(Action):
    """Decides the first reply to a message from the triage the NLU component wrote."""

    def name(self) -> str:
        return "action_triage_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        triage = message.get("triage") or {}
        intent = (message.get("intent") or {}).get("name")
        # The conversation's urgency never goes down: a calm follow-up after a crisis
        # keeps the hand-off priority. The reply follows this message's own triage.
        conversation_urgency = max_urgency(triage.get("urgency", "low"), tracker.get_slot("urgency") or "low")
        dispatcher.utter_message(
            json_message={"triage": triage, "conversation_urgency": conversation_urgency}
        )
        for key in reply_keys(triage, intent):
            dispatcher.utter_message(response=key)
        events: list[EventType] = [SlotSet("urgency", conversation_urgency)]
        if triage.get("situation", NONE) != NONE:
            events.append(SlotSet("situation", triage["situation"]))
        if triage.get("audience") not in (None, "unknown"):
            events.append(SlotSet("audience", triage["audience"]))
        return events
